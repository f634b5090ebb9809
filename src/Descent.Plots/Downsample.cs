namespace Descent.Plots;

/// <summary>
/// Thins what a figure draws to what its pixels can show, so that drawing costs the same for a curve of a
/// thousand points and one of billions: evenly spaced sample positions for a function that can be evaluated
/// anywhere (a schedule), and the minimum and maximum of each bucket for values already computed (losses).
/// </summary>
/// <example><code>
/// long[] steps = Downsample.Positions(5_000_000_000, Downsample.MaxPoints);   // 1,600 steps from 0 to 4,999,999,999
/// </code></example>
public static class Downsample
{
    /// <summary>The most points a series is drawn with: two per pixel of a figure's default width.</summary>
    public const int MaxPoints = 2 * Style.Width;

    /// <summary>
    /// At most <paramref name="max"/> positions from 0 to <paramref name="count"/> − 1, evenly spaced, increasing,
    /// the first and the last always among them; every position when <paramref name="count"/> ≤ <paramref name="max"/>.
    /// </summary>
    public static long[] Positions(long count, int max = MaxPoints)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"Downsample.Positions: count must be >= 0; got {count}");
        if (max < 2) throw new ArgumentOutOfRangeException(nameof(max), max, $"Downsample.Positions: max must be >= 2; got {max}");
        if (count <= max)
        {
            var all = new long[count];
            for (long i = 0; i < count; i++) all[i] = i;
            return all;
        }
        var picked = new long[max];
        // Int128: i·(count − 1) passes long's range for counts beyond 2^52.
        for (int i = 0; i < max; i++) picked[i] = (long)((Int128)i * (count - 1) / (max - 1));
        return picked;
    }

    /// <summary>
    /// <paramref name="xs"/> and <paramref name="ys"/> thinned to at most <paramref name="max"/> points: the lowest and
    /// the highest of each of <paramref name="max"/>/2 equal buckets, in order, so spikes and the curve's range survive.
    /// </summary>
    public static (double[] Xs, double[] Ys) MinMax(double[] xs, double[] ys, int max = MaxPoints)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        Check.SameLength("Downsample.MinMax", nameof(xs), xs, nameof(ys), ys);
        if (max < 2) throw new ArgumentOutOfRangeException(nameof(max), max, $"Downsample.MinMax: max must be >= 2; got {max}");
        if (ys.Length <= max) return (xs, ys);
        int buckets = max / 2;
        var outX = new List<double>(max);
        var outY = new List<double>(max);
        for (int b = 0; b < buckets; b++)
        {
            int start = (int)((long)b * ys.Length / buckets), end = (int)((long)(b + 1) * ys.Length / buckets);
            int low = start, high = start;
            for (int i = start + 1; i < end; i++)
            {
                if (ys[i] < ys[low]) low = i;
                if (ys[i] > ys[high]) high = i;
            }
            foreach (int i in low == high ? [low] : low < high ? [low, high] : new[] { high, low })
            {
                outX.Add(xs[i]);
                outY.Add(ys[i]);
            }
        }
        return ([.. outX], [.. outY]);
    }
}

using System.Globalization;
using Descent.Optim;

namespace Descent.Cli.LrFind;

/// <summary>Prints an <see cref="LrFindResult"/>: a compact table of rate against smoothed loss, then the suggestions.</summary>
public static class LrFindTextWriter
{
    /// <summary>The table shows about this many evenly spaced rows of the curve.</summary>
    public const int Rows = 20;

    private const int BarWidth = 40;

    /// <summary>Writes the result to <paramref name="output"/>.</summary>
    /// <example><code>LrFindTextWriter.Write(LrFindRun.Run(DataChoice.Sin, 0), Console.Out);</code></example>
    public static void Write(LrFindResult r, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(output);
        var w = output;
        var f = r.Finder;
        w.WriteLine($"Learning-rate range test on {r.Data} (seed {r.Seed}): {r.Optimizer}, lr from {E(r.StartLr)} to " +
               $"{E(r.EndLr)} over at most {r.Iterations} steps, loss smoothed (β = 0.98).");
        w.WriteLine(f.Diverged
            ? $"Stopped after {f.Lrs.Count} steps at lr {E(f.Lrs[^1])}: the smoothed loss passed 4× its lowest."
            : $"Ran all {f.Lrs.Count} steps without the loss diverging.");
        var marks = new[] { f.Valley, f.Steep, f.Minimum };
        var rows = RowIndices(f.Lrs.Count, Rows).Union(marks.Select(m => Nearest(f.Lrs, m.PointLr))).Order().ToList();
        double max = rows.Select(i => f.Losses[i]).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        w.WriteLine("         lr   smoothed loss");
        foreach (int i in rows)
        {
            double loss = f.Losses[i];
            int bar = double.IsFinite(loss) && max > 0 ? (int)Math.Round(BarWidth * Math.Max(loss, 0) / max) : 0;
            string note = string.Concat(marks.Where(m => Nearest(f.Lrs, m.PointLr) == i).Select(m => $"  ← {m.Method}"));
            w.WriteLine($"   {E(f.Lrs[i]),8}   {G(loss),13}  {new string('#', Math.Max(bar, 1)).PadRight(BarWidth)}{note}".TrimEnd());
        }
        w.WriteLine($"Suggested lr: {E(f.Valley.Lr)} (valley, the default);  steep: {E(f.Steep.Lr)};  " +
               $"minimum/10: {E(f.Minimum.Lr)} (lowest loss at {E(f.Minimum.PointLr)})");
    }

    /// <summary>About <paramref name="rows"/> evenly spaced indices of a curve of <paramref name="count"/> points, always with the first and last.</summary>
    public static IReadOnlyList<int> RowIndices(int count, int rows)
    {
        if (count <= 0) return [];
        int stride = Math.Max(1, (count + rows - 1) / rows);
        var picked = new List<int>();
        for (int i = 0; i < count; i += stride) picked.Add(i);
        if (picked[^1] != count - 1) picked.Add(count - 1);
        return picked;
    }

    private static int Nearest(IReadOnlyList<double> lrs, double lr)
    {
        int best = 0;
        for (int i = 1; i < lrs.Count; i++)
            if (Math.Abs(Math.Log(lrs[i] / lr)) < Math.Abs(Math.Log(lrs[best] / lr))) best = i;
        return best;
    }

    private static string E(double value) => value.ToString("0.0e+0", CultureInfo.InvariantCulture);

    private static string G(double value) =>
        !double.IsFinite(value) ? value.ToString(CultureInfo.InvariantCulture)
            : Math.Abs(value) < 1e3 ? value.ToString("0.00000", CultureInfo.InvariantCulture) : value.ToString("0.00e+0", CultureInfo.InvariantCulture);
}

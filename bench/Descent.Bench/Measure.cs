using System.Diagnostics;

namespace Descent.Bench;

/// <summary>Timing helpers: warm up, then repeat batches long enough to time and keep the best and the median.</summary>
internal static class Measure
{
    /// <summary>Seconds per call of <paramref name="action"/>: (best, median) over <paramref name="repeats"/> batches of at least <paramref name="minBatchSeconds"/>.</summary>
    public static (double Best, double Median) Seconds(Action action, int repeats, double minBatchSeconds)
    {
        action();
        int calls = 1;
        var sw = Stopwatch.StartNew();
        action();
        double one = Math.Max(sw.Elapsed.TotalSeconds, 1e-7);
        calls = (int)Math.Clamp(minBatchSeconds / one, 1, 1_000_000);
        var times = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            sw.Restart();
            for (int i = 0; i < calls; i++) action();
            times[r] = sw.Elapsed.TotalSeconds / calls;
        }
        Array.Sort(times);
        return (times[0], times[repeats / 2]);
    }
}

using System.Diagnostics;

namespace Descent.Bench;

/// <summary>Timing for Descent-only loops: warm up, then repeat batches long enough to time, and keep the median.</summary>
internal static class Measure
{
    /// <summary>Seconds per call of <paramref name="action"/>: the median of <paramref name="repeats"/> batches of at least <paramref name="minBatchSeconds"/>.</summary>
    public static double Seconds(Action action, int repeats, double minBatchSeconds)
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
        return times[repeats / 2];
    }
}

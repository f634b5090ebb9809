using System.Diagnostics;

namespace Descent.Bench;

/// <summary>One benchmark row: a case timed in both libraries (µs per call), with Descent's allocation per call.</summary>
public sealed record Row(string Section, string Case, double DescentUs, double TorchUs, long DescentBytes = -1)
{
    /// <summary>How many times faster Descent is (libtorch time / Descent time).</summary>
    public double Speedup => TorchUs / DescentUs;
}

/// <summary>
/// Warm-up, then the median of five timed batches; each batch repeats the call until it lasts at least
/// the given time, so microsecond steps are timed over many calls. Descent and libtorch alternate
/// batch by batch so that both see the same machine load.
/// </summary>
public static class Timing
{
    public static Row Compare(string section, string name, Action descent, Action torch, double batchSeconds, int warmup)
    {
        // Half a second of warm-up at least: .NET's tiered compilation recompiles hot methods (with
        // profile data) a little while after their first calls, as it does in a user's program.
        double warmSeconds = Math.Max(0.5, 2 * batchSeconds);
        WarmUp(descent, warmup, warmSeconds);
        WarmUp(torch, warmup, warmSeconds);
        int dCalls = Calls(descent, batchSeconds), tCalls = Calls(torch, batchSeconds);
        var d = new double[5];
        var t = new double[5];
        long bytes = 0;
        for (int r = 0; r < 5; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            d[r] = Batch(descent, dCalls);
            bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / dCalls;
            t[r] = Batch(torch, tCalls);
        }
        return new Row(section, name, Median(d), Median(t), bytes);
    }

    private static void WarmUp(Action action, int calls, double seconds)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < calls || sw.Elapsed.TotalSeconds < seconds; i++) action();
    }

    private static int Calls(Action action, double batchSeconds)
    {
        var sw = Stopwatch.StartNew();
        int calls = 0;
        while (sw.Elapsed.TotalSeconds < batchSeconds / 4 || calls < 2)
        {
            action();
            calls++;
        }
        return Math.Max(1, (int)(calls * batchSeconds / sw.Elapsed.TotalSeconds));
    }

    private static double Batch(Action action, int calls)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < calls; i++) action();
        return sw.Elapsed.TotalMicroseconds / calls;
    }

    private static double Median(double[] x)
    {
        var sorted = (double[])x.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}

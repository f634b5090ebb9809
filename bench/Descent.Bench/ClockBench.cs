using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Descent.Bench;

/// <summary>
/// The core's clock while it runs (turbo included), measured: a chain of dependent integer xor and add, one
/// cycle of latency each on every x86 core since the Pentium Pro, so the chain runs at exactly 2 cycles per step
/// whatever the front end does. Falls back to /proc/cpuinfo's "cpu MHz" (the base or last sampled clock)
/// when the measurement is implausible, and says which.
/// </summary>
public static class ClockBench
{
    private const int StepsPerIteration = 16;

    /// <summary>GHz and its source ("measured: dependent-add chain" or "/proc/cpuinfo MHz").</summary>
    public static (double GHz, string Source) Measure(int repeats)
    {
        Chain(1000, 3);   // compiled fully optimized on first call (AggressiveOptimization), so no tier switch mid-run
        const long iterations = 5_000_000;
        var ghz = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            long x = Chain(iterations, r + 3);
            ghz[r] = 2.0 * StepsPerIteration * iterations / sw.Elapsed.TotalSeconds / 1e9;
            GC.KeepAlive(x);
        }
        Array.Sort(ghz);
        double median = ghz[repeats / 2];
        double? listed = CpuInfo.Fields().TryGetValue("cpu MHz", out var mhz) && double.TryParse(mhz, CultureInfo.InvariantCulture, out var m) ? m / 1000 : null;
        string beside = listed is double l ? $"; /proc/cpuinfo lists {l:F2} GHz" : "";
        if (median is > 0.5 and < 7) return (median, $"measured: dependent xor+add chain, median of {repeats}{beside}");
        return listed is double fallback
            ? (fallback, $"/proc/cpuinfo MHz; the chain gave an implausible {median:F2} GHz")
            : (median, "measured, implausible, and /proc/cpuinfo has no MHz");
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long Chain(long iterations, long k)
    {
        long x = k;
        for (long i = 0; i < iterations; i++)
        {
            x = (x ^ k) + 1; x = (x ^ k) + 1; x = (x ^ k) + 1; x = (x ^ k) + 1;
            x = (x ^ k) + 1; x = (x ^ k) + 1; x = (x ^ k) + 1; x = (x ^ k) + 1;
            x = (x ^ k) + 1; x = (x ^ k) + 1; x = (x ^ k) + 1; x = (x ^ k) + 1;
            x = (x ^ k) + 1; x = (x ^ k) + 1; x = (x ^ k) + 1; x = (x ^ k) + 1;
        }
        return x;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Descent.Bench;

/// <summary>
/// The core's clock while it runs (turbo included), measured: a chain of dependent 64-bit integer multiplies,
/// 3 cycles of latency each on every Intel core since Nehalem and every AMD core since Zen, so the chain runs at
/// exactly 3 cycles per step whatever the front end does. (A chain of xor and add-immediate is not safe: Golden
/// Cove and later cores resolve small immediate adds at rename, and this Xeon read twice its clock from one.) Falls back to /proc/cpuinfo's "cpu MHz" (the base or last sampled clock)
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
            long x = Chain(iterations, 2 * r + 3);   // odd, so the product never becomes 0
            ghz[r] = 3.0 * StepsPerIteration * iterations / sw.Elapsed.TotalSeconds / 1e9;
            GC.KeepAlive(x);
        }
        Array.Sort(ghz);
        double median = ghz[repeats / 2];
        double? listed = CpuInfo.Fields().TryGetValue("cpu MHz", out var mhz) && double.TryParse(mhz, CultureInfo.InvariantCulture, out var m) ? m / 1000 : null;
        string beside = listed is double l ? $"; /proc/cpuinfo lists {l:F2} GHz" : "";
        if (median is > 0.5 and < 7) return (median, $"measured: dependent multiply chain, median of {repeats}{beside}");
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
            x *= k; x *= k; x *= k; x *= k; x *= k; x *= k; x *= k; x *= k;
            x *= k; x *= k; x *= k; x *= k; x *= k; x *= k; x *= k; x *= k;
        }
        return x;
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Bench;

/// <summary>
/// The CPU's float32 FMA peak: a tight loop of independent Vector512 (else Vector256) fused
/// multiply-adds on every thread at once, with enough accumulators to hide the FMA latency.
/// </summary>
/// <remarks>
/// The Vector256 loop keeps 12 accumulators, not 16: with the two constants that would be 18 live vectors in
/// AVX2's 16 registers, and the spilled chains halved the measured peak on an AMD EPYC (Zen 3: 48 against
/// 93.5 GFLOP/s theoretical, below what the GEMM itself ran). Twelve still cover the FMA latency times the
/// pipes (4 x 2 on Zen 3, 5 x 2 on Haswell-era Intel).
/// </remarks>
public static class PeakBench
{
    private const int Accumulators512 = 16;
    private const int Accumulators256 = 12;

    /// <summary>GFLOP/s (2 per lane per FMA) on <paramref name="threads"/> threads: median, min and max of <paramref name="repeats"/> runs.</summary>
    public static (double Median, double Min, double Max) GFlops(int threads, int repeats = 5, long iterations = 20_000_000)
    {
        WarmUp();
        var runs = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            using var start = new Barrier(threads + 1);
            var workers = new Thread[threads];
            var sink = new float[threads];
            for (int t = 0; t < threads; t++)
            {
                int id = t;
                workers[t] = new Thread(() =>
                {
                    start.SignalAndWait();
                    sink[id] = Vector512.IsHardwareAccelerated ? Loop512(iterations) : Loop256(iterations);
                });
                workers[t].Start();
            }
            // Timing starts before the workers are released, so none can begin uncounted.
            var sw = Stopwatch.StartNew();
            start.SignalAndWait();
            foreach (var w in workers) w.Join();
            double seconds = sw.Elapsed.TotalSeconds;
            int lanes = Vector512.IsHardwareAccelerated ? 16 : 8;
            int accumulators = Vector512.IsHardwareAccelerated ? Accumulators512 : Accumulators256;
            runs[r] = 2.0 * lanes * accumulators * iterations * threads / seconds / 1e9;
        }
        Array.Sort(runs);
        return (runs[repeats / 2], runs[0], runs[^1]);
    }

    // AggressiveOptimization already compiles the loops fully optimized on their first call; 50 short calls take
    // them past the tiering thresholds (30 calls) as well, should a runtime setting turn that attribute off.
    private static void WarmUp()
    {
        for (int i = 0; i < 50; i++)
            _warmSink += Vector512.IsHardwareAccelerated ? Loop512(1000) : Loop256(1000);
    }

    private static float _warmSink;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop512(long iterations)
    {
        var x = Vector512.Create(0.999f);
        var y = Vector512.Create(1e-7f);
        Vector512<float> a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y;
        Vector512<float> a8 = y, a9 = y, a10 = y, a11 = y, a12 = y, a13 = y, a14 = y, a15 = y;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
            a12 = Vector512.FusedMultiplyAdd(a12, x, y); a13 = Vector512.FusedMultiplyAdd(a13, x, y);
            a14 = Vector512.FusedMultiplyAdd(a14, x, y); a15 = Vector512.FusedMultiplyAdd(a15, x, y);
        }
        var s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15;
        return Vector512.Sum(s);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop256(long iterations)
    {
        var x = Vector256.Create(0.999f);
        var y = Vector256.Create(1e-7f);
        Vector256<float> a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y;
        Vector256<float> a8 = y, a9 = y, a10 = y, a11 = y;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
            a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
            a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
            a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
            a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }
        var s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return Vector256.Sum(s);
    }
}

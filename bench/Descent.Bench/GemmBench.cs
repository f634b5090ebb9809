using Descent.Kernels;
using TorchSharp;

namespace Descent.Bench;

/// <summary>One SGEMM timing: C = A·B for n x n matrices on a given thread count, ours and libtorch's.</summary>
public sealed record GemmResult(int N, int Threads, double DescentGFlops, double TorchGFlops, double PeakGFlops);

/// <summary>
/// Square SGEMM GFLOP/s for Descent's kernel (called directly, into a preallocated C) and
/// torch.matmul in the same process, on the same data and thread count.
/// </summary>
public static class GemmBench
{
    /// <summary>
    /// Times every size on every thread count. Descent, libtorch and a short FMA-peak loop take turns
    /// for <paramref name="rounds"/> rounds and each keeps its best batch, so all three see the same
    /// machine load even when other processes come and go.
    /// </summary>
    public static List<GemmResult> Run(int[] sizes, int[] threadCounts, int rounds, double minBatchSeconds)
    {
        var results = new List<GemmResult>();
        foreach (int threads in threadCounts)
            foreach (int n in sizes)
            {
                var a = Random(n * n, 1);
                var b = Random(n * n, 2);
                var c = new float[n * n];
                double flops = 2.0 * n * n * n;
                torch.set_num_threads(threads);
                using var ta = torch.tensor(a, n, n);
                using var tb = torch.tensor(b, n, n);
                int saved = Descent.Threads.Count;
                double ours = double.MaxValue, theirs = double.MaxValue, peak = 0;
                try
                {
                    Descent.Threads.Count = threads;
                    for (int round = 0; round < rounds; round++)
                    {
                        ours = Math.Min(ours, Measure.Seconds(() => Gemm.Run(false, false, n, n, n, a, b, c), 1, minBatchSeconds).Best);
                        theirs = Math.Min(theirs, Measure.Seconds(() => { using var r = torch.matmul(ta, tb); }, 1, minBatchSeconds).Best);
                        peak = Math.Max(peak, PeakBench.GFlops(threads, 1, 2_000_000));
                    }
                }
                finally
                {
                    Descent.Threads.Count = saved;
                }
                results.Add(new GemmResult(n, threads, flops / ours / 1e9, flops / theirs / 1e9, peak));
            }
        return results;
    }

    private static float[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}

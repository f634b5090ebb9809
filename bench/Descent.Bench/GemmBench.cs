using Descent.Kernels;
using TorchSharp;

namespace Descent.Bench;

/// <summary>
/// Square SGEMM two ways, each library called as its users would: the allocating product (Descent's
/// <c>MatMul</c> against <c>torch.matmul</c>, both returning a new n × n tensor) and the raw product into a
/// preallocated output (Descent's kernel <c>Gemm.Run</c> against libtorch's in-place <c>addmm_</c> with
/// beta 0, which MKL runs as C = A·B with no read of C).
/// </summary>
public static class GemmBench
{
    public static IEnumerable<Row> Run(Timing timing, int[] sizes, int[] threadCounts)
    {
        foreach (int n in sizes)
        {
            var a = Random(n * n, 1);
            var b = Random(n * n, 2);
            var c = new float[n * n];
            var da = Tensor.FromArray(a, n, n);
            var db = Tensor.FromArray(b, n, n);
            var ta = torch.tensor(a, n, n);
            var tb = torch.tensor(b, n, n);
            var tc = torch.zeros(n, n);
            foreach (var row in ThreadCounts.Each(threadCounts, t => timing.Compare("sgemm", $"MatMul vs torch.matmul, n {n}", t,
                () => Sink.Consume(da.MatMul(db)),
                () => { using var r = torch.matmul(ta, tb); Sink.Consume(r); },
                Flops.Sgemm(n), Target.Sgemm(n, t))))
                yield return row;
            foreach (var row in ThreadCounts.Each(threadCounts, t => timing.Compare("sgemm", $"Gemm.Run vs addmm_ (in place), n {n}", t,
                () => { Gemm.Run(false, false, n, n, n, a, b, c); Sink.Consume(c); },
                () => { tc.addmm_(ta, tb, beta: 0, alpha: 1); Sink.Consume(tc); },
                Flops.Sgemm(n), Target.Sgemm(n, t))))
                yield return row;
        }
    }

    private static float[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}

namespace Descent.Kernels;

/// <summary>
/// Many independent GEMMs of one shape (a batched MatMul): C[t] = op(A[ia[t]])·op(B[ib[t]]). When each
/// product is too small for <see cref="Gemm"/> to thread on its own, whole products are split across
/// threads instead. A product is computed the same way whichever thread runs it, so the result is
/// bit-identical to the serial loop.
/// </summary>
internal static unsafe class BatchedGemm
{
    private struct Args
    {
        public float* A, B, C;
        public int* IndexA, IndexB;
        public int M, N, K, Count, Parts;
        public bool TransA, TransB;
    }

    /// <param name="indexA">Per product, the index of its A matrix (of m·k elements) in <paramref name="a"/>.</param>
    /// <param name="indexB">Per product, the index of its B matrix (of k·n elements) in <paramref name="b"/>.</param>
    public static void Run(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<int> indexA, ReadOnlySpan<float> b, ReadOnlySpan<int> indexB, Span<float> c)
    {
        int count = indexA.Length;
        long macs = (long)m * n * k;
        int parts = macs >= Gemm.MacsPerThread * 2 ? 1 : ParallelPartition.Parts(macs * count, Gemm.MacsPerThread, count);
        if (parts <= 1)
        {
            for (int t = 0; t < count; t++)
                Gemm.Run(transA, transB, m, n, k, a.Slice(indexA[t] * m * k, m * k), b.Slice(indexB[t] * k * n, k * n), c.Slice(t * m * n, m * n));
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        fixed (int* xa = indexA, xb = indexB)
        {
            var args = new Args { A = pa, B = pb, C = pc, IndexA = xa, IndexB = xb, M = m, N = n, K = k, Count = count, Parts = parts, TransA = transA, TransB = transB };
            ParallelPool.Run(parts, &Part, &args);
        }
    }

    private static void Part(int part, void* state)
    {
        ref var a = ref *(Args*)state;
        var (start, end) = ParallelPartition.Range(a.Count, a.Parts, part);
        int mk = a.M * a.K, kn = a.K * a.N, mn = a.M * a.N;
        for (int t = start; t < end; t++)
            Gemm.Run(a.TransA, a.TransB, a.M, a.N, a.K,
                new ReadOnlySpan<float>(a.A + (long)a.IndexA[t] * mk, mk),
                new ReadOnlySpan<float>(a.B + (long)a.IndexB[t] * kn, kn),
                new Span<float>(a.C + (long)t * mn, mn));
    }
}

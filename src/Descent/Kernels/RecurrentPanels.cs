using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// The recurrent time loops' per-step products on the AVX2 path (<see cref="GemmPath.Vector256"/>): C (+)= A·B with
/// A's rows (a part's hidden states or gate gradients) read where they lie, and B, the one weight every step reads,
/// packed into 16-column panels once per call instead of once per step. Through <see cref="Gemm.Run(bool, bool, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, bool)"/>
/// each step packed all of B (64 K floats for the benchmark's LSTM at H 128, each way) and its 32 rows of A, and ran
/// the rows past the last whole 6-row tile through a scratch tile: 110 µs a step's product where the
/// multiply-adds alone take 45 at the FMA peak (AMD EPYC, Zen 3, one thread). Each element is summed as the GEMM's packed path sums it,
/// from zero over each of the GEMM's equal k blocks of at most KC (<see cref="GemmBlocking"/>), block by block
/// stored or added into C, so the results are the GEMM's bits; which rows share a tile never changes an element.
/// </summary>
/// <example><code>
/// if (RecurrentPanels.Suits(m, width, hidden)) { RecurrentPanels.Pack(wT, hidden, width, panels); RecurrentPanels.Run(m, width, hidden, h, panels, gates, accumulate: true, parts: 1); }
/// </code></example>
internal static unsafe class RecurrentPanels
{
    /// <summary>Columns per panel: two 256-bit vectors, so a 6-row tile keeps 12 accumulators in AVX2's 16 registers.</summary>
    public const int Width = 16;

    private const int Rows = 6;

    /// <summary>
    /// Whether a product of <paramref name="m"/> rows by a [<paramref name="k"/>, <paramref name="n"/>] B runs here:
    /// on the AVX2 path, for whole panels, and where the GEMM takes its packed path (<see cref="RecurrentSteps.RowsComputeAlike"/>),
    /// whose bits this reproduces.
    /// </summary>
    public static bool Suits(int m, int n, int k) => Gemm.Path == GemmPath.Vector256 && n % Width == 0 && RecurrentSteps.RowsComputeAlike(m, n, k);

    /// <summary>B (<paramref name="k"/> x <paramref name="n"/>, stored [k, n]) as panels: panel q holds, step by step, its 16 columns.</summary>
    public static void Pack(float* b, int k, int n, float* panels) => GemmPack.B(false, b, k, n, 0, k, 0, n, Width, panels);

    private struct Args
    {
        public float* A, Panels, C;
        public int M, N, K, Parts;
        public bool Accumulate;
    }

    /// <summary>
    /// C [m, n] = A [m, k]·B, or added to C when <paramref name="accumulate"/>, with B as <see cref="Pack"/> left it.
    /// <paramref name="parts"/> is 1 for this thread alone, 0 to split the panels over threads by size (as the GEMM
    /// splits a product); every element is computed alike in any part.
    /// </summary>
    public static void Run(int m, int n, int k, float* a, float* panels, float* c, bool accumulate, int parts)
    {
        if (parts != 1) parts = ParallelPartition.Parts((long)m * n * k, Gemm.MacsPerThread, n / Width);
        if (parts == 1)
        {
            Columns(m, n, k, a, panels, c, accumulate, 0, n);
            return;
        }
        var args = new Args { A = a, Panels = panels, C = c, M = m, N = n, K = k, Parts = parts, Accumulate = accumulate };
        ParallelPool.Run(parts, &Part, &args);
    }

    private static void Part(int part, void* state)
    {
        ref readonly var g = ref *(Args*)state;
        var (j0, j1) = ParallelPartition.Range(g.N, g.Parts, part, Width);
        if (j1 > j0) Columns(g.M, g.N, g.K, g.A, g.Panels, g.C, g.Accumulate, j0, j1);
    }

    /// <summary>Columns [<paramref name="j0"/>, <paramref name="j1"/>) (whole panels) of the product.</summary>
    private static void Columns(int m, int n, int k, float* a, float* panels, float* c, bool accumulate, int j0, int j1)
    {
        int kBlocks = (k + Gemm.Blocking.KC - 1) / Gemm.Blocking.KC, kcMax = (k + kBlocks - 1) / kBlocks;
        for (int j = j0; j < j1; j += Width)
        {
            float* panel = panels + (long)j * k;
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                bool add = accumulate || pc > 0;
                for (int i = 0, rows; i < m; i += rows)
                {
                    // 8 or 7 rows left run as 4 + 4 or 4 + 3 rather than 6 + 2 or 6 + 1: a tile's FMAs hide their latency only with 8 or more accumulators.
                    int left = m - i;
                    rows = left is 7 or 8 ? 4 : Math.Min(Rows, left);
                    Tile(rows, kc, a + (long)i * k + pc, k, panel + (long)pc * Width, c + (long)i * n + j, n, add);
                }
            }
        }
    }

    private static void Tile(int rows, int kc, float* a, int lda, float* b, float* c, int ldc, bool add)
    {
        switch (rows)
        {
            case 6: Tile<R6>(kc, a, lda, b, c, ldc, add); break;
            case 5: Tile<R5>(kc, a, lda, b, c, ldc, add); break;
            case 4: Tile<R4>(kc, a, lda, b, c, ldc, add); break;
            case 3: Tile<R3>(kc, a, lda, b, c, ldc, add); break;
            case 2: Tile<R2>(kc, a, lda, b, c, ldc, add); break;
            default: Tile<R1>(kc, a, lda, b, c, ldc, add); break;
        }
    }

    private interface IRows { static abstract int Count { get; } }
    private struct R1 : IRows { public static int Count => 1; }
    private struct R2 : IRows { public static int Count => 2; }
    private struct R3 : IRows { public static int Count => 3; }
    private struct R4 : IRows { public static int Count => 4; }
    private struct R5 : IRows { public static int Count => 5; }
    private struct R6 : IRows { public static int Count => 6; }

    /// <summary>
    /// TRows x 16 of C from kc steps: per step two loads of the panel and a broadcast of each row's value, each
    /// accumulator a chain of FMAs from zero in step order, as the GEMM's <see cref="GemmMicroKernels.Vector256Kernel"/> sums.
    /// </summary>
    private static void Tile<TRows>(int kc, float* a, int lda, float* b, float* c, int ldc, bool add) where TRows : struct, IRows
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < kc; p++, b += Width)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a[p]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            if (TRows.Count > 1)
            {
                x = Vector256.Create(a1[p]);
                c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
                c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            }
            if (TRows.Count > 2)
            {
                x = Vector256.Create(a2[p]);
                c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
                c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            }
            if (TRows.Count > 3)
            {
                x = Vector256.Create(a3[p]);
                c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
                c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            }
            if (TRows.Count > 4)
            {
                x = Vector256.Create(a4[p]);
                c40 = Vector256.FusedMultiplyAdd(x, b0, c40);
                c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            }
            if (TRows.Count > 5)
            {
                x = Vector256.Create(a5[p]);
                c50 = Vector256.FusedMultiplyAdd(x, b0, c50);
                c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            }
        }
        Finish(c, c00, c01, add);
        if (TRows.Count > 1) Finish(c + ldc, c10, c11, add);
        if (TRows.Count > 2) Finish(c + 2 * ldc, c20, c21, add);
        if (TRows.Count > 3) Finish(c + 3 * ldc, c30, c31, add);
        if (TRows.Count > 4) Finish(c + 4 * ldc, c40, c41, add);
        if (TRows.Count > 5) Finish(c + 5 * ldc, c50, c51, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(float* c, Vector256<float> low, Vector256<float> high, bool add)
    {
        if (add)
        {
            low += Vector256.Load(c);
            high += Vector256.Load(c + 8);
        }
        low.Store(c);
        high.Store(c + 8);
    }
}

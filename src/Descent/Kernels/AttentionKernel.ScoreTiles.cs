using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

// Score tiles: four query rows of scores at a time, up to 64 keys, held in sixteen AVX-512 registers from the product
// to the softmax (forward) or to the score gradient (backward), so a row of scores is never stored and read back
// between the steps, and the four rows' reductions (max, sum, the dO·O dot) overlap instead of each waiting on
// its own. Every element is the same k fused multiply-adds in order from zero as HeadGemm computes, and the softmax
// and score-gradient steps are ScaledSoftmaxRow's and ScoreGradientRow's, so a problem gives the same bits whichever
// path its rows take.
internal static unsafe partial class AttentionKernel
{
    private const int TileRows = 4;

    private interface IKeyVectors
    {
        static abstract int Count { get; }
    }

    private struct Keys1 : IKeyVectors { public static int Count => 1; }
    private struct Keys2 : IKeyVectors { public static int Count => 2; }
    private struct Keys3 : IKeyVectors { public static int Count => 3; }
    private struct Keys4 : IKeyVectors { public static int Count => 4; }

    /// <summary>
    /// How many of a problem's rows the score tiles take: whole groups of four when the keys are whole AVX-512
    /// vectors, at most four of them; none otherwise. A causal mask stays on the row path, whose softmax sums only
    /// each row's visible keys.
    /// </summary>
    private static int TiledRows(in Args a) =>
        Vector512.IsHardwareAccelerated && a.S % Vector512<float>.Count == 0 && a.S <= 4 * Vector512<float>.Count && !a.Causal
            ? a.L - a.L % TileRows : 0;

    /// <summary>
    /// Problem t's first <paramref name="rows"/> rows: forward, P = softmax(Q·Kᵀ·scale + mask) into
    /// <paramref name="destination"/> (P's rows) from <paramref name="transposed"/> = Kᵀ [E, S]; backward, dS·scale
    /// (and dS, when wanted) into <paramref name="destination"/> from dP = dO·Vᵀ, <paramref name="transposed"/> = Vᵀ [Ev, S].
    /// </summary>
    private static void ScoreTiles(in Args a, int t, float* transposed, float* destination, int rows, bool backward)
    {
        switch (a.S / Vector512<float>.Count)
        {
            case 1: ScoreTiles<Keys1>(a, t, transposed, destination, rows, backward); break;
            case 2: ScoreTiles<Keys2>(a, t, transposed, destination, rows, backward); break;
            case 3: ScoreTiles<Keys3>(a, t, transposed, destination, rows, backward); break;
            default: ScoreTiles<Keys4>(a, t, transposed, destination, rows, backward); break;
        }
    }

    private static void ScoreTiles<TKeys>(in Args a, int t, float* transposed, float* destination, int rows, bool backward) where TKeys : struct, IKeyVectors
    {
        if (backward) ScoreGradientTiles<TKeys>(a, t, transposed, destination, rows);
        else SoftmaxTiles<TKeys>(a, t, transposed, destination, rows);
    }

    private static void SoftmaxTiles<TKeys>(in Args a, int t, float* kt, float* p, int rows) where TKeys : struct, IKeyVectors
    {
        int s = a.S, ldq = a.Q.Layout.RowStride;
        float* q = RowsOf(a.Q, t);
        float* mask = a.Mask != null ? a.Mask + t * a.MaskStride : null;
        for (int i = 0; i < rows; i += TileRows)
        {
            var x = Scores<TKeys>(a.E, q + (long)i * ldq, ldq, kt, s);
            // One call site, so the JIT inlines the softmax (four sites exceeded its inlining budget).
            for (int row = 0; row < TileRows; row++)
            {
                long r = (long)(i + row) * s;
                var (x0, x1, x2, x3) = x.Row(row);
                SoftmaxStore<TKeys>(x0, x1, x2, x3, a.Scale, mask != null ? mask + r : null, p + r);
            }
        }
    }

    private static void ScoreGradientTiles<TKeys>(in Args a, int t, float* vt, float* scaled, int rows) where TKeys : struct, IKeyVectors
    {
        int s = a.S, ev = a.Ev, ld = a.O.Layout.RowStride;
        long ls = (long)a.L * s;
        float* go = RowsOf(a.GradO, t), o = RowsOf(a.O, t), p = a.P + t * ls;
        float* keep = a.Keep != null ? a.Keep + t * ls : null;
        float* gs = a.GradScores != null ? a.GradScores + t * ls : null;
        for (int i = 0; i < rows; i += TileRows)
        {
            var x = Scores<TKeys>(ev, go + (long)i * ld, ld, vt, s);
            for (int row = 0; row < TileRows; row++)
            {
                long at = (long)(i + row) * ld, r = (long)(i + row) * s;
                // rowsum(P∘dP) = rowsum(dO∘O): the dropout factors are folded into O already.
                float delta = RowDot(go + at, o + at, ev);
                var (x0, x1, x2, x3) = x.Row(row);
                ScoreGradientStore<TKeys>(x0, x1, x2, x3, delta, a.Scale, keep != null ? keep + r : null, p + r, gs != null ? gs + r : null, scaled + r);
            }
        }
    }

    private struct Tile
    {
        public Vector512<float> R00, R01, R02, R03, R10, R11, R12, R13, R20, R21, R22, R23, R30, R31, R32, R33;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly (Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>) Row(int row) => row switch
        {
            0 => (R00, R01, R02, R03),
            1 => (R10, R11, R12, R13),
            2 => (R20, R21, R22, R23),
            _ => (R30, R31, R32, R33),
        };
    }

    /// <summary>Four rows of A·B, A [4, k] with rows <paramref name="lda"/> apart, B [k, S] dense; columns past S stay 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Tile Scores<TKeys>(int k, float* a, int lda, float* b, int s) where TKeys : struct, IKeyVectors
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < k; p++, b += s)
        {
            var b0 = Vector512.Load(b);
            var b1 = TKeys.Count > 1 ? Vector512.Load(b + 16) : default;
            var b2 = TKeys.Count > 2 ? Vector512.Load(b + 32) : default;
            var b3 = TKeys.Count > 3 ? Vector512.Load(b + 48) : default;
            MultiplyAdd<TKeys>(Vector512.Create(a[p]), b0, b1, b2, b3, ref c00, ref c01, ref c02, ref c03);
            MultiplyAdd<TKeys>(Vector512.Create(a1[p]), b0, b1, b2, b3, ref c10, ref c11, ref c12, ref c13);
            MultiplyAdd<TKeys>(Vector512.Create(a2[p]), b0, b1, b2, b3, ref c20, ref c21, ref c22, ref c23);
            MultiplyAdd<TKeys>(Vector512.Create(a3[p]), b0, b1, b2, b3, ref c30, ref c31, ref c32, ref c33);
        }
        return new Tile
        {
            R00 = c00, R01 = c01, R02 = c02, R03 = c03, R10 = c10, R11 = c11, R12 = c12, R13 = c13,
            R20 = c20, R21 = c21, R22 = c22, R23 = c23, R30 = c30, R31 = c31, R32 = c32, R33 = c33,
        };
    }

    // One row of the tile: c += x·b over the key vectors there are.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd<TKeys>(Vector512<float> x, Vector512<float> b0, Vector512<float> b1, Vector512<float> b2, Vector512<float> b3,
        ref Vector512<float> c0, ref Vector512<float> c1, ref Vector512<float> c2, ref Vector512<float> c3) where TKeys : struct, IKeyVectors
    {
        c0 = Vector512.FusedMultiplyAdd(x, b0, c0);
        if (TKeys.Count > 1) c1 = Vector512.FusedMultiplyAdd(x, b1, c1);
        if (TKeys.Count > 2) c2 = Vector512.FusedMultiplyAdd(x, b2, c2);
        if (TKeys.Count > 3) c3 = Vector512.FusedMultiplyAdd(x, b3, c3);
    }

    /// <summary>One row of scores to weights, as <see cref="ScaledSoftmaxRow"/> computes them, from registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SoftmaxStore<TKeys>(Vector512<float> x0, Vector512<float> x1, Vector512<float> x2, Vector512<float> x3,
        float scale, float* mask, float* row) where TKeys : struct, IKeyVectors
    {
        var sc = Vector512.Create(scale);
        x0 *= sc;
        if (TKeys.Count > 1) x1 *= sc;
        if (TKeys.Count > 2) x2 *= sc;
        if (TKeys.Count > 3) x3 *= sc;
        if (mask != null)
        {
            x0 += Vector512.Load(mask);
            if (TKeys.Count > 1) x1 += Vector512.Load(mask + 16);
            if (TKeys.Count > 2) x2 += Vector512.Load(mask + 32);
            if (TKeys.Count > 3) x3 += Vector512.Load(mask + 48);
        }
        var maxV = x0;
        if (TKeys.Count > 1) maxV = Vector512.MaxNative(maxV, x1);
        if (TKeys.Count > 2) maxV = Vector512.MaxNative(maxV, x2);
        if (TKeys.Count > 3) maxV = Vector512.MaxNative(maxV, x3);
        float max = SoftmaxExp.HorizontalMax(maxV);
        if (float.IsNegativeInfinity(max))
        {
            new Span<float>(row, TKeys.Count * Vector512<float>.Count).Clear();
            return;
        }
        var maxB = Vector512.Create(max);
        x0 = SoftmaxExp.Exp(x0 - maxB);
        var sumV = x0;
        if (TKeys.Count > 1) sumV += x1 = SoftmaxExp.Exp(x1 - maxB);
        if (TKeys.Count > 2) sumV += x2 = SoftmaxExp.Exp(x2 - maxB);
        if (TKeys.Count > 3) sumV += x3 = SoftmaxExp.Exp(x3 - maxB);
        var inv = Vector512.Create(1f / Vector512.Sum(sumV));
        Vector512.Store(x0 * inv, row);
        if (TKeys.Count > 1) Vector512.Store(x1 * inv, row + 16);
        if (TKeys.Count > 2) Vector512.Store(x2 * inv, row + 32);
        if (TKeys.Count > 3) Vector512.Store(x3 * inv, row + 48);
    }

    /// <summary>One row of dS = (dP∘keep − delta)∘P, as <see cref="ScoreGradientRow"/> computes it, from registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScoreGradientStore<TKeys>(Vector512<float> g0, Vector512<float> g1, Vector512<float> g2, Vector512<float> g3,
        float delta, float scale, float* keep, float* p, float* gradScores, float* scaled) where TKeys : struct, IKeyVectors
    {
        var d = Vector512.Create(delta);
        var sc = Vector512.Create(scale);
        ScoreGradientVector(g0, 0, d, sc, keep, p, gradScores, scaled);
        if (TKeys.Count > 1) ScoreGradientVector(g1, 16, d, sc, keep, p, gradScores, scaled);
        if (TKeys.Count > 2) ScoreGradientVector(g2, 32, d, sc, keep, p, gradScores, scaled);
        if (TKeys.Count > 3) ScoreGradientVector(g3, 48, d, sc, keep, p, gradScores, scaled);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScoreGradientVector(Vector512<float> g, int j, Vector512<float> delta, Vector512<float> scale,
        float* keep, float* p, float* gradScores, float* scaled)
    {
        if (keep != null) g *= Vector512.Load(keep + j);
        var v = (g - delta) * Vector512.Load(p + j);
        if (gradScores != null) Vector512.Store(v, gradScores + j);
        Vector512.Store(v * scale, scaled + j);
    }
}

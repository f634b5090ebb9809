using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

// The path for problems too small to thread on their own (a layer's heads: 64 × 64 × 32): every operand is read
// and written where its layout puts it, row stride and all, by HeadGemm, so nothing is gathered, scattered or
// packed; only the two products by a transpose (q·kᵀ, dO·vᵀ) copy that head's k or v, transposed, into L1. Those two
// products run on the score tiles (AttentionKernel.ScoreTiles.cs) for the rows they take, and on HeadGemm and the
// row functions here for the rest.
internal static unsafe partial class AttentionKernel
{
    private static float* RowsOf(in Operand x, int t) => x.Data + x.Layout.Start(t);

    private static void InPlaceForwardPart(int part, void* state)
    {
        ref var a = ref *(Args*)state;
        var (start, end) = ParallelPartition.Range(a.Count, a.Parts, part);
        int l = a.L, s = a.S, e = a.E, ev = a.Ev;
        int ls = l * s;
        // Kᵀ [E, S], then the dropped-out weights [L, S] when there is dropout.
        var scratch = ScratchPool.Rent(e * s + (a.Keep != null ? ls : 0));
        int tiled = TiledRows(a);
        fixed (float* kt = scratch)
        {
            float* dropped = kt + e * s;
            for (int t = start; t < end; t++)
            {
                float* p = a.P + (long)t * ls;
                Transpose(a.K, t, kt);
                if (tiled > 0) ScoreTiles(a, t, kt, p, tiled, backward: false);
                int ldq = a.Q.Layout.RowStride;
                if (tiled < l) HeadGemm.Run(false, l - tiled, s, e, RowsOf(a.Q, t) + (long)tiled * ldq, ldq, kt, s, p + (long)tiled * s, s);
                float* mask = a.Mask != null ? a.Mask + t * a.MaskStride : null;
                for (int i = tiled; i < l; i++)
                    // PyTorch's is_causal is the top-left lower triangle: query i sees keys 0..i.
                    ScaledSoftmaxRow(p + (long)i * s, s, a.Causal ? Math.Min(i + 1, s) : s, a.Scale, mask != null ? mask + (long)i * s : null);
                float* weights = p;
                if (a.Keep != null)
                {
                    TensorPrimitives.Multiply(new ReadOnlySpan<float>(p, ls), new ReadOnlySpan<float>(a.Keep + (long)t * ls, ls), new Span<float>(dropped, ls));
                    weights = dropped;
                }
                HeadGemm.Run(false, l, ev, s, weights, s, RowsOf(a.V, t), a.V.Layout.RowStride, RowsOf(a.O, t), a.O.Layout.RowStride);
            }
        }
        ScratchPool.Return(scratch);
    }

    // Problem t's [rows, width] operand, transposed to [width, rows]: the B of a product by its transpose.
    private static void Transpose(in Operand x, int t, float* dst) => HeadGemm.Transpose(RowsOf(x, t), x.Layout.RowStride, x.Rows, x.Width, dst);

    /// <summary>
    /// One row of scores to weights in place: x·scale + mask over the first <paramref name="visible"/> keys, 0 past
    /// them, then softmax. A row with every key masked gets weights 0 (so output and gradients 0), as libtorch's
    /// CPU SDPA gives (its _safe_softmax), rather than the NaN of a plain softmax over −∞. On AVX-512 and AVX2 the
    /// steps run in three passes over the row while it is in L1, instead of a library call per step.
    /// </summary>
    private static void ScaledSoftmaxRow(float* row, int s, int visible, float scale, float* mask)
    {
        new Span<float>(row + visible, s - visible).Fill(0f);
        var x = new Span<float>(row, visible);
        bool wide = Vector512.IsHardwareAccelerated;
        if (!wide && !Avx2Fma)
        {
            TensorPrimitives.Multiply(x, scale, x);
            if (mask != null) TensorPrimitives.Add(x, new ReadOnlySpan<float>(mask, visible), x);
            SoftmaxRow(x);
            return;
        }
        // Whole vectors, then the elements past the last one with the same arithmetic, in each of the three passes.
        int full = visible - visible % (wide ? 16 : 8);
        float max = wide ? ScaleMax512(row, full, scale, mask) : ScaleMax256(row, full, scale, mask);
        for (int j = full; j < visible; j++)
        {
            float v = row[j] * scale;
            if (mask != null) v += mask[j];
            row[j] = v;
            max = MathF.Max(max, v);
        }
        if (float.IsNegativeInfinity(max))
        {
            x.Clear();
            return;
        }
        float sum = wide ? ExpSum512(row, full, max) : ExpSum256(row, full, max);
        for (int j = full; j < visible; j++)
        {
            float v = SoftmaxExp.Exp(row[j] - max);
            row[j] = v;
            sum += v;
        }
        if (wide) Normalize512(row, full, 1f / sum);
        else Normalize256(row, full, 1f / sum);
        for (int j = full; j < visible; j++) row[j] *= 1f / sum;
    }

    // The row's first `full` scores scaled and masked in place; returns their largest.
    private static float ScaleMax512(float* row, int full, float scale, float* mask)
    {
        var maxV = Vector512.Create(float.NegativeInfinity);
        var scaleV = Vector512.Create(scale);
        for (int j = 0; j < full; j += 16)
        {
            var v = Vector512.Load(row + j) * scaleV;
            if (mask != null) v += Vector512.Load(mask + j);
            Vector512.Store(v, row + j);
            maxV = Vector512.MaxNative(maxV, v);
        }
        return SoftmaxExp.HorizontalMax(maxV);
    }

    // e^(x − max) in place over the row's first `full` scores; returns their sum.
    private static float ExpSum512(float* row, int full, float max)
    {
        var maxB = Vector512.Create(max);
        var sumV = Vector512<float>.Zero;
        for (int j = 0; j < full; j += 16)
        {
            var v = SoftmaxExp.Exp(Vector512.Load(row + j) - maxB);
            Vector512.Store(v, row + j);
            sumV += v;
        }
        return Vector512.Sum(sumV);
    }

    private static void Normalize512(float* row, int full, float inverse)
    {
        var inv = Vector512.Create(inverse);
        for (int j = 0; j < full; j += 16) Vector512.Store(Vector512.Load(row + j) * inv, row + j);
    }

    private static void InPlaceBackwardPart(int part, void* state)
    {
        ref var a = ref *(Args*)state;
        var (start, end) = ParallelPartition.Range(a.Count, a.Parts, part);
        int l = a.L, s = a.S, e = a.E, ev = a.Ev;
        int ls = l * s;
        bool needScores = a.GradQ.Data != null || a.GradK.Data != null || a.GradScores != null;
        // Vᵀ [Ev, S], dP [L, S], dS·scale [L, S], and the dropped-out weights [L, S] when there is dropout.
        var scratch = ScratchPool.Rent(ev * s + 2 * ls + (a.Keep != null ? ls : 0));
        int tiled = TiledRows(a);
        fixed (float* vt = scratch)
        {
            float* gradP = vt + ev * s, scaled = gradP + ls, dropped = scaled + ls;
            int oStride = a.O.Layout.RowStride;
            for (int t = start; t < end; t++)
            {
                float* p = a.P + (long)t * ls;
                float* keep = a.Keep != null ? a.Keep + (long)t * ls : null;
                float* go = RowsOf(a.GradO, t);
                if (a.GradV.Data != null)
                {
                    float* weights = p;
                    if (keep != null)
                    {
                        TensorPrimitives.Multiply(new ReadOnlySpan<float>(p, ls), new ReadOnlySpan<float>(keep, ls), new Span<float>(dropped, ls));
                        weights = dropped;
                    }
                    HeadGemm.Run(true, s, ev, l, weights, s, go, oStride, RowsOf(a.GradV, t), a.GradV.Layout.RowStride);
                }
                if (!needScores) continue;

                Transpose(a.V, t, vt);
                if (tiled > 0) ScoreTiles(a, t, vt, scaled, tiled, backward: true);
                if (tiled < l) HeadGemm.Run(false, l - tiled, s, ev, go + (long)tiled * oStride, oStride, vt, s, gradP + (long)tiled * s, s);
                float* o = RowsOf(a.O, t);
                float* gs = a.GradScores != null ? a.GradScores + (long)t * ls : null;
                for (int i = tiled; i < l; i++)
                {
                    // rowsum(P∘dP) = rowsum(dO∘O): the dropout factors are folded into O already.
                    float delta = RowDot(go + (long)i * oStride, o + (long)i * oStride, ev);
                    long r = (long)i * s;
                    ScoreGradientRow(s, delta, a.Scale, gradP + r, keep != null ? keep + r : null, p + r, gs != null ? gs + r : null, scaled + r);
                }
                if (a.GradQ.Data != null)
                    HeadGemm.Run(false, l, e, s, scaled, s, RowsOf(a.K, t), a.K.Layout.RowStride, RowsOf(a.GradQ, t), a.GradQ.Layout.RowStride);
                if (a.GradK.Data != null)
                    HeadGemm.Run(true, s, e, l, scaled, s, RowsOf(a.Q, t), a.Q.Layout.RowStride, RowsOf(a.GradK, t), a.GradK.Layout.RowStride);
            }
        }
        ScratchPool.Return(scratch);
    }

    // A head's row is a vector or two: inline, rather than a library call per row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float RowDot(float* x, float* y, int n)
    {
        if (!Vector512.IsHardwareAccelerated && Avx2Fma) return RowDot256(x, y, n);
        if (!Vector512.IsHardwareAccelerated) return TensorPrimitives.Dot(new ReadOnlySpan<float>(x, n), new ReadOnlySpan<float>(y, n));
        var sum = Vector512<float>.Zero;
        int j = 0;
        for (; j + 16 <= n; j += 16) sum = Vector512.FusedMultiplyAdd(Vector512.Load(x + j), Vector512.Load(y + j), sum);
        float total = Vector512.Sum(sum);
        for (; j < n; j++) total = MathF.FusedMultiplyAdd(x[j], y[j], total);
        return total;
    }

    /// <summary>
    /// dS = (dP∘keep − delta)∘P for one row, written to <paramref name="gradScores"/> when it is wanted, and dS·scale,
    /// the left operand of dQ = dS·K·scale and dK = dSᵀ·Q·scale, to <paramref name="scaled"/>.
    /// </summary>
    private static void ScoreGradientRow(int s, float delta, float scale, float* gradP, float* keep, float* p, float* gradScores, float* scaled)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var d = Vector512.Create(delta);
            var sc = Vector512.Create(scale);
            for (; j + 16 <= s; j += 16)
            {
                var g = Vector512.Load(gradP + j);
                if (keep != null) g *= Vector512.Load(keep + j);
                var v = (g - d) * Vector512.Load(p + j);
                if (gradScores != null) Vector512.Store(v, gradScores + j);
                Vector512.Store(v * sc, scaled + j);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var d = Vector256.Create(delta);
            var sc = Vector256.Create(scale);
            for (; j + 8 <= s; j += 8)
            {
                var g = Vector256.Load(gradP + j);
                if (keep != null) g *= Vector256.Load(keep + j);
                var v = (g - d) * Vector256.Load(p + j);
                if (gradScores != null) Vector256.Store(v, gradScores + j);
                Vector256.Store(v * sc, scaled + j);
            }
        }
        for (; j < s; j++)
        {
            float g = gradP[j];
            if (keep != null) g *= keep[j];
            float v = (g - delta) * p[j];
            if (gradScores != null) gradScores[j] = v;
            scaled[j] = v * scale;
        }
    }
}

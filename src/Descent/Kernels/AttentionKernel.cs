using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// Scaled dot-product attention over <c>count</c> independent (batch·head) problems: Q [L, E], K [S, E],
/// V [S, Ev] give P = softmax(Q·Kᵀ·scale + mask) [L, S] and O = P·V [L, Ev]. Each operand's rows lie where its
/// <see cref="AttentionLayout"/> says, so a layer's heads are read from and written to its projections in
/// place. Problems the size of a layer's heads are computed where they lie, strides and all, on <see cref="HeadGemm"/>
/// with a fused scale, mask and softmax (AttentionKernel.InPlace.cs); a problem big enough to thread on its own runs
/// its products on <see cref="Gemm"/>, its rows gathered into per-thread scratch where they are not contiguous.
/// Forward keeps P itself rather than each row's log-sum-exp: backward needs P as the GEMM operand of
/// dV = Pᵀ·dO and in dS = P∘(dP − rowsum(dO∘O)), so keeping the row statistic would only trade the
/// [L, S] buffer for a second Q·Kᵀ product and a second pass of the mask. Which path a problem takes depends on
/// its shape alone; whole problems are split across threads by count, and a problem is computed the same way
/// whichever thread runs it (Gemm is bit-identical for every split), so results do not depend on the thread count.
/// </summary>
internal static unsafe partial class AttentionKernel
{
    private struct Operand
    {
        public float* Data;
        public AttentionLayout Layout;
        public int Rows, Width;
    }

    private struct Args
    {
        public Operand Q, K, V, O, GradO, GradQ, GradK, GradV;
        public float* Mask, Keep, P, GradScores;
        public int Count, L, S, E, Ev, Parts;
        public long MaskStride;
        public float Scale;
        public bool Causal;
    }

    /// <summary>As the layout overload, for problems stored back to back ([count, L, E] and so on).</summary>
    public static void Forward(int count, int l, int s, int e, int ev, float scale, bool causal,
        ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> mask, ReadOnlySpan<float> keep,
        Span<float> probabilities, Span<float> output) =>
        Forward(count, l, s, e, ev, scale, causal, q, AttentionLayout.Dense(l, e), k, AttentionLayout.Dense(s, e), v, AttentionLayout.Dense(s, ev),
            mask, keep, probabilities, output, AttentionLayout.Dense(l, ev));

    /// <param name="mask">
    /// Additive [count, L, S] (0 or −∞ for masked positions, plus any float bias), one [L, S] that every
    /// problem shares (a causal or padding-free mask, built once rather than per batch row and head), or empty.
    /// </param>
    /// <param name="keep">Dropout factors [count, L, S] (0 or 1/(1 − p)), or empty for no dropout.</param>
    /// <param name="probabilities">Receives P [count, L, S], before dropout.</param>
    public static void Forward(int count, int l, int s, int e, int ev, float scale, bool causal,
        ReadOnlySpan<float> q, AttentionLayout qLayout, ReadOnlySpan<float> k, AttentionLayout kLayout, ReadOnlySpan<float> v, AttentionLayout vLayout,
        ReadOnlySpan<float> mask, ReadOnlySpan<float> keep, Span<float> probabilities, Span<float> output, AttentionLayout oLayout)
    {
        if (count == 0 || l == 0) return;
        fixed (float* pq = q, pk = k, pv = v, pm = mask, pkeep = keep, pp = probabilities, po = output)
        {
            var args = new Args
            {
                Q = Of(pq, qLayout, l, e), K = Of(pk, kLayout, s, e), V = Of(pv, vLayout, s, ev), O = Of(po, oLayout, l, ev),
                Mask = mask.IsEmpty ? null : pm, Keep = keep.IsEmpty ? null : pkeep, P = pp,
                MaskStride = mask.Length == (long)l * s ? 0 : (long)l * s,
                Count = count, L = l, S = s, E = e, Ev = ev, Scale = scale, Causal = causal,
            };
            Dispatch(ref args, &ForwardPart, &InPlaceForwardPart);
        }
    }

    /// <summary>As the layout overload, for problems stored back to back.</summary>
    public static void Backward(int count, int l, int s, int e, int ev, float scale,
        ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> keep,
        ReadOnlySpan<float> probabilities, ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput,
        Span<float> gradQ, Span<float> gradK, Span<float> gradV, Span<float> gradScores) =>
        Backward(count, l, s, e, ev, scale, q, AttentionLayout.Dense(l, e), k, AttentionLayout.Dense(s, e), v, AttentionLayout.Dense(s, ev),
            keep, probabilities, output, gradOutput, AttentionLayout.Dense(l, ev), gradQ, gradK, gradV, gradScores);

    /// <summary>
    /// Gradients from dO; a destination left empty is not computed. Each gradient has its operand's layout
    /// (dO has O's), and only its operand's elements are written. <paramref name="gradScores"/> receives
    /// dS = ∂loss/∂(Q·Kᵀ·scale + mask) [count, L, S], the gradient of a float mask, when it is not empty.
    /// </summary>
    public static void Backward(int count, int l, int s, int e, int ev, float scale,
        ReadOnlySpan<float> q, AttentionLayout qLayout, ReadOnlySpan<float> k, AttentionLayout kLayout, ReadOnlySpan<float> v, AttentionLayout vLayout,
        ReadOnlySpan<float> keep, ReadOnlySpan<float> probabilities, ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput, AttentionLayout oLayout,
        Span<float> gradQ, Span<float> gradK, Span<float> gradV, Span<float> gradScores)
    {
        if (count == 0) return;
        fixed (float* pq = q, pk = k, pv = v, pkeep = keep, pp = probabilities, po = output, pgo = gradOutput)
        fixed (float* gq = gradQ, gk = gradK, gv = gradV, gs = gradScores)
        {
            var args = new Args
            {
                Q = Of(pq, qLayout, l, e), K = Of(pk, kLayout, s, e), V = Of(pv, vLayout, s, ev),
                O = Of(po, oLayout, l, ev), GradO = Of(pgo, oLayout, l, ev),
                GradQ = Of(gradQ.IsEmpty ? null : gq, qLayout, l, e), GradK = Of(gradK.IsEmpty ? null : gk, kLayout, s, e),
                GradV = Of(gradV.IsEmpty ? null : gv, vLayout, s, ev),
                Keep = keep.IsEmpty ? null : pkeep, P = pp, GradScores = gradScores.IsEmpty ? null : gs,
                Count = count, L = l, S = s, E = e, Ev = ev, Scale = scale,
            };
            Dispatch(ref args, &BackwardPart, &InPlaceBackwardPart);
        }
    }

    private static Operand Of(float* data, AttentionLayout layout, int rows, int width) =>
        new() { Data = data, Layout = layout, Rows = rows, Width = width };

    private static void Dispatch(ref Args args, delegate*<int, void*, void> large, delegate*<int, void*, void> small)
    {
        // One problem big enough to thread on its own runs on Gemm, which threads and blocks it for the caches;
        // otherwise whole problems go to threads, each computed in place on HeadGemm (AttentionKernel.InPlace.cs).
        long macs = (long)args.L * args.S * (args.E + args.Ev);
        bool isLarge = macs >= Gemm.MacsPerThread * 2;
        args.Parts = isLarge ? 1 : ParallelPartition.Parts(macs * args.Count, Gemm.MacsPerThread, args.Count);
        var body = isLarge ? large : small;
        fixed (Args* pa = &args)
        {
            if (args.Parts <= 1) body(0, pa);
            else ParallelPool.Run(args.Parts, body, pa);
        }
    }

    // Scratch for an operand whose problems are not contiguous (null when they are, or when it is absent).
    private static float[]? ScratchFor(in Operand x) =>
        x.Data != null && !x.Layout.IsDense(x.Width) ? ScratchPool.Rent(x.Rows * x.Width) : null;

    private static void Release(float[]? scratch)
    {
        if (scratch != null) ScratchPool.Return(scratch);
    }

    // Problem t's [rows, width] matrix: in place when contiguous, else gathered into the scratch.
    private static ReadOnlySpan<float> Load(in Operand x, int t, float[]? scratch)
    {
        float* start = x.Data + x.Layout.Start(t);
        int size = x.Rows * x.Width;
        if (scratch == null) return new ReadOnlySpan<float>(start, size);
        fixed (float* dst = scratch) CopyRows(start, x.Layout.RowStride, dst, x.Width, x.Rows, x.Width);
        return scratch.AsSpan(0, size);
    }

    // Where problem t's result is computed: in place when contiguous, else the scratch, which Store then scatters.
    private static Span<float> Target(in Operand x, int t, float[]? scratch) =>
        scratch == null ? new Span<float>(x.Data + x.Layout.Start(t), x.Rows * x.Width) : scratch.AsSpan(0, x.Rows * x.Width);

    private static void Store(in Operand x, int t, float[]? scratch)
    {
        if (scratch == null) return;
        fixed (float* src = scratch) CopyRows(src, x.Width, x.Data + x.Layout.Start(t), x.Layout.RowStride, x.Rows, x.Width);
    }

    // A head's rows are short (32 floats in a 128-wide layer): whole vectors inline rather than a memmove call per row.
    private static void CopyRows(float* src, int srcStride, float* dst, int dstStride, int rows, int width)
    {
        if (Vector512.IsHardwareAccelerated && width % Vector512<float>.Count == 0)
        {
            for (int i = 0; i < rows; i++, src += srcStride, dst += dstStride)
                for (int j = 0; j < width; j += Vector512<float>.Count) Vector512.Store(Vector512.Load(src + j), dst + j);
        }
        else if (Vector256.IsHardwareAccelerated && width % Vector256<float>.Count == 0)
        {
            for (int i = 0; i < rows; i++, src += srcStride, dst += dstStride)
                for (int j = 0; j < width; j += Vector256<float>.Count) Vector256.Store(Vector256.Load(src + j), dst + j);
        }
        else
        {
            for (int i = 0; i < rows; i++, src += srcStride, dst += dstStride)
                new ReadOnlySpan<float>(src, width).CopyTo(new Span<float>(dst, width));
        }
    }

    private static void ForwardPart(int part, void* state)
    {
        ref var a = ref *(Args*)state;
        var (start, end) = ParallelPartition.Range(a.Count, a.Parts, part);
        int l = a.L, s = a.S, ev = a.Ev;
        int ls = l * s;
        float[]? dropped = a.Keep != null ? ScratchPool.Rent(ls) : null;
        float[]? qs = ScratchFor(a.Q), ks = ScratchFor(a.K), vs = ScratchFor(a.V), os = ScratchFor(a.O);
        for (int t = start; t < end; t++)
        {
            var p = new Span<float>(a.P + (long)t * ls, ls);
            Gemm.Run(false, true, l, s, a.E, Load(a.Q, t, qs), Load(a.K, t, ks), p);
            for (int i = 0; i < l; i++)
            {
                var row = p.Slice(i * s, s);
                TensorPrimitives.Multiply(row, a.Scale, row);
                if (a.Mask != null) TensorPrimitives.Add(row, new ReadOnlySpan<float>(a.Mask + t * a.MaskStride + i * s, s), row);
                // PyTorch's is_causal is the top-left lower triangle: query i sees keys 0..i.
                if (a.Causal && i + 1 < s) row[(i + 1)..].Fill(float.NegativeInfinity);
                SoftmaxRow(row);
            }
            ReadOnlySpan<float> weights = p;
            if (dropped != null)
            {
                TensorPrimitives.Multiply(p, new ReadOnlySpan<float>(a.Keep + (long)t * ls, ls), dropped);
                weights = dropped;
            }
            Gemm.Run(false, false, l, ev, s, weights, Load(a.V, t, vs), Target(a.O, t, os));
            Store(a.O, t, os);
        }
        if (dropped != null) ScratchPool.Return(dropped);
        Release(qs);
        Release(ks);
        Release(vs);
        Release(os);
    }

    // A row with every key masked gets weights 0 (so output and gradients 0), as libtorch's CPU SDPA gives
    // (its _safe_softmax), rather than the NaN of a plain softmax over −∞.
    private static void SoftmaxRow(Span<float> row)
    {
        if (row.IsEmpty) return;
        float max = TensorPrimitives.Max(row);
        if (float.IsNegativeInfinity(max))
        {
            row.Clear();
            return;
        }
        TensorPrimitives.Subtract(row, max, row);
        TensorPrimitives.Exp(row, row);
        float sum = TensorPrimitives.Sum(row);
        TensorPrimitives.Multiply(row, 1f / sum, row);
    }

    private static void BackwardPart(int part, void* state)
    {
        ref var a = ref *(Args*)state;
        var (start, end) = ParallelPartition.Range(a.Count, a.Parts, part);
        int l = a.L, s = a.S, e = a.E, ev = a.Ev;
        int ls = l * s;
        var gradP = ScratchPool.Rent(ls);
        float[]? dropped = a.Keep != null ? ScratchPool.Rent(ls) : null;
        float[]? scores = a.GradScores == null ? ScratchPool.Rent(ls) : null;
        bool needScores = a.GradQ.Data != null || a.GradK.Data != null || a.GradScores != null;
        float[]? qs = a.GradK.Data != null ? ScratchFor(a.Q) : null, ks = a.GradQ.Data != null ? ScratchFor(a.K) : null;
        float[]? vs = needScores ? ScratchFor(a.V) : null, gos = ScratchFor(a.GradO);
        float[]? gqs = ScratchFor(a.GradQ), gks = ScratchFor(a.GradK), gvs = ScratchFor(a.GradV);
        for (int t = start; t < end; t++)
        {
            var p = new ReadOnlySpan<float>(a.P + (long)t * ls, ls);
            var go = Load(a.GradO, t, gos);
            var keep = a.Keep != null ? new ReadOnlySpan<float>(a.Keep + (long)t * ls, ls) : default;
            if (a.GradV.Data != null)
            {
                ReadOnlySpan<float> weights = p;
                if (dropped != null)
                {
                    TensorPrimitives.Multiply(p, keep, dropped);
                    weights = dropped;
                }
                Gemm.Run(true, false, s, ev, l, weights, go, Target(a.GradV, t, gvs));
                Store(a.GradV, t, gvs);
            }
            if (!needScores) continue;

            Gemm.Run(false, true, l, s, ev, go, Load(a.V, t, vs), gradP);
            if (a.Keep != null) TensorPrimitives.Multiply(gradP, keep, gradP);
            // O is only read a row at a time here, so it is read where it lies, never gathered.
            float* o = a.O.Data + a.O.Layout.Start(t);
            var gs = a.GradScores != null ? new Span<float>(a.GradScores + (long)t * ls, ls) : scores.AsSpan();
            for (int i = 0; i < l; i++)
            {
                // rowsum(P∘dP) = rowsum(dO∘O): the dropout factors are folded into O already.
                float delta = TensorPrimitives.Dot(go.Slice(i * ev, ev), new ReadOnlySpan<float>(o + (long)i * a.O.Layout.RowStride, ev));
                var row = gs.Slice(i * s, s);
                TensorPrimitives.Subtract(gradP.AsSpan(i * s, s), delta, row);
                TensorPrimitives.Multiply(row, p.Slice(i * s, s), row);
            }
            if (a.GradQ.Data != null)
            {
                var gq = Target(a.GradQ, t, gqs);
                Gemm.Run(false, false, l, e, s, gs, Load(a.K, t, ks), gq);
                TensorPrimitives.Multiply(gq, a.Scale, gq);
                Store(a.GradQ, t, gqs);
            }
            if (a.GradK.Data != null)
            {
                var gk = Target(a.GradK, t, gks);
                Gemm.Run(true, false, s, e, l, gs, Load(a.Q, t, qs), gk);
                TensorPrimitives.Multiply(gk, a.Scale, gk);
                Store(a.GradK, t, gks);
            }
        }
        ScratchPool.Return(gradP);
        if (dropped != null) ScratchPool.Return(dropped);
        if (scores != null) ScratchPool.Return(scores);
        foreach (var buffer in (ReadOnlySpan<float[]?>)[qs, ks, vs, gos, gqs, gks, gvs]) Release(buffer);
    }
}

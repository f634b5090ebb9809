using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>
/// Scaled dot-product attention over <c>count</c> independent (batch·head) problems stored back to back:
/// Q [L, E], K [S, E], V [S, Ev] give P = softmax(Q·Kᵀ·scale + mask) [L, S] and O = P·V [L, Ev].
/// Forward keeps P itself rather than each row's log-sum-exp: backward needs P as the GEMM operand of
/// dV = Pᵀ·dO and in dS = P∘(dP − rowsum(dO∘O)), so keeping the row statistic would only trade the
/// [L, S] buffer for a second Q·Kᵀ product and a second pass of the mask. The products run on
/// <see cref="Gemm"/>; whole problems are split across threads by count alone, and a problem is computed
/// the same way whichever thread runs it (Gemm is bit-identical for every split), so results do not depend
/// on the thread count.
/// </summary>
internal static unsafe class AttentionKernel
{
    private struct Args
    {
        public float* Q, K, V, Mask, Keep, P, O, GradO, GradQ, GradK, GradV, GradScores;
        public int Count, L, S, E, Ev, Parts;
        public float Scale;
        public bool Causal;
    }

    /// <param name="mask">Additive [count, L, S] (0 or −∞ for masked positions, plus any float bias), or empty.</param>
    /// <param name="keep">Dropout factors [count, L, S] (0 or 1/(1 − p)), or empty for no dropout.</param>
    /// <param name="probabilities">Receives P [count, L, S], before dropout.</param>
    public static void Forward(int count, int l, int s, int e, int ev, float scale, bool causal,
        ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> mask, ReadOnlySpan<float> keep,
        Span<float> probabilities, Span<float> output)
    {
        if (count == 0 || l == 0) return;
        fixed (float* pq = q, pk = k, pv = v, pm = mask, pkeep = keep, pp = probabilities, po = output)
        {
            var args = new Args
            {
                Q = pq, K = pk, V = pv, Mask = mask.IsEmpty ? null : pm, Keep = keep.IsEmpty ? null : pkeep, P = pp, O = po,
                Count = count, L = l, S = s, E = e, Ev = ev, Scale = scale, Causal = causal,
            };
            Dispatch(ref args, &ForwardPart);
        }
    }

    /// <summary>
    /// Gradients from dO; a destination left empty is not computed. <paramref name="gradScores"/> receives
    /// dS = ∂loss/∂(Q·Kᵀ·scale + mask), the gradient of a float mask, when it is not empty.
    /// </summary>
    public static void Backward(int count, int l, int s, int e, int ev, float scale,
        ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> keep,
        ReadOnlySpan<float> probabilities, ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput,
        Span<float> gradQ, Span<float> gradK, Span<float> gradV, Span<float> gradScores)
    {
        if (count == 0) return;
        fixed (float* pq = q, pk = k, pv = v, pkeep = keep, pp = probabilities, po = output, pgo = gradOutput)
        fixed (float* gq = gradQ, gk = gradK, gv = gradV, gs = gradScores)
        {
            var args = new Args
            {
                Q = pq, K = pk, V = pv, Keep = keep.IsEmpty ? null : pkeep, P = pp, O = po, GradO = pgo,
                GradQ = gradQ.IsEmpty ? null : gq, GradK = gradK.IsEmpty ? null : gk, GradV = gradV.IsEmpty ? null : gv,
                GradScores = gradScores.IsEmpty ? null : gs,
                Count = count, L = l, S = s, E = e, Ev = ev, Scale = scale,
            };
            Dispatch(ref args, &BackwardPart);
        }
    }

    private static void Dispatch(ref Args args, delegate*<int, void*, void> body)
    {
        // One problem big enough to thread on its own leaves the threading to Gemm; otherwise whole
        // problems go to threads, and the Gemm calls inside a part run inline.
        long macs = (long)args.L * args.S * (args.E + args.Ev);
        args.Parts = macs >= Gemm.MacsPerThread * 2 ? 1 : ParallelPartition.Parts(macs * args.Count, Gemm.MacsPerThread, args.Count);
        fixed (Args* pa = &args)
        {
            if (args.Parts <= 1) body(0, pa);
            else ParallelPool.Run(args.Parts, body, pa);
        }
    }

    private static void ForwardPart(int part, void* state)
    {
        ref var a = ref *(Args*)state;
        var (start, end) = ParallelPartition.Range(a.Count, a.Parts, part);
        int l = a.L, s = a.S, e = a.E, ev = a.Ev;
        int ls = l * s;
        float[]? dropped = a.Keep != null ? ScratchPool.Rent(ls) : null;
        for (int t = start; t < end; t++)
        {
            var p = new Span<float>(a.P + (long)t * ls, ls);
            Gemm.Run(false, true, l, s, e, new ReadOnlySpan<float>(a.Q + (long)t * l * e, l * e),
                new ReadOnlySpan<float>(a.K + (long)t * s * e, s * e), p);
            for (int i = 0; i < l; i++)
            {
                var row = p.Slice(i * s, s);
                TensorPrimitives.Multiply(row, a.Scale, row);
                if (a.Mask != null) TensorPrimitives.Add(row, new ReadOnlySpan<float>(a.Mask + (long)t * ls + i * s, s), row);
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
            Gemm.Run(false, false, l, ev, s, weights, new ReadOnlySpan<float>(a.V + (long)t * s * ev, s * ev),
                new Span<float>(a.O + (long)t * l * ev, l * ev));
        }
        if (dropped != null) ScratchPool.Return(dropped);
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
        for (int t = start; t < end; t++)
        {
            var p = new ReadOnlySpan<float>(a.P + (long)t * ls, ls);
            var go = new ReadOnlySpan<float>(a.GradO + (long)t * l * ev, l * ev);
            var o = new ReadOnlySpan<float>(a.O + (long)t * l * ev, l * ev);
            var q = new ReadOnlySpan<float>(a.Q + (long)t * l * e, l * e);
            var k = new ReadOnlySpan<float>(a.K + (long)t * s * e, s * e);
            var v = new ReadOnlySpan<float>(a.V + (long)t * s * ev, s * ev);
            var keep = a.Keep != null ? new ReadOnlySpan<float>(a.Keep + (long)t * ls, ls) : default;
            if (a.GradV != null)
            {
                ReadOnlySpan<float> weights = p;
                if (dropped != null)
                {
                    TensorPrimitives.Multiply(p, keep, dropped);
                    weights = dropped;
                }
                Gemm.Run(true, false, s, ev, l, weights, go, new Span<float>(a.GradV + (long)t * s * ev, s * ev));
            }
            if (a.GradQ == null && a.GradK == null && a.GradScores == null) continue;

            Gemm.Run(false, true, l, s, ev, go, v, gradP);
            if (a.Keep != null) TensorPrimitives.Multiply(gradP, keep, gradP);
            var gs = a.GradScores != null ? new Span<float>(a.GradScores + (long)t * ls, ls) : scores.AsSpan();
            for (int i = 0; i < l; i++)
            {
                // rowsum(P∘dP) = rowsum(dO∘O): the dropout factors are folded into O already.
                float delta = TensorPrimitives.Dot(go.Slice(i * ev, ev), o.Slice(i * ev, ev));
                var row = gs.Slice(i * s, s);
                TensorPrimitives.Subtract(gradP.AsSpan(i * s, s), delta, row);
                TensorPrimitives.Multiply(row, p.Slice(i * s, s), row);
            }
            if (a.GradQ != null)
            {
                var gq = new Span<float>(a.GradQ + (long)t * l * e, l * e);
                Gemm.Run(false, false, l, e, s, gs, k, gq);
                TensorPrimitives.Multiply(gq, a.Scale, gq);
            }
            if (a.GradK != null)
            {
                var gk = new Span<float>(a.GradK + (long)t * s * e, s * e);
                Gemm.Run(true, false, s, e, l, gs, q, gk);
                TensorPrimitives.Multiply(gk, a.Scale, gk);
            }
        }
        ScratchPool.Return(gradP);
        if (dropped != null) ScratchPool.Return(dropped);
        if (scores != null) ScratchPool.Return(scores);
    }
}

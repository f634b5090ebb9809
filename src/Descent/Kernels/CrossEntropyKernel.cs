using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// Softmax and cross-entropy against class indices in one pass per position, forward and backward, over
/// logits laid out [outer, classes, inner] (PyTorch's [N, C, d...]; inner is 1 for [N, C]). A position's
/// target is a class in [0, classes) or −1 for an ignored one. Composed from ops, the same loss makes a
/// log-softmax the size of the logits (max, shift, exp, sum, log, subtract) and gathers from it; here a
/// position reads its logits once forward and once backward, and only two floats per position (the max and
/// log Σ exp of the shifted row) are kept between the passes. Positions are independent and each is computed
/// whole by one thread, so the split never changes a bit.
/// </summary>
internal static unsafe class CrossEntropyKernel
{
    /// <summary>
    /// Each extra thread needs at least this many logits: a pass costs about 2.5 ns a logit (the 784-256-128-10 MLP's
    /// loss at a batch of 1024, 10,240 logits, forward and backward in 50 µs on one core of a Xeon, model 207), so a
    /// part of 4,096 is some 10 µs against a hand-off of 1-2 µs; at 32,768 that batch's loss ran on one thread of two
    /// (28 µs on two when the second core was free).
    /// </summary>
    internal const int LogitsPerThread = 4 * 1024;

    private struct Job
    {
        public float* X, Weight, Stats, Nll, Smooth, Scale, Grad;
        public int* Target;
        public int Outer, Classes, Inner, Parts, ScaleCount, WeightCount;
        public float KeepShare, SmoothShare, WeightSum;
    }

    /// <summary>
    /// Per position i with target t: <paramref name="stats"/>[2i] = max_c x, [2i+1] = log Σ_c exp(x − max);
    /// <paramref name="nll"/>[i] = −w_t·log p_t, and when <paramref name="smooth"/> is not empty,
    /// smooth[i] = −Σ_c w_c·log p_c (w = <paramref name="weight"/>, or 1 when it is empty); ignored positions get 0.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, int outer, int classes, int inner, ReadOnlySpan<int> target,
        ReadOnlySpan<float> weight, Span<float> stats, Span<float> nll, Span<float> smooth)
    {
        int positions = outer * inner;
        Check(x, outer, classes, inner, target, weight, stats);
        if (nll.Length < positions || (!smooth.IsEmpty && smooth.Length < positions))
            throw new ArgumentException($"CrossEntropyKernel: loss buffers need {positions} values; got {nll.Length} and {smooth.Length}");
        fixed (float* px = x, pw = weight, ps = stats, pn = nll, pm = smooth)
        fixed (int* pt = target)
        {
            var job = new Job
            {
                X = px, Weight = weight.IsEmpty ? null : pw, Stats = ps, Nll = pn, Smooth = smooth.IsEmpty ? null : pm, Target = pt,
                Outer = outer, Classes = classes, Inner = inner, WeightCount = weight.Length,
            };
            Dispatch(ref job, &ForwardPart);
        }
    }

    /// <summary>
    /// The logits' gradient: for position i with target t and scale s (<paramref name="scale"/>[i], or its one
    /// value for all), s·[(1 − ε)·w_t·(p − onehot(t)) + (ε/C)·(Σw·p − w)], ε = <paramref name="smoothing"/>;
    /// without weights that is s·(p − ((1 − ε)·onehot(t) + ε/C)). Ignored positions get 0.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, int outer, int classes, int inner, ReadOnlySpan<int> target,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> stats, ReadOnlySpan<float> scale, float smoothing, Span<float> grad)
    {
        int positions = outer * inner;
        Check(x, outer, classes, inner, target, weight, stats);
        if (grad.Length < x.Length || !(scale.Length == 1 || scale.Length >= positions))
            throw new ArgumentException($"CrossEntropyKernel: gradient needs {x.Length} values and scale 1 or {positions}; got {grad.Length} and {scale.Length}");
        float weightSum = weight.IsEmpty ? classes : TensorPrimitives.Sum(weight);
        fixed (float* px = x, pw = weight, ps = stats, pc = scale, pg = grad)
        fixed (int* pt = target)
        {
            var job = new Job
            {
                X = px, Weight = weight.IsEmpty ? null : pw, Stats = ps, Scale = pc, Grad = pg, Target = pt,
                Outer = outer, Classes = classes, Inner = inner, WeightCount = weight.Length, ScaleCount = scale.Length,
                KeepShare = 1f - smoothing, SmoothShare = smoothing / classes, WeightSum = weightSum,
            };
            Dispatch(ref job, &BackwardPart);
        }
    }

    private static void Check(ReadOnlySpan<float> x, int outer, int classes, int inner, ReadOnlySpan<int> target, ReadOnlySpan<float> weight, ReadOnlySpan<float> stats)
    {
        int positions = outer * inner;
        if (classes <= 0 || x.Length < (long)positions * classes || target.Length < positions || stats.Length < 2 * positions
            || !(weight.IsEmpty || weight.Length == classes))
            throw new ArgumentException($"CrossEntropyKernel: [{outer}, {classes}, {inner}] logits need {positions} targets, {2 * positions} stats " +
                $"and 0 or {classes} weights; got {x.Length} logits, {target.Length}, {stats.Length} and {weight.Length}");
    }

    private static void Dispatch(ref Job job, delegate*<int, void*, void> part)
    {
        long logits = (long)job.Outer * job.Inner * job.Classes;
        job.Parts = ParallelPartition.Parts(logits, LogitsPerThread, job.Outer * job.Inner);
        fixed (Job* state = &job)
        {
            if (job.Parts == 1) part(0, state);
            else ParallelPool.Run(job.Parts, part, state);
        }
    }

    private static void ForwardPart(int part, void* state)
    {
        ref var a = ref *(Job*)state;
        var (start, end) = ParallelPartition.Range(a.Outer * a.Inner, a.Parts, part);
        if (RowsFit(ref a) && a.Smooth == null)
        {
            ForwardRows(ref a, start, end);
            return;
        }
        int c = a.Classes;
        var weight = a.Weight == null ? default : new ReadOnlySpan<float>(a.Weight, c);
        float weightSum = a.Weight == null ? c : TensorPrimitives.Sum(weight);
        var row = ScratchPool.Rent(2 * c);
        for (int i = start; i < end; i++)
        {
            int t = a.Target[i];
            if (t < 0)
            {
                Ignore(ref a, i);
                continue;
            }
            var shifted = Shifted(ref a, i, row);
            float logSum = a.Stats[2 * i + 1];
            float wt = a.Weight == null ? 1f : a.Weight[t];
            a.Nll[i] = -wt * (shifted[t] - logSum);
            if (a.Smooth != null)
            {
                // −Σ w_c (shifted_c − logSum) = Σw·logSum − Σ w_c·shifted_c.
                float dot = a.Weight == null ? TensorPrimitives.Sum(shifted) : TensorPrimitives.Dot(shifted, weight);
                a.Smooth[i] = weightSum * logSum - dot;
            }
        }
        ScratchPool.Return(row);
    }

    private static void BackwardPart(int part, void* state)
    {
        ref var a = ref *(Job*)state;
        var (start, end) = ParallelPartition.Range(a.Outer * a.Inner, a.Parts, part);
        if (RowsFit(ref a) && a.SmoothShare == 0f)
        {
            BackwardRows(ref a, start, end);
            return;
        }
        int c = a.Classes, inner = a.Inner;
        var weight = a.Weight == null ? default : new ReadOnlySpan<float>(a.Weight, c);
        var row = ScratchPool.Rent(c);
        for (int i = start; i < end; i++)
        {
            int t = a.Target[i];
            bool contiguous = inner == 1;
            var g = contiguous ? new Span<float>(a.Grad + (long)i * c, c) : row.AsSpan();
            if (t < 0)
            {
                g.Clear();
            }
            else
            {
                float s = a.ScaleCount == 1 ? a.Scale[0] : a.Scale[i];
                float wt = a.Weight == null ? 1f : a.Weight[t];
                // p = exp(x − max − log Σ); the gradient is α·p − β·onehot(t) − γ·w.
                Load(ref a, i, g);
                TensorPrimitives.Subtract(g, a.Stats[2 * i], g);
                TensorPrimitives.Subtract(g, a.Stats[2 * i + 1], g);
                TensorPrimitives.Exp(g, g);
                float alpha = s * (a.KeepShare * wt + a.SmoothShare * a.WeightSum);
                TensorPrimitives.Multiply(g, alpha, g);
                float gamma = s * a.SmoothShare;
                if (gamma != 0f)
                {
                    if (a.Weight == null) TensorPrimitives.Subtract(g, gamma, g);
                    else TensorPrimitives.MultiplyAdd(weight, -gamma, g, g);
                }
                // The target's p − 1 as one difference, as PyTorch forms it: α·p − β would leave a rounding
                // error of α where p rounds near 1, larger than the gradient of a confident prediction.
                float pt = MathF.Exp(XAt(ref a, i, t) - a.Stats[2 * i] - a.Stats[2 * i + 1]);
                g[t] = s * (a.KeepShare * wt * (pt - 1f) + a.SmoothShare * (a.WeightSum * pt - wt));
            }
            if (!contiguous) Store(ref a, i, g);
        }
        ScratchPool.Return(row);
    }

    /// <summary>An ignored position's stats and losses: zeros.</summary>
    private static void Ignore(ref Job a, int i)
    {
        a.Stats[2 * i] = 0f;
        a.Stats[2 * i + 1] = 0f;
        a.Nll[i] = 0f;
        if (a.Smooth != null) a.Smooth[i] = 0f;
    }

    /// <summary>
    /// Whether the logits are rows ([N, C]) of at least one 128-bit vector: TensorPrimitives takes shorter runs'
    /// exponentials one by one (MathF.Exp), whose bits can differ from its vector lanes', so a row of 3 classes
    /// exponentiated alone and within a run of rows would differ.
    /// </summary>
    private static bool RowsFit(ref Job a) => a.Inner == 1 && a.Classes >= Vector128<float>.Count;

    /// <summary>
    /// <see cref="ForwardPart"/> for rows of logits ([N, C], no smoothing) written as passes over the part's rows:
    /// each row's max, the shift and the exponentials for all rows at once, then each row's sum and log. Row by
    /// row, ten library calls per row of ten classes cost more than their arithmetic (the 784-256-128-10 MLP at a
    /// batch of 1024: 131 µs for the loss, forward and backward, on one core of a Xeon, model 207). The same
    /// operations on each element: the exponential is TensorPrimitives' whichever run holds it, and the
    /// subtraction is one rounding either way.
    /// </summary>
    private static void ForwardRows(ref Job a, int start, int end)
    {
        int c = a.Classes, rows = end - start;
        if (rows <= 0) return;
        var block = ScratchPool.Rent(rows * c);
        try
        {
            var exps = block.AsSpan(0, rows * c);
            for (int i = start; i < end; i++)
            {
                var logits = new ReadOnlySpan<float>(a.X + (long)i * c, c);
                float max = TensorPrimitives.Max(logits);
                a.Stats[2 * i] = max;
                var shifted = exps.Slice((i - start) * c, c);
                for (int k = 0; k < c; k++) shifted[k] = logits[k] - max;
            }
            TensorPrimitives.Exp(exps, exps);
            for (int i = start; i < end; i++)
            {
                int t = a.Target[i];
                if (t < 0)
                {
                    Ignore(ref a, i);
                    continue;
                }
                float logSum = MathF.Log(TensorPrimitives.Sum(exps.Slice((i - start) * c, c)));
                a.Stats[2 * i + 1] = logSum;
                float wt = a.Weight == null ? 1f : a.Weight[t];
                a.Nll[i] = -wt * ((a.X[(long)i * c + t] - a.Stats[2 * i]) - logSum);
            }
        }
        finally
        {
            ScratchPool.Return(block);
        }
    }

    /// <summary>
    /// <see cref="BackwardPart"/> for rows of logits without smoothing, as passes over the part's rows (see
    /// <see cref="ForwardRows"/>): the shifts, the exponentials of all rows at once, the scales, then each
    /// target's p − 1. Each element takes the row-by-row path's operations in its order.
    /// </summary>
    private static void BackwardRows(ref Job a, int start, int end)
    {
        int c = a.Classes;
        if (end <= start) return;
        var grad = new Span<float>(a.Grad + (long)start * c, (end - start) * c);
        for (int i = start; i < end; i++)
        {
            var g = grad.Slice((i - start) * c, c);
            float* x = a.X + (long)i * c;
            float max = a.Stats[2 * i], logSum = a.Stats[2 * i + 1];
            for (int k = 0; k < c; k++) g[k] = x[k] - max - logSum;
        }
        TensorPrimitives.Exp(grad, grad);
        for (int i = start; i < end; i++)
        {
            var g = grad.Slice((i - start) * c, c);
            int t = a.Target[i];
            if (t < 0)
            {
                g.Clear();
                continue;
            }
            float s = a.ScaleCount == 1 ? a.Scale[0] : a.Scale[i];
            float wt = a.Weight == null ? 1f : a.Weight[t];
            float alpha = s * (a.KeepShare * wt + a.SmoothShare * a.WeightSum);
            for (int k = 0; k < c; k++) g[k] *= alpha;
            // Zero without smoothing unless the scale is not finite, where the row path's subtraction carries the NaN.
            float gamma = s * a.SmoothShare;
            if (gamma != 0f)
            {
                if (a.Weight == null) TensorPrimitives.Subtract(g, gamma, g);
                else TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(a.Weight, c), -gamma, g, g);
            }
            float pt = MathF.Exp(a.X[(long)i * c + t] - a.Stats[2 * i] - a.Stats[2 * i + 1]);
            g[t] = s * (a.KeepShare * wt * (pt - 1f) + a.SmoothShare * (a.WeightSum * pt - wt));
        }
    }

    /// <summary>
    /// Position <paramref name="i"/>'s logits minus their max, into the first half of <paramref name="row"/>
    /// (the second half takes their exponentials); fills the position's stats.
    /// </summary>
    private static Span<float> Shifted(ref Job a, int i, float[] row)
    {
        int c = a.Classes;
        var shifted = row.AsSpan(0, c);
        var exps = row.AsSpan(c, c);
        ReadOnlySpan<float> logits = shifted;
        if (a.Inner == 1) logits = new ReadOnlySpan<float>(a.X + (long)i * c, c);
        else Load(ref a, i, shifted);
        float max = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, max, shifted);
        TensorPrimitives.Exp(shifted, exps);
        a.Stats[2 * i] = max;
        a.Stats[2 * i + 1] = MathF.Log(TensorPrimitives.Sum(exps));
        return shifted;
    }

    private static float XAt(ref Job a, int i, int k)
    {
        int n = i / a.Inner, j = i - n * a.Inner;
        return a.X[(long)n * a.Classes * a.Inner + (long)k * a.Inner + j];
    }

    private static void Load(ref Job a, int i, Span<float> destination)
    {
        int c = a.Classes, inner = a.Inner;
        int n = i / inner, j = i - n * inner;
        float* p = a.X + (long)n * c * inner + j;
        if (inner == 1)
        {
            new ReadOnlySpan<float>(p, c).CopyTo(destination);
            return;
        }
        for (int k = 0; k < c; k++) destination[k] = p[(long)k * inner];
    }

    private static void Store(ref Job a, int i, ReadOnlySpan<float> source)
    {
        int c = a.Classes, inner = a.Inner;
        int n = i / inner, j = i - n * inner;
        float* p = a.Grad + (long)n * c * inner + j;
        for (int k = 0; k < c; k++) p[(long)k * inner] = source[k];
    }
}

namespace Descent.Nn;

public static partial class Losses
{
    /// <summary>
    /// Cross-entropy of logits, like <c>F.cross_entropy</c>: log-softmax over the class dimension
    /// followed by the negative log-likelihood. <paramref name="input"/> is [C], [N, C] or
    /// [N, C, d1, ...] (classes in dimension 1). <paramref name="target"/> is either class indices
    /// (whole numbers stored as floats, shaped like the input without its class dimension; the
    /// <see cref="IntTensor"/> overload takes them as PyTorch does) or class
    /// probabilities (the input's shape). With indices, the weighted mean divides by the summed weights
    /// of the targets that are not <paramref name="ignoreIndex"/>; with probabilities the mean is over
    /// the N·d1·... positions and <paramref name="ignoreIndex"/> does not apply. Label smoothing ε mixes
    /// in the uniform distribution: (1 - ε)·nll + ε/C·Σ_c -w_c·log p_c, as PyTorch.
    /// </summary>
    /// <example><code>
    /// var logits = Tensor.FromArray([1f, 2f, 3f, 1f, 0f, -1f], 2, 3);
    /// var loss = Losses.CrossEntropy(logits, Tensor.FromArray([2f, 0f])); // mean of log Σeˣ - x[class]
    /// </code></example>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean, float labelSmoothing = 0f)
    {
        const string loss = "CrossEntropyLoss";
        int cd = CheckCrossEntropy(loss, input, target, weight, reduction, labelSmoothing);
        if (Shape.Equal(input.ShapeRef, target.ShapeRef))
            return ProbabilityCrossEntropy(input.LogSoftmax(cd), target, weight, reduction, labelSmoothing, cd);
        if (Fusable(input, weight))
        {
            using var classes = new PooledClasses(target.Numel);
            ClassTargets.Indices(loss, input, target, ignoreIndex, probabilitiesAllowed: true, classes.Span);
            return input.CrossEntropyOfClasses(classes.Span, weight, reduction != Reduction.None, reduction == Reduction.Mean, labelSmoothing);
        }
        var targets = ClassTargets.Parse(loss, input, target, ignoreIndex, probabilitiesAllowed: true);
        return IndexCrossEntropy(input.LogSoftmax(cd), targets, weight, reduction, labelSmoothing, cd);
    }

    /// <summary>
    /// <see cref="CrossEntropy(Tensor, Tensor, Tensor?, int, Reduction, float)"/> with class indices as
    /// <see cref="IntTensor"/>, as PyTorch takes them: shaped like the input without its class dimension,
    /// each in [0, C) or <paramref name="ignoreIndex"/>.
    /// </summary>
    /// <example><code>
    /// var logits = Tensor.FromArray([1f, 2f, 3f, 1f, 0f, -1f], 2, 3);
    /// var loss = Losses.CrossEntropy(logits, IntTensor.FromArray([2, 0], [2]));
    /// </code></example>
    public static Tensor CrossEntropy(Tensor input, IntTensor target, Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean, float labelSmoothing = 0f)
    {
        const string loss = "CrossEntropyLoss";
        int cd = CheckCrossEntropy(loss, input, target, weight, reduction, labelSmoothing);
        if (Fusable(input, weight))
        {
            using var classes = new PooledClasses(target.Numel);
            ClassTargets.Indices(loss, input, target, ignoreIndex, classes.Span);
            return input.CrossEntropyOfClasses(classes.Span, weight, reduction != Reduction.None, reduction == Reduction.Mean, labelSmoothing);
        }
        var targets = ClassTargets.Parse(loss, input, target, ignoreIndex, probabilitiesAllowed: false);
        return IndexCrossEntropy(input.LogSoftmax(cd), targets, weight, reduction, labelSmoothing, cd);
    }

    /// <summary>
    /// The classes of a fused cross-entropy for the length of the call: the op copies them into its own saved
    /// buffer, so a pooled array serves and a step makes none.
    /// </summary>
    private readonly struct PooledClasses(int length) : IDisposable
    {
        private readonly int[] _array = System.Buffers.ArrayPool<int>.Shared.Rent(length);

        public Span<int> Span => _array.AsSpan(0, length);

        public void Dispose() => System.Buffers.ArrayPool<int>.Shared.Return(_array);
    }

    /// <summary>
    /// Whether class-index cross-entropy runs fused (<see cref="Tensor.CrossEntropyOfClasses"/>): always, except
    /// with no classes, or a weight that itself requires grad (PyTorch has no gradient for it; the composed
    /// path keeps Descent's).
    /// </summary>
    private static bool Fusable(Tensor input, Tensor? weight) =>
        input.Size(ClassTargets.ClassDim(input)) > 0 && !(weight is { RequiresGrad: true } && Autograd.IsEnabled);

    /// <summary>The checks both kinds of target share; returns the class dimension.</summary>
    private static int CheckCrossEntropy(string loss, Tensor input, object target, Tensor? weight, Reduction reduction, float labelSmoothing)
    {
        ClassTargets.CheckInput(loss, input, target);
        LossChecks.CheckReduction(loss, reduction);
        CheckLabelSmoothing(loss, labelSmoothing);
        int cd = ClassTargets.ClassDim(input);
        ClassTargets.CheckWeight(loss, weight, input.Size(cd));
        return cd;
    }

    /// <summary>
    /// Negative log-likelihood of log-probabilities, like <c>F.nll_loss</c>: -w[t]·input[t] per position,
    /// where <paramref name="input"/> is [C], [N, C] or [N, C, d1, ...] holding log-probabilities (for
    /// example from LogSoftmax(1)) and <paramref name="target"/> holds class indices shaped like the
    /// input without its class dimension. Positions whose target is <paramref name="ignoreIndex"/>
    /// count for nothing; the mean divides by the summed weights of the others (NaN if there are none).
    /// </summary>
    /// <example><code>
    /// var loss = Losses.NllLoss(logits.LogSoftmax(1), Tensor.FromArray([2f, 0f]));
    /// </code></example>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        const string loss = "NLLLoss";
        int cd = CheckCrossEntropy(loss, input, target, weight, reduction, 0f);
        return IndexCrossEntropy(input, ClassTargets.Parse(loss, input, target, ignoreIndex, probabilitiesAllowed: false), weight, reduction, 0f, cd);
    }

    /// <summary>
    /// <see cref="NllLoss(Tensor, Tensor, Tensor?, int, Reduction)"/> with class indices as <see cref="IntTensor"/>,
    /// as PyTorch takes them.
    /// </summary>
    /// <example><code>
    /// var loss = Losses.NllLoss(logits.LogSoftmax(1), IntTensor.FromArray([2, 0], [2]));
    /// </code></example>
    public static Tensor NllLoss(Tensor input, IntTensor target, Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        const string loss = "NLLLoss";
        int cd = CheckCrossEntropy(loss, input, target, weight, reduction, 0f);
        return IndexCrossEntropy(input, ClassTargets.Parse(loss, input, target, ignoreIndex, probabilitiesAllowed: false), weight, reduction, 0f, cd);
    }

    internal static void CheckLabelSmoothing(string loss, float labelSmoothing)
    {
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"{loss}: labelSmoothing must be in [0, 1]; got {labelSmoothing}");
    }

    /// <summary>PyTorch's nll_loss on log-probabilities, plus its label-smoothing term when ε &gt; 0.</summary>
    private static Tensor IndexCrossEntropy(Tensor logp, ClassTargets targets, Tensor? weight, Reduction reduction, float smoothing, int cd)
    {
        var positionWeights = targets.PositionWeights(weight);
        var nll = logp.Gather(cd, targets.GatherIndex).Squeeze(cd).Mul(positionWeights).Neg();
        var zero = Tensor.Scalar(0f);
        // Masking (rather than relying on weight 0) keeps an ignored position's -inf log-probability out of the sum.
        if (targets.AnyIgnored) nll = Tensor.Where(targets.Keep, nll, zero);
        Tensor? smooth = null;
        if (smoothing > 0f)
        {
            var weighted = weight is null ? logp : logp.Mul(weight.Reshape(ClassShape(logp.Rank, cd, weight.Numel)));
            smooth = Tensor.Where(targets.Keep, weighted.Sum(cd).Neg(), zero);
        }
        int classes = logp.Size(cd);
        switch (reduction)
        {
            case Reduction.None:
                return smooth is null ? nll : nll.Mul(1f - smoothing).Add(smooth.Mul(smoothing / classes));
            case Reduction.Sum:
                return smooth is null ? nll.Sum() : nll.Sum().Mul(1f - smoothing).Add(smooth.Sum().Mul(smoothing / classes));
            default:
                var total = positionWeights.Sum();
                var mean = nll.Sum().Div(total);
                return smooth is null ? mean : mean.Mul(1f - smoothing).Add(smooth.Sum().Div(total).Mul(smoothing / classes));
        }
    }

    /// <summary>PyTorch's cross-entropy with class probabilities: -Σ_c w_c·y_c·log p_c, smoothing the target first.</summary>
    private static Tensor ProbabilityCrossEntropy(Tensor logp, Tensor target, Tensor? weight, Reduction reduction, float smoothing, int cd)
    {
        int classes = logp.Size(cd);
        if (smoothing > 0f) target = target.Mul(1f - smoothing).Add(smoothing / classes);
        var product = logp.Mul(target);
        if (weight is not null) product = product.Mul(weight.Reshape(ClassShape(logp.Rank, cd, classes)));
        return reduction switch
        {
            Reduction.None => product.Sum(cd).Neg(),
            Reduction.Sum => product.Sum().Neg(),
            // The mean is over positions, not classes; an empty batch gives 0/0 = NaN as in PyTorch.
            _ => product.Sum().Neg().Div(classes == 0 ? 0f : logp.Numel / classes),
        };
    }

    /// <summary>[1, C, 1, ...]: a per-class vector shaped to broadcast along the class dimension.</summary>
    private static int[] ClassShape(int rank, int cd, int classes)
    {
        var shape = Enumerable.Repeat(1, rank).ToArray();
        shape[cd] = classes;
        return shape;
    }
}

namespace Descent.Nn;

/// <summary>
/// Cross-entropy of logits against class indices or class probabilities, like
/// <c>torch.nn.CrossEntropyLoss</c>; see <see cref="Losses.CrossEntropy(Tensor, Tensor, Tensor?, int, Reduction, float)"/> for the exact rules.
/// </summary>
/// <example><code>
/// var criterion = new CrossEntropyLoss(labelSmoothing: 0.1f);
/// var loss = criterion.Forward(logits, labels);   // logits [N, C], labels [N] holding 0..C-1
/// </code></example>
public sealed class CrossEntropyLoss : Loss
{
    /// <summary>Creates the loss; <paramref name="labelSmoothing"/> must lie in [0, 1].</summary>
    public CrossEntropyLoss(Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean, float labelSmoothing = 0f) : base(reduction)
    {
        if (weight is not null && weight.Rank != 1)
            throw new ArgumentException($"CrossEntropyLoss: weight must be 1-D, one value per class; got {Shape.Format(weight.ShapeRef)}");
        Losses.CheckLabelSmoothing(nameof(CrossEntropyLoss), labelSmoothing);
        Weight = weight;
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>Per-class rescaling of shape [C]; null for none.</summary>
    public Tensor? Weight { get; }

    /// <summary>Class-index targets equal to this count for nothing (not used with probability targets).</summary>
    public int IgnoreIndex { get; }

    /// <summary>The share ε of the uniform distribution mixed into the targets.</summary>
    public float LabelSmoothing { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) =>
        Losses.CrossEntropy(input, target, Weight, IgnoreIndex, Reduction, LabelSmoothing);

    /// <summary>The loss of <paramref name="input"/> against class indices, as PyTorch takes them (int64).</summary>
    /// <example><code>var loss = criterion.Forward(logits, IntTensor.FromArray([2, 0], [2]));</code></example>
    public Tensor Forward(Tensor input, IntTensor target) =>
        Losses.CrossEntropy(input, target, Weight, IgnoreIndex, Reduction, LabelSmoothing);

    /// <inheritdoc/>
    public override string ToString() => $"CrossEntropyLoss(reduction={Reduction}, ignoreIndex={IgnoreIndex}, labelSmoothing={LabelSmoothing})";
}

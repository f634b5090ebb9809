namespace Descent.Nn;

/// <summary>
/// Negative log-likelihood of log-probabilities against class indices, like <c>torch.nn.NLLLoss</c>;
/// LogSoftmax(1) followed by NLLLoss equals <see cref="CrossEntropyLoss"/>.
/// </summary>
public sealed class NLLLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    public NLLLoss(Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean) : base(reduction)
    {
        if (weight is not null && weight.Rank != 1)
            throw new ArgumentException($"NLLLoss: weight must be 1-D, one value per class; got {Shape.Format(weight.ShapeRef)}");
        Weight = weight;
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>Per-class rescaling of shape [C]; null for none.</summary>
    public Tensor? Weight { get; }

    /// <summary>Targets equal to this count for nothing.</summary>
    public int IgnoreIndex { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.NllLoss(input, target, Weight, IgnoreIndex, Reduction);

    /// <summary>The loss of <paramref name="input"/> against class indices, as PyTorch takes them (int64).</summary>
    /// <example><code>var loss = new NLLLoss().Forward(logp, IntTensor.FromArray([2, 0], [2]));</code></example>
    public Tensor Forward(Tensor input, IntTensor target) => Losses.NllLoss(input, target, Weight, IgnoreIndex, Reduction);

    /// <inheritdoc/>
    public override string ToString() => $"NLLLoss(reduction={Reduction}, ignoreIndex={IgnoreIndex})";
}

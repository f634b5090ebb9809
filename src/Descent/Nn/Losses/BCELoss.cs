namespace Descent.Nn;

/// <summary>
/// Binary cross-entropy on probabilities, like <c>torch.nn.BCELoss</c> (logs clamped at -100).
/// Prefer <see cref="BCEWithLogitsLoss"/>, which takes logits and stays accurate where a sigmoid saturates.
/// </summary>
public sealed class BCELoss(Tensor? weight = null, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <summary>Per-element rescaling, broadcast to the input's shape; null for none.</summary>
    public Tensor? Weight { get; } = weight;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.BinaryCrossEntropy(input, target, Weight, Reduction);
}

namespace Descent.Nn;

/// <summary>
/// Sigmoid and binary cross-entropy in one numerically stable step, like <c>torch.nn.BCEWithLogitsLoss</c>.
/// <see cref="PosWeight"/> (one value per class, along the last dimension) trades recall against
/// precision: 3 counts each positive three times.
/// </summary>
/// <example><code>
/// var criterion = new BCEWithLogitsLoss(posWeight: Tensor.FromArray([3f]));
/// var loss = criterion.Forward(logits, labels);   // labels in {0, 1}, shaped like logits
/// </code></example>
public sealed class BCEWithLogitsLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null) : Loss(reduction)
{
    /// <summary>Per-element rescaling, broadcast to the input's shape; null for none.</summary>
    public Tensor? Weight { get; } = weight;

    /// <summary>Weight of the positive term, broadcast to the input's shape; null for 1.</summary>
    public Tensor? PosWeight { get; } = posWeight;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) =>
        Losses.BinaryCrossEntropyWithLogits(input, target, Weight, Reduction, PosWeight);
}

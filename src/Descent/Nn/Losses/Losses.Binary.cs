namespace Descent.Nn;

public static partial class Losses
{
    /// <summary>
    /// Binary cross-entropy on probabilities in [0, 1], like <c>F.binary_cross_entropy</c>:
    /// -weight·(y·log p + (1 - y)·log(1 - p)) with each log clamped at -100 as PyTorch does, so p = 0
    /// or 1 gives a finite loss. <paramref name="weight"/> rescales each element and broadcasts to the
    /// input's shape. Inputs outside [0, 1] are refused, as in PyTorch. Prefer
    /// <see cref="BinaryCrossEntropyWithLogits"/>: it is stable where a sigmoid saturates.
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        const string loss = "BCELoss";
        Elementwise(loss, input, target, reduction);
        LossChecks.BroadcastsTo(loss, "weight", weight, input);
        var p = input.Data;
        for (int i = 0; i < p.Length; i++)
        {
            if (!(p[i] >= 0f && p[i] <= 1f))
                throw new ArgumentOutOfRangeException(nameof(input), $"{loss}: input must hold probabilities in [0, 1]; got {p[i]} at position {LossChecks.Position(i, input.ShapeRef)}");
        }
        var elementwise = Tensor.BinaryCrossEntropy(input, target);
        if (weight is not null) elementwise = elementwise.Mul(weight);
        return LossChecks.Reduce(elementwise, reduction);
    }

    /// <summary>
    /// Binary cross-entropy on logits, like <c>F.binary_cross_entropy_with_logits</c>, computed stably as
    /// PyTorch does: (1 - y)·x - l·log σ(x) with l = 1 + (posWeight - 1)·y, where -log σ(x) =
    /// max(-x, 0) + log(1 + e^-|x|); without posWeight this is max(x, 0) - x·y + log(1 + e^-|x|).
    /// Logits of ±1e4 give finite losses and gradients. <paramref name="weight"/> rescales each element
    /// and <paramref name="posWeight"/> the positive term (one value per class, last dimension); both
    /// broadcast to the input's shape.
    /// </summary>
    /// <example><code>
    /// var loss = Losses.BinaryCrossEntropyWithLogits(logits, labels, posWeight: Tensor.FromArray([3f]));
    /// </code></example>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null)
    {
        const string loss = "BCEWithLogitsLoss";
        Elementwise(loss, input, target, reduction);
        LossChecks.BroadcastsTo(loss, "weight", weight, input);
        LossChecks.BroadcastsTo(loss, "posWeight", posWeight, input);
        var negLogSigmoid = input.NegLogSigmoid();
        if (posWeight is not null) negLogSigmoid = posWeight.Sub(1f).Mul(target).Add(1f).Mul(negLogSigmoid);
        var elementwise = target.RSub(1f).Mul(input).Add(negLogSigmoid);
        if (weight is not null) elementwise = elementwise.Mul(weight);
        return LossChecks.Reduce(elementwise, reduction);
    }
}

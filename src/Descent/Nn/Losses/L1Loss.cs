namespace Descent.Nn;

/// <summary>Mean absolute error, like <c>torch.nn.L1Loss</c>: |input - target|, reduced.</summary>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.L1Loss(input, target, Reduction);
}

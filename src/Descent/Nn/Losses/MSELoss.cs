namespace Descent.Nn;

/// <summary>Mean squared error, like <c>torch.nn.MSELoss</c>: (input - target)², reduced.</summary>
/// <example><code>
/// var loss = new MSELoss().Forward(model.Forward(x), y);
/// </code></example>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.MseLoss(input, target, Reduction);
}

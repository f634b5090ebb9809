namespace Descent.Nn;

/// <summary>
/// Huber loss, like <c>torch.nn.HuberLoss</c>: quadratic (0.5·z²) for errors z below
/// <see cref="Delta"/>, linear (delta·(z - 0.5·delta)) beyond, so outliers pull less than with MSE.
/// </summary>
public sealed class HuberLoss : Loss
{
    /// <summary>Creates the loss; <paramref name="delta"/> must be positive.</summary>
    public HuberLoss(Reduction reduction = Reduction.Mean, float delta = 1f) : base(reduction)
    {
        LossChecks.CheckPositive(nameof(HuberLoss), nameof(delta), delta, allowZero: false);
        Delta = delta;
    }

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public float Delta { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.HuberLoss(input, target, Reduction, Delta);

    /// <inheritdoc/>
    public override string ToString() => $"HuberLoss(reduction={Reduction}, delta={Delta})";
}

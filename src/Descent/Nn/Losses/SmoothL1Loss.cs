namespace Descent.Nn;

/// <summary>
/// Smooth L1 loss, like <c>torch.nn.SmoothL1Loss</c>: 0.5·z²/beta for errors z below
/// <see cref="Beta"/>, z - 0.5·beta beyond; beta = 0 is the L1 loss.
/// </summary>
public sealed class SmoothL1Loss : Loss
{
    /// <summary>Creates the loss; <paramref name="beta"/> must be non-negative.</summary>
    public SmoothL1Loss(Reduction reduction = Reduction.Mean, float beta = 1f) : base(reduction)
    {
        LossChecks.CheckPositive(nameof(SmoothL1Loss), nameof(beta), beta, allowZero: true);
        Beta = beta;
    }

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public float Beta { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.SmoothL1Loss(input, target, Reduction, Beta);

    /// <inheritdoc/>
    public override string ToString() => $"SmoothL1Loss(reduction={Reduction}, beta={Beta})";
}

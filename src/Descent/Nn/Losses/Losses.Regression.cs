namespace Descent.Nn;

/// <summary>
/// The losses as functions, like <c>torch.nn.functional</c>: the same computations as the loss
/// modules, with PyTorch's semantics, defaults and argument order (minus deprecated arguments).
/// Input and target must have the same shape for the elementwise losses; PyTorch broadcasts with a
/// warning, Descent refuses because a [N, 1] input against an [N] target silently computes an N×N loss.
/// </summary>
/// <example><code>
/// var loss = Losses.MseLoss(prediction, y);               // mean of (prediction - y)²
/// var ce = Losses.CrossEntropy(logits, labels, labelSmoothing: 0.1f);
/// </code></example>
public static partial class Losses
{
    /// <summary>Squared error (input - target)², reduced; like <c>F.mse_loss</c>.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        Elementwise("MSELoss", input, target, reduction);
        return Tensor.SquaredError(input, target, reduce: reduction != Reduction.None, mean: reduction == Reduction.Mean);
    }

    /// <summary>Absolute error |input - target|, reduced; like <c>F.l1_loss</c> (gradient 0 where they are equal).</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        Elementwise("L1Loss", input, target, reduction);
        return LossChecks.Reduce(input.Sub(target).Abs(), reduction);
    }

    /// <summary>
    /// Huber loss, like <c>F.huber_loss</c>: with z = |input - target|, 0.5·z² where z &lt; delta and
    /// delta·(z - 0.5·delta) elsewhere (quadratic near 0, linear with slope delta beyond).
    /// </summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, float delta = 1f)
    {
        LossChecks.CheckPositive("HuberLoss", nameof(delta), delta, allowZero: false);
        Elementwise("HuberLoss", input, target, reduction);
        var diff = input.Sub(target);
        var z = diff.Abs();
        var loss = Tensor.Where(z.Lt(delta), diff.Square().Mul(0.5f), z.Sub(0.5f * delta).Mul(delta));
        return LossChecks.Reduce(loss, reduction);
    }

    /// <summary>
    /// Smooth L1 loss, like <c>F.smooth_l1_loss</c>: with z = |input - target|, 0.5·z²/beta where
    /// z &lt; beta and z - 0.5·beta elsewhere; beta = 0 gives the L1 loss. Equals HuberLoss/beta.
    /// </summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, float beta = 1f)
    {
        LossChecks.CheckPositive("SmoothL1Loss", nameof(beta), beta, allowZero: true);
        Elementwise("SmoothL1Loss", input, target, reduction);
        var diff = input.Sub(target);
        var z = diff.Abs();
        // beta = 0 has no quadratic part; dividing by it would put 0/0 into the unused branch's gradient.
        if (beta == 0f) return LossChecks.Reduce(z, reduction);
        var loss = Tensor.Where(z.Lt(beta), diff.Square().Mul(0.5f).Div(beta), z.Sub(0.5f * beta));
        return LossChecks.Reduce(loss, reduction);
    }

    private static void Elementwise(string loss, Tensor input, Tensor target, Reduction reduction)
    {
        LossChecks.CheckArguments(loss, input, target, reduction);
        LossChecks.SameShape(loss, input, target);
    }
}

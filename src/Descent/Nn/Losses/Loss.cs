namespace Descent.Nn;

/// <summary>
/// Base class of the loss modules (<see cref="MSELoss"/>, <see cref="CrossEntropyLoss"/>, ...). A loss
/// compares an input with a target, so unlike <see cref="Module"/> its forward takes two tensors; the
/// same computations are available as functions in <see cref="Losses"/>.
/// </summary>
/// <example><code>
/// var criterion = new CrossEntropyLoss(labelSmoothing: 0.1f);
/// var loss = criterion.Forward(model.Forward(x), labels);
/// loss.Backward();
/// </code></example>
public abstract class Loss
{
    /// <summary>Stores and checks the reduction shared by every loss.</summary>
    protected Loss(Reduction reduction)
    {
        LossChecks.CheckReduction(GetType().Name, reduction);
        Reduction = reduction;
    }

    /// <summary>How per-element losses are combined.</summary>
    public Reduction Reduction { get; }

    /// <summary>Computes the loss of <paramref name="input"/> against <paramref name="target"/>.</summary>
    public abstract Tensor Forward(Tensor input, Tensor target);

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name}(reduction={Reduction})";
}

namespace Descent.Optim.Schedules;

/// <summary>
/// PyTorch's <c>StepLR</c>: the base rate times <c>gamma^(step / stepSize)</c> (integer division),
/// so it drops by <see cref="Gamma"/> every <see cref="StepSize"/> steps.
/// </summary>
/// <example><code>var schedule = new Step(stepSize: 30, gamma: 0.1);  // the base rate, ×0.1 from step 30, ×0.01 from step 60</code></example>
public sealed class Step : Schedule
{
    /// <summary>Creates the schedule.</summary>
    public Step(long stepSize, double gamma = 0.1)
    {
        StepSize = AtLeast(nameof(Step), nameof(stepSize), stepSize, 1);
        Gamma = NonNegative(nameof(Step), nameof(gamma), gamma);
    }

    /// <summary>Steps between drops.</summary>
    public long StepSize { get; }

    /// <summary>Multiplier applied at each drop.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    protected override double LrCore(long step, double baseLr) => baseLr * Math.Pow(Gamma, step / StepSize);
}

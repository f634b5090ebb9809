namespace Descent.Optim.Schedules;

/// <summary>
/// A linear warm-up followed by any other schedule, as PyTorch's <c>SequentialLR</c> of a <c>LinearLR</c>
/// and that schedule: for <c>step &lt; warmupSteps</c> the rate is
/// <c>base·(startFactor + (1 - startFactor)·step/warmupSteps)</c>; from then on it is
/// <c>then.Lr(step - warmupSteps)</c>, so the following schedule starts at its own step 0.
/// </summary>
/// <example><code>var schedule = new LinearWarmup(500, startFactor: 0.01, then: new CosineAnnealing(9500));</code></example>
public sealed class LinearWarmup : Schedule
{
    /// <summary>Creates the schedule; without <paramref name="then"/> the base rate stays constant after the warm-up.</summary>
    public LinearWarmup(long warmupSteps, double startFactor = 1.0 / 3, Schedule? then = null)
    {
        WarmupSteps = AtLeast(nameof(LinearWarmup), nameof(warmupSteps), warmupSteps, 0);
        if (!(startFactor > 0 && startFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, $"{nameof(LinearWarmup)}: startFactor must be in (0, 1]; got {startFactor}");
        StartFactor = startFactor;
        Then = then ?? new Constant();
    }

    /// <summary>Length of the warm-up.</summary>
    public long WarmupSteps { get; }

    /// <summary>Fraction of the base rate at step 0.</summary>
    public double StartFactor { get; }

    /// <summary>The schedule that follows the warm-up.</summary>
    public Schedule Then { get; }

    /// <inheritdoc/>
    public override bool CyclesMomentum => Then.CyclesMomentum;

    /// <inheritdoc/>
    public override long? TotalSteps => Then.TotalSteps is long t ? checked(t + WarmupSteps) : null;

    /// <inheritdoc/>
    protected override double LrCore(long step, double baseLr) =>
        step < WarmupSteps
            ? baseLr * (StartFactor + (1 - StartFactor) * step / WarmupSteps)
            : Then.Lr(step - WarmupSteps, baseLr);

    // The following schedule's first momentum holds during the warm-up, as a momentum-cycling scheduler sets it on creation.
    /// <inheritdoc/>
    protected override double? MomentumCore(long step) => Then.Momentum(Math.Max(0, step - WarmupSteps));
}

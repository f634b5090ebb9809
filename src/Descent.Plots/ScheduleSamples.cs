using Descent.Optim.Schedules;

namespace Descent.Plots;

/// <summary>
/// A schedule evaluated at the steps a figure can show: every step of a short run, at most
/// <see cref="Downsample.MaxPoints"/> evenly spaced ones (the first and the last included) of a long one.
/// </summary>
/// <param name="Steps">The steps evaluated, increasing.</param>
/// <param name="Lr">The learning rate at each of <paramref name="Steps"/>.</param>
/// <param name="Momentum">The momentum at each of <paramref name="Steps"/>, or null when the schedule does not cycle it.</param>
/// <example><code>
/// var samples = ScheduleSamples.Of(new OneCycle(totalSteps: 5_000_000_000), steps: 5_000_000_001, baseLr: 0.01);
/// double peak = samples.Lr.Max();   // among the sampled steps
/// </code></example>
public sealed record ScheduleSamples(IReadOnlyList<long> Steps, IReadOnlyList<double> Lr, IReadOnlyList<double>? Momentum)
{
    /// <summary>Samples <paramref name="schedule"/> over steps 0 .. <paramref name="steps"/> − 1.</summary>
    public static ScheduleSamples Of(Schedule schedule, long steps, double baseLr, int maxPoints = Downsample.MaxPoints)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{nameof(ScheduleSamples)}: steps must be >= 1; got {steps}");
        var at = Downsample.Positions(steps, maxPoints);
        var lr = at.Select(s => schedule.Lr(s, baseLr)).ToArray();
        var momentum = schedule.CyclesMomentum ? at.Select(s => schedule.Momentum(s) ?? double.NaN).ToArray() : null;
        return new ScheduleSamples(at, lr, momentum);
    }
}

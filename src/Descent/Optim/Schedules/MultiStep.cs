namespace Descent.Optim.Schedules;

/// <summary>
/// PyTorch's <c>MultiStepLR</c>: the base rate times <c>gamma^k</c>, where k counts the milestones at or
/// before the step. A milestone listed twice counts twice, as in PyTorch (which keeps them in a Counter).
/// </summary>
/// <example><code>var schedule = new MultiStep([30, 80], gamma: 0.1);</code></example>
public sealed class MultiStep : Schedule
{
    private readonly long[] _sorted;

    /// <summary>Creates the schedule; milestones may come in any order.</summary>
    public MultiStep(IEnumerable<long> milestones, double gamma = 0.1)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _sorted = milestones.Order().ToArray();
        foreach (var m in _sorted) AtLeast(nameof(MultiStep), nameof(milestones), m, 0);
        Gamma = NonNegative(nameof(MultiStep), nameof(gamma), gamma);
    }

    /// <summary>The milestones, sorted.</summary>
    public IReadOnlyList<long> Milestones => _sorted;

    /// <summary>Multiplier applied at each milestone.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    protected override double LrCore(long step, double baseLr)
    {
        // bisect_right: the number of milestones <= step.
        int passed = 0;
        while (passed < _sorted.Length && _sorted[passed] <= step) passed++;
        return baseLr * Math.Pow(Gamma, passed);
    }
}

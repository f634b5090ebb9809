namespace Descent.Optim.Schedules;

/// <summary>PyTorch's <c>ExponentialLR</c>: the base rate times <c>gamma^step</c>.</summary>
/// <example><code>var schedule = new Exponential(gamma: 0.95);</code></example>
public sealed class Exponential : Schedule
{
    /// <summary>Creates the schedule.</summary>
    public Exponential(double gamma)
    {
        Gamma = NonNegative(nameof(Exponential), nameof(gamma), gamma);
    }

    /// <summary>Multiplier applied every step.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    protected override double LrCore(long step, double baseLr) => baseLr * Math.Pow(Gamma, step);
}

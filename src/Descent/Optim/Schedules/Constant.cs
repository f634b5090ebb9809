namespace Descent.Optim.Schedules;

/// <summary>
/// A constant rate. With a factor, PyTorch's <c>ConstantLR</c>: the base rate times <see cref="Factor"/>
/// for the first <see cref="TotalIters"/> steps, then the base rate (PyTorch's own defaults, 1/3 and 5,
/// are not applied here: <c>new Constant()</c> is the plain base rate).
/// </summary>
/// <example><code>var schedule = new Constant();  // lr stays at the optimizer's lr</code></example>
public sealed class Constant : Schedule
{
    /// <summary>Creates the schedule; <paramref name="factor"/> in [0, 1] applies before <paramref name="totalIters"/>.</summary>
    public Constant(double factor = 1.0, long totalIters = 0)
    {
        Factor = InRange(nameof(Constant), nameof(factor), factor, 0, 1, highInclusive: true);
        TotalIters = AtLeast(nameof(Constant), nameof(totalIters), totalIters, 0);
    }

    /// <summary>The multiplier used before <see cref="TotalIters"/>.</summary>
    public double Factor { get; }

    /// <summary>How many steps use <see cref="Factor"/>.</summary>
    public long TotalIters { get; }

    /// <inheritdoc/>
    protected override double LrCore(long step, double baseLr) => step < TotalIters ? baseLr * Factor : baseLr;
}

namespace Descent.Optim.Schedules;

/// <summary>How <see cref="CyclicLR"/> scales each cycle's amplitude.</summary>
public enum CyclicMode
{
    /// <summary>Constant amplitude.</summary>
    Triangular,
    /// <summary>Amplitude halves every cycle.</summary>
    Triangular2,
    /// <summary>Amplitude scales by <c>gamma^step</c> (per step, not per cycle).</summary>
    ExpRange,
}

/// <summary>
/// PyTorch's <c>CyclicLR</c>: the rate climbs linearly from <see cref="BaseLr"/> to the peak over
/// <see cref="StepSizeUp"/> steps and falls back over <see cref="StepSizeDown"/>; with
/// <see cref="CycleMomentum"/>, momentum moves the opposite way (<see cref="MaxMomentum"/> at the lowest
/// rate, <see cref="BaseMomentum"/> at the peak). The peak is <see cref="MaxLr"/>, or each group's initial
/// rate when none is given.
/// </summary>
/// <example><code>var schedule = new CyclicLR(baseLr: 1e-4, maxLr: 1e-2, stepSizeUp: 200, mode: CyclicMode.Triangular2);</code></example>
public sealed class CyclicLR : Schedule
{
    private readonly double _stepRatio;

    /// <summary>Creates the schedule with PyTorch's defaults.</summary>
    public CyclicLR(double baseLr, double? maxLr = null, long stepSizeUp = 2000, long? stepSizeDown = null,
        CyclicMode mode = CyclicMode.Triangular, double gamma = 1.0, bool cycleMomentum = true,
        double baseMomentum = 0.8, double maxMomentum = 0.9)
    {
        const string owner = nameof(CyclicLR);
        BaseLr = NonNegative(owner, nameof(baseLr), baseLr);
        if (maxLr is double m) MaxLr = NonNegative(owner, nameof(maxLr), m);
        StepSizeUp = AtLeast(owner, nameof(stepSizeUp), stepSizeUp, 1);
        StepSizeDown = stepSizeDown is long d ? AtLeast(owner, nameof(stepSizeDown), d, 0) : StepSizeUp;
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, $"{owner}: unknown mode {mode}");
        Mode = mode;
        Gamma = NonNegative(owner, nameof(gamma), gamma);
        CycleMomentum = cycleMomentum;
        BaseMomentum = InRange(owner, nameof(baseMomentum), baseMomentum, 0, 1, highInclusive: false);
        MaxMomentum = InRange(owner, nameof(maxMomentum), maxMomentum, 0, 1, highInclusive: false);
        _stepRatio = (double)StepSizeUp / (StepSizeUp + StepSizeDown);
    }

    /// <summary>The lowest rate.</summary>
    public double BaseLr { get; }

    /// <summary>The peak rate, or null to use each group's initial rate.</summary>
    public double? MaxLr { get; }

    /// <summary>Steps from the lowest rate to the peak.</summary>
    public long StepSizeUp { get; }

    /// <summary>Steps from the peak back to the lowest rate.</summary>
    public long StepSizeDown { get; }

    /// <summary>How the amplitude changes over time.</summary>
    public CyclicMode Mode { get; }

    /// <summary>Per-step amplitude decay for <see cref="CyclicMode.ExpRange"/>.</summary>
    public double Gamma { get; }

    /// <summary>Whether momentum (or beta1) cycles opposite to the rate.</summary>
    public bool CycleMomentum { get; }

    /// <summary>Momentum at the peak rate.</summary>
    public double BaseMomentum { get; }

    /// <summary>Momentum at the lowest rate.</summary>
    public double MaxMomentum { get; }

    /// <inheritdoc/>
    public override bool CyclesMomentum => CycleMomentum;

    /// <inheritdoc/>
    protected override double LrCore(long step, double baseLr)
    {
        var (fraction, scale) = Position(step);
        return BaseLr + ((MaxLr ?? baseLr) - BaseLr) * fraction * scale;
    }

    /// <inheritdoc/>
    protected override double? MomentumCore(long step)
    {
        if (!CycleMomentum) return null;
        var (fraction, scale) = Position(step);
        return MaxMomentum - (MaxMomentum - BaseMomentum) * fraction * scale;
    }

    /// <summary>Fraction of the way to the peak (PyTorch's scale_factor) and the amplitude scale.</summary>
    private (double Fraction, double Scale) Position(long step)
    {
        double total = StepSizeUp + StepSizeDown;
        double cycle = Math.Floor(1 + step / total);
        double x = 1.0 + step / total - cycle;
        double fraction = x <= _stepRatio ? x / _stepRatio : (x - 1) / (_stepRatio - 1);
        double scale = Mode switch
        {
            CyclicMode.Triangular => 1.0,
            CyclicMode.Triangular2 => 1 / Math.Pow(2.0, cycle - 1),
            _ => Math.Pow(Gamma, step),
        };
        return (fraction, scale);
    }
}

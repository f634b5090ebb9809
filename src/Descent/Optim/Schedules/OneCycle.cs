namespace Descent.Optim.Schedules;

/// <summary>How <see cref="OneCycle"/> moves between its phase end points.</summary>
public enum AnnealStrategy
{
    /// <summary>Half a cosine.</summary>
    Cos,
    /// <summary>A straight line.</summary>
    Linear,
}

/// <summary>Which library's one-cycle formula <see cref="OneCycle"/> follows.</summary>
public enum OneCycleVariant
{
    /// <summary>fastai's <c>fit_one_cycle</c>: position <c>step/totalSteps</c>, ending at <c>maxLr/finalDivFactor</c>.</summary>
    Fastai,
    /// <summary>PyTorch's <c>OneCycleLR</c>: phases end at steps <c>pctStart·T - 1</c> and <c>T - 1</c>, ending at <c>maxLr/(divFactor·finalDivFactor)</c>.</summary>
    PyTorch,
}

/// <summary>
/// The one-cycle policy: the rate rises from <c>maxLr/divFactor</c> to <c>maxLr</c> over the first
/// <see cref="PctStart"/> of the steps, then anneals to a tiny final rate, while momentum (or beta1) moves
/// the opposite way (<see cref="MaxMomentum"/> → <see cref="BaseMomentum"/> → <see cref="MaxMomentum"/>).
/// The constructor is PyTorch's <c>OneCycleLR</c> with its defaults (pctStart 0.3, cosine, divFactor 25,
/// finalDivFactor 1e4, two phases, momentum 0.95 → 0.85 → 0.95), so ported code gets the curve it had;
/// <see cref="Fastai"/> names fastai's <c>fit_one_cycle</c> (pctStart 0.25, finalDivFactor 1e5, its own
/// step positions), whose numbers differ. <see cref="PyTorch"/> is the constructor under an explicit name.
/// The peak is <see cref="MaxLr"/>, or each group's initial rate when none is given. Steps 0 .. totalSteps
/// are defined (step totalSteps is the rate after the last optimizer step); later steps throw, as PyTorch does.
/// </summary>
/// <example><code>
/// var torch = new OneCycle(totalSteps: 1000, maxLr: 0.1);                  // torch.optim.lr_scheduler.OneCycleLR
/// var fastai = OneCycle.Fastai(totalSteps: epochs * batchesPerEpoch, maxLr: 3e-3); // fastai's fit_one_cycle
/// </code></example>
public sealed class OneCycle : Schedule
{
    private readonly Phase[] _phases;

    // End points are named, not valued, so that each group's own peak rate can stand in for maxLr.
    private enum Point { InitialLr, PeakLr, FinalLr, LowMomentum, HighMomentum }

    private readonly record struct Phase(double EndStep, Point StartLr, Point EndLr, Point StartMomentum, Point EndMomentum);

    /// <summary>
    /// Creates PyTorch's <c>OneCycleLR</c> schedule with its defaults; the arguments are its keyword
    /// arguments in .NET casing. For fastai's curve use <see cref="Fastai"/>.
    /// </summary>
    public OneCycle(long totalSteps, double? maxLr = null, double pctStart = 0.3,
        AnnealStrategy anneal = AnnealStrategy.Cos, bool cycleMomentum = true, double baseMomentum = 0.85,
        double maxMomentum = 0.95, double divFactor = 25, double finalDivFactor = 1e4, bool threePhase = false)
        : this(OneCycleVariant.PyTorch, totalSteps, maxLr, pctStart, anneal, cycleMomentum, baseMomentum, maxMomentum,
            divFactor, finalDivFactor, threePhase) { }

    /// <summary>
    /// fastai's <c>fit_one_cycle</c> with fastai's defaults (pctStart 0.25, divFactor 25, finalDivFactor 1e5,
    /// cosine in both phases on the position step/totalSteps); not PyTorch's curve.
    /// </summary>
    /// <example><code>var schedule = OneCycle.Fastai(totalSteps: 10 * batchesPerEpoch, maxLr: 3e-3);</code></example>
    public static OneCycle Fastai(long totalSteps, double? maxLr = null, double pctStart = 0.25, double divFactor = 25,
        double finalDivFactor = 1e5, bool cycleMomentum = true, double baseMomentum = 0.85, double maxMomentum = 0.95) =>
        new(OneCycleVariant.Fastai, totalSteps, maxLr, pctStart, AnnealStrategy.Cos, cycleMomentum, baseMomentum,
            maxMomentum, divFactor, finalDivFactor, threePhase: false);

    private OneCycle(OneCycleVariant variant, long totalSteps, double? maxLr, double pctStart, AnnealStrategy anneal,
        bool cycleMomentum, double baseMomentum, double maxMomentum, double divFactor, double finalDivFactor, bool threePhase)
    {
        const string owner = nameof(OneCycle);
        Variant = variant;
        Total = AtLeast(owner, nameof(totalSteps), totalSteps, 1);
        if (maxLr is double m) MaxLr = NonNegative(owner, nameof(maxLr), m);
        PctStart = InRange(owner, nameof(pctStart), pctStart, 0, 1, highInclusive: true);
        if (!Enum.IsDefined(anneal)) throw new ArgumentOutOfRangeException(nameof(anneal), anneal, $"{owner}: unknown anneal strategy {anneal}");
        Anneal = anneal;
        CycleMomentum = cycleMomentum;
        BaseMomentum = InRange(owner, nameof(baseMomentum), baseMomentum, 0, 1, highInclusive: false);
        MaxMomentum = InRange(owner, nameof(maxMomentum), maxMomentum, 0, 1, highInclusive: false);
        DivFactor = Positive(owner, nameof(divFactor), divFactor);
        FinalDivFactor = Positive(owner, nameof(finalDivFactor), finalDivFactor);
        ThreePhase = threePhase;
        _phases = variant == OneCycleVariant.Fastai ? FastaiPhases() : PyTorchPhases();
    }

    /// <summary>PyTorch's <c>OneCycleLR</c> under an explicit name: the same schedule as the constructor.</summary>
    /// <example><code>var schedule = OneCycle.PyTorch(totalSteps: 1000, maxLr: 0.1, threePhase: true);</code></example>
    public static OneCycle PyTorch(long totalSteps, double? maxLr = null, double pctStart = 0.3,
        AnnealStrategy anneal = AnnealStrategy.Cos, bool cycleMomentum = true, double baseMomentum = 0.85,
        double maxMomentum = 0.95, double divFactor = 25, double finalDivFactor = 1e4, bool threePhase = false) =>
        new(totalSteps, maxLr, pctStart, anneal, cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase);

    /// <summary>Which formula this schedule follows.</summary>
    public OneCycleVariant Variant { get; }

    /// <summary>Number of optimizer steps in the cycle.</summary>
    public long Total { get; }

    /// <summary>The peak rate, or null to use each group's initial rate.</summary>
    public double? MaxLr { get; }

    /// <summary>Fraction of the steps spent rising.</summary>
    public double PctStart { get; }

    /// <summary>Cosine or linear interpolation within a phase (fastai's variant is always cosine).</summary>
    public AnnealStrategy Anneal { get; }

    /// <summary>Whether momentum (or beta1) cycles opposite to the rate.</summary>
    public bool CycleMomentum { get; }

    /// <summary>Momentum at the peak rate.</summary>
    public double BaseMomentum { get; }

    /// <summary>Momentum at the start and the end.</summary>
    public double MaxMomentum { get; }

    /// <summary>The starting rate is <c>maxLr / DivFactor</c>.</summary>
    public double DivFactor { get; }

    /// <summary>The final rate is <c>maxLr / FinalDivFactor</c> (fastai) or <c>maxLr / (DivFactor·FinalDivFactor)</c> (PyTorch).</summary>
    public double FinalDivFactor { get; }

    /// <summary>PyTorch only: rise, fall back to the starting rate symmetrically, then anneal to the final rate.</summary>
    public bool ThreePhase { get; }

    /// <inheritdoc/>
    public override bool CyclesMomentum => CycleMomentum;

    /// <inheritdoc/>
    public override long? TotalSteps => Total;

    private Phase[] FastaiPhases() =>
    [
        // fastai's combine_scheds works on the position step/T; phase ends are positions scaled to steps.
        new(PctStart * Total, Point.InitialLr, Point.PeakLr, Point.HighMomentum, Point.LowMomentum),
        new(Total, Point.PeakLr, Point.FinalLr, Point.LowMomentum, Point.HighMomentum),
    ];

    private Phase[] PyTorchPhases()
    {
        Phase[] phases = ThreePhase
            ?
            [
                new(PctStart * Total - 1, Point.InitialLr, Point.PeakLr, Point.HighMomentum, Point.LowMomentum),
                new(2 * PctStart * Total - 2, Point.PeakLr, Point.InitialLr, Point.LowMomentum, Point.HighMomentum),
                new(Total - 1, Point.InitialLr, Point.FinalLr, Point.HighMomentum, Point.HighMomentum),
            ]
            :
            [
                new(PctStart * Total - 1, Point.InitialLr, Point.PeakLr, Point.HighMomentum, Point.LowMomentum),
                new(Total - 1, Point.PeakLr, Point.FinalLr, Point.LowMomentum, Point.HighMomentum),
            ];
        // PyTorch divides by each phase's length; a phase of length zero would divide by zero there.
        double start = 0;
        foreach (var p in phases)
        {
            if (p.EndStep == start)
                throw new ArgumentOutOfRangeException("pctStart", PctStart,
                    $"{nameof(OneCycle)}: pctStart {PctStart} with totalSteps {Total} leaves a phase of zero steps (ending at step {p.EndStep})");
            start = p.EndStep;
        }
        return phases;
    }

    /// <inheritdoc/>
    protected override double LrCore(long step, double baseLr)
    {
        double peak = MaxLr ?? baseLr;
        var (phase, pct) = Locate(step);
        return Interpolate(Resolve(phase.StartLr, peak), Resolve(phase.EndLr, peak), pct);
    }

    /// <inheritdoc/>
    protected override double? MomentumCore(long step)
    {
        if (!CycleMomentum) return null;
        var (phase, pct) = Locate(step);
        return Interpolate(Resolve(phase.StartMomentum, 0), Resolve(phase.EndMomentum, 0), pct);
    }

    private double Resolve(Point point, double peak) => point switch
    {
        Point.InitialLr => peak / DivFactor,
        Point.PeakLr => peak,
        Point.FinalLr => Variant == OneCycleVariant.Fastai ? peak / FinalDivFactor : peak / DivFactor / FinalDivFactor,
        Point.LowMomentum => BaseMomentum,
        _ => MaxMomentum,
    };

    /// <summary>The phase holding <paramref name="step"/> and the fraction of the way through it.</summary>
    private (Phase Phase, double Pct) Locate(long step)
    {
        if (Variant == OneCycleVariant.Fastai)
        {
            // fastai's combine_scheds on the position step/T: the rise while the position is below pctStart,
            // the fall from there on. A zero-length fall (pctStart 1) is only reached at its end.
            double pos = (double)step / Total;
            if (pos < PctStart) return (_phases[0], pos / PctStart);
            return (_phases[1], PctStart == 1 ? 1 : (pos - PctStart) / (1 - PctStart));
        }
        // PyTorch: the first phase whose end is at or after the step, else the last one (extrapolated at step T).
        double start = 0;
        int i = 0;
        while (i < _phases.Length - 1 && step > _phases[i].EndStep) start = _phases[i++].EndStep;
        return (_phases[i], (step - start) / (_phases[i].EndStep - start));
    }

    private double Interpolate(double start, double end, double pct) =>
        Variant == OneCycleVariant.Fastai
            ? start + (1 + Math.Cos(Math.PI * (1 - pct))) * (end - start) / 2
            : Anneal == AnnealStrategy.Cos
                ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
                : (end - start) * pct + start;
}

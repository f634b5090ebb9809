namespace Descent.Optim.Schedules;

/// <summary>Whether <see cref="ReduceLROnPlateau"/> watches a metric that should fall (a loss) or rise (an accuracy).</summary>
public enum PlateauMode
{
    /// <summary>Lower is better.</summary>
    Min,
    /// <summary>Higher is better.</summary>
    Max,
}

/// <summary>
/// PyTorch's <c>ReduceLROnPlateau</c>: after more than <see cref="Patience"/> epochs in a row without a
/// significant improvement of the metric, multiplies every group's rate by <see cref="Factor"/> (never
/// below <see cref="MinLr"/>, and not at all when the change would be at most <see cref="Eps"/>), then
/// ignores bad epochs for <see cref="Cooldown"/> epochs. Stateful, unlike the step schedules: it is driven
/// by the metric passed to <see cref="Step"/>.
/// </summary>
/// <example><code>
/// var plateau = new ReduceLROnPlateau(optimizer, patience: 5);
/// for (int epoch = 0; epoch &lt; 100; epoch++) { Train(); plateau.Step(ValidationLoss()); }
/// </code></example>
public sealed class ReduceLROnPlateau
{
    /// <summary>Creates the scheduler with PyTorch's defaults.</summary>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
        double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, double minLr = 0, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        const string owner = nameof(ReduceLROnPlateau);
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, $"{owner}: unknown mode {mode}");
        if (!Enum.IsDefined(thresholdMode)) throw new ArgumentOutOfRangeException(nameof(thresholdMode), thresholdMode, $"{owner}: unknown threshold mode {thresholdMode}");
        Optimizer = optimizer;
        Mode = mode;
        Factor = Schedule.InRange(owner, nameof(factor), factor, 0, 1, highInclusive: false);
        Patience = (int)Schedule.AtLeast(owner, nameof(patience), patience, 0);
        Threshold = Schedule.NonNegative(owner, nameof(threshold), threshold);
        ThresholdMode = thresholdMode;
        Cooldown = (int)Schedule.AtLeast(owner, nameof(cooldown), cooldown, 0);
        MinLr = Schedule.NonNegative(owner, nameof(minLr), minLr);
        Eps = Schedule.NonNegative(owner, nameof(eps), eps);
        _plateau = new Plateau(mode == PlateauMode.Max, Threshold, thresholdMode, Patience, Cooldown);
    }

    private readonly Plateau _plateau;

    /// <summary>The optimizer whose rates are reduced.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Whether lower or higher metrics are better.</summary>
    public PlateauMode Mode { get; }

    /// <summary>Multiplier applied to the rates on a plateau.</summary>
    public double Factor { get; }

    /// <summary>Bad epochs tolerated before reducing.</summary>
    public int Patience { get; }

    /// <summary>Minimum improvement that counts.</summary>
    public double Threshold { get; }

    /// <summary>Relative or absolute threshold.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>Epochs after a reduction during which bad epochs are not counted.</summary>
    public int Cooldown { get; }

    /// <summary>Lower bound of every group's rate.</summary>
    public double MinLr { get; }

    /// <summary>A reduction smaller than this is skipped.</summary>
    public double Eps { get; }

    /// <summary>The best metric seen.</summary>
    public double Best => _plateau.Best;

    /// <summary>Bad epochs counted since the last improvement or reduction.</summary>
    public int NumBadEpochs => _plateau.NumBad;

    /// <summary>Epochs of cooldown left.</summary>
    public int CooldownCounter => _plateau.CooldownCounter;

    /// <summary>Number of <see cref="Step"/> calls (PyTorch's <c>last_epoch</c>).</summary>
    public long StepCount { get; private set; }

    /// <summary>Records one epoch's metric and reduces the rates if the plateau has lasted long enough.</summary>
    public void Step(double metric)
    {
        StepCount++;
        _plateau.Step(metric);
        if (_plateau.Exhausted)
        {
            Reduce();
            _plateau.StartCooldown();
        }
    }

    private void Reduce()
    {
        foreach (var group in Optimizer.ParamGroups)
        {
            double old = group.Lr;
            double updated = Math.Max(old * Factor, MinLr);
            if (old - updated > Eps) group.Lr = updated;
        }
    }

    /// <summary>The counters and best metric under PyTorch's names, to resume training.</summary>
    public OrderedDictionary<string, double> StateDict() => new()
    {
        ["best"] = Best,
        ["num_bad_epochs"] = NumBadEpochs,
        ["cooldown_counter"] = CooldownCounter,
        ["last_epoch"] = StepCount,
    };

    /// <summary>Restores a state written by <see cref="StateDict"/>; throws naming any missing key.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string[] keys = ["best", "num_bad_epochs", "cooldown_counter", "last_epoch"];
        var missing = keys.Where(k => !state.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"{nameof(ReduceLROnPlateau)}.LoadStateDict: missing keys: {string.Join(", ", missing)}", nameof(state));
        _plateau.Restore(state["best"], (int)state["num_bad_epochs"], (int)state["cooldown_counter"]);
        StepCount = (long)state["last_epoch"];
    }
}

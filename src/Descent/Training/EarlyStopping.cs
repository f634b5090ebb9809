using System.Globalization;
using Descent.Optim.Schedules;

namespace Descent.Training;

/// <summary>
/// Stops training when a monitored value has not improved by more than <see cref="MinDelta"/> for
/// <see cref="Patience"/> epochs in a row (Keras's <c>EarlyStopping</c>), and optionally puts back the
/// weights of the best epoch when the fit ends. Its state (best value, counter, best weights) goes into
/// checkpoints, so a resumed run stops where the uninterrupted one would.
/// </summary>
/// <example><code>
/// var stop = new EarlyStopping(monitor: "valid_loss", patience: 5, restoreBestWeights: true);
/// new Learner(model, train, valid, loss, opt, callbacks: [stop]).Fit(100);
/// </code></example>
public sealed class EarlyStopping : IStatefulCallback
{
    private OrderedDictionary<string, Tensor>? _bestWeights;
    private readonly Plateau _plateau;

    /// <summary>Creates the callback.</summary>
    /// <param name="monitor"><c>valid_loss</c>, <c>train_loss</c>, a metric's name (validation) or <c>train_</c> + a metric's name.</param>
    /// <param name="patience">Training stops once this many epochs in a row bring no improvement (as Keras; 0 stops at the first).</param>
    /// <param name="minDelta">Smallest change that counts as an improvement.</param>
    /// <param name="mode">Whether the value should fall or rise; <see cref="MonitorMode.Auto"/> decides from the metric.</param>
    /// <param name="restoreBestWeights">At the end of the fit, load the weights of the best epoch if a later one is current.</param>
    public EarlyStopping(string monitor = "valid_loss", int patience = 3, double minDelta = 0, MonitorMode mode = MonitorMode.Auto, bool restoreBestWeights = false)
    {
        MonitoredValue.CheckName(monitor, nameof(EarlyStopping));
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, $"EarlyStopping: patience must be >= 0; got {patience}");
        if (!(minDelta >= 0) || !double.IsFinite(minDelta))
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, $"EarlyStopping: minDelta must be finite and >= 0; got {minDelta}");
        MonitoredValue.CheckMode(mode, nameof(EarlyStopping));
        MonitorName = monitor;
        Patience = patience;
        MinDelta = minDelta;
        Mode = mode;
        RestoreBestWeights = restoreBestWeights;
        // Keras stops once `wait >= patience`; the plateau acts once its count passes its patience, one epoch
        // later. A bad epoch always counts at least 1, so patience 0 and 1 both stop at the first, as in Keras.
        _plateau = Plateau.Keras(mode == MonitorMode.Max, minDelta, Math.Max(patience - 1, 0));
        Reset();
    }

    /// <summary>The monitored value's name.</summary>
    public string MonitorName { get; }

    /// <summary>Epochs in a row without improvement after which training stops.</summary>
    public int Patience { get; }

    /// <summary>Smallest improvement that counts.</summary>
    public double MinDelta { get; }

    /// <summary>The direction of improvement.</summary>
    public MonitorMode Mode { get; }

    /// <summary>Whether the best weights are restored at the end.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>The best value so far (±infinity before the first epoch).</summary>
    public double Best => _plateau.Best;

    /// <summary>The epoch of <see cref="Best"/>, 0 before the first.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Epochs since the last improvement.</summary>
    public int Wait => _plateau.NumBad;

    /// <summary>The epoch at which this callback stopped training, 0 if it has not.</summary>
    public int StoppedEpoch { get; private set; }

    /// <inheritdoc/>
    public string StateKey => "early_stopping";

    private void Reset()
    {
        _plateau.Reset();
        BestEpoch = 0;
        StoppedEpoch = 0;
        _bestWeights = null;
    }

    /// <inheritdoc/>
    public void OnFitBegin(Learner learner)
    {
        _plateau.HigherIsBetter = MonitoredValue.HigherIsBetter(learner, MonitorName, Mode);
        // A learner that resumed (or trained before) keeps the state, so the run goes on as one.
        if (learner.Epoch == 0) Reset();
    }

    /// <inheritdoc/>
    public void OnEpochEnd(Learner learner, EpochRecord record)
    {
        double value = MonitoredValue.Read(record, MonitorName, nameof(EarlyStopping));
        if (_plateau.Step(value))
        {
            BestEpoch = record.Epoch;
            if (RestoreBestWeights) _bestWeights = learner.Model.StateDict();
            return;
        }
        if (_plateau.Exhausted)
        {
            StoppedEpoch = record.Epoch;
            learner.RequestStop(string.Create(CultureInfo.InvariantCulture,
                $"early stopping at epoch {record.Epoch}: {MonitorName} has not improved for {Wait} epochs (best {Best:G6} at epoch {BestEpoch})"));
        }
    }

    /// <inheritdoc/>
    public void OnFitEnd(Learner learner, History history)
    {
        if (!RestoreBestWeights || _bestWeights == null || BestEpoch == learner.Epoch) return;
        learner.Model.LoadStateDict(_bestWeights);
        learner.Report(string.Create(CultureInfo.InvariantCulture, $"restored the weights of epoch {BestEpoch} ({MonitorName} {Best:G6})"));
    }

    /// <inheritdoc/>
    public CallbackState GetState() => new(
        new Dictionary<string, double> { ["best"] = Best, ["best_epoch"] = BestEpoch, ["wait"] = Wait, ["stopped_epoch"] = StoppedEpoch },
        _bestWeights == null ? new Dictionary<string, Tensor>() : new Dictionary<string, Tensor>(_bestWeights));

    /// <inheritdoc/>
    public void SetState(CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string[] keys = ["best", "best_epoch", "wait", "stopped_epoch"];
        var missing = keys.Where(k => !state.Values.ContainsKey(k)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"EarlyStopping.SetState: missing values: {string.Join(", ", missing)}", nameof(state));
        _plateau.Restore(state.Values["best"], (int)state.Values["wait"], cooldownCounter: 0);
        BestEpoch = (int)state.Values["best_epoch"];
        StoppedEpoch = (int)state.Values["stopped_epoch"];
        var weights = new OrderedDictionary<string, Tensor>();
        foreach (var (k, v) in state.Tensors) weights.Add(k, v);
        _bestWeights = weights.Count > 0 ? weights : null;
    }
}

using System.Globalization;
using Descent.Optim.Schedules;

namespace Descent.Training;

/// <summary>
/// Saves full training checkpoints (<see cref="Learner.SaveCheckpoint"/>) after each epoch: the last state
/// to <see cref="LastPath"/> and, when the monitored value improves, the best to <see cref="BestPath"/>.
/// Every write is atomic, so a crash leaves the previous complete file. It runs after the other callbacks
/// (<see cref="Order"/> 100), so the files hold their updated state too.
/// </summary>
/// <example><code>
/// var save = new ModelCheckpoint("run.safetensors", monitor: "accuracy");   // also writes run.best.safetensors
/// learner = new Learner(model, train, valid, loss, opt, callbacks: [save]);
/// learner.Fit(20);
/// learner.Fit(40, resumeFrom: "run.safetensors");                            // in another process, after a crash
/// </code></example>
public sealed class ModelCheckpoint : IStatefulCallback
{
    // Any strict improvement counts: with no threshold, Keras's and PyTorch's rules agree.
    private readonly Plateau _plateau;

    /// <summary>Creates the callback.</summary>
    /// <param name="path">Where the last state goes.</param>
    /// <param name="bestPath">Where the best state goes; by default <paramref name="path"/> with <c>.best</c> before its extension.</param>
    /// <param name="monitor">The value that decides the best epoch (see <see cref="EpochRecord.Get"/>).</param>
    /// <param name="mode">Whether it should fall or rise.</param>
    /// <param name="saveBest">Whether to write the best state.</param>
    /// <param name="saveLast">Whether to write the last state.</param>
    public ModelCheckpoint(string path, string? bestPath = null, string monitor = "valid_loss", MonitorMode mode = MonitorMode.Auto,
        bool saveBest = true, bool saveLast = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        MonitoredValue.CheckName(monitor, nameof(ModelCheckpoint));
        MonitoredValue.CheckMode(mode, nameof(ModelCheckpoint));
        if (!saveBest && !saveLast) throw new ArgumentException("ModelCheckpoint: saveBest and saveLast are both false, so nothing would be saved");
        LastPath = path;
        BestPath = bestPath ?? Path.ChangeExtension(path, ".best" + (Path.HasExtension(path) ? Path.GetExtension(path) : ".safetensors"));
        if (saveBest && saveLast && Path.GetFullPath(BestPath) == Path.GetFullPath(LastPath))
            throw new ArgumentException($"ModelCheckpoint: bestPath and path are the same file '{path}'", nameof(bestPath));
        MonitorName = monitor;
        Mode = mode;
        SaveBest = saveBest;
        SaveLast = saveLast;
        _plateau = Plateau.Keras(mode == MonitorMode.Max);
    }

    /// <summary>Where the last state goes.</summary>
    public string LastPath { get; }

    /// <summary>Where the best state goes.</summary>
    public string BestPath { get; }

    /// <summary>The monitored value's name.</summary>
    public string MonitorName { get; }

    /// <summary>The direction of improvement.</summary>
    public MonitorMode Mode { get; }

    /// <summary>Whether the best state is written.</summary>
    public bool SaveBest { get; }

    /// <summary>Whether the last state is written.</summary>
    public bool SaveLast { get; }

    /// <summary>The best monitored value so far.</summary>
    public double Best => _plateau.Best;

    /// <summary>The epoch of <see cref="Best"/>, 0 before the first.</summary>
    public int BestEpoch { get; private set; }

    /// <inheritdoc/>
    public int Order => 100;

    /// <inheritdoc/>
    public string StateKey => "model_checkpoint";

    /// <inheritdoc/>
    public void OnFitBegin(Learner learner)
    {
        _plateau.HigherIsBetter = MonitoredValue.HigherIsBetter(learner, MonitorName, Mode);
        if (learner.Epoch != 0) return;
        _plateau.Reset();
        BestEpoch = 0;
    }

    /// <inheritdoc/>
    public void OnEpochEnd(Learner learner, EpochRecord record)
    {
        bool isBest = false;
        if (SaveBest)
        {
            double value = MonitoredValue.Read(record, MonitorName, nameof(ModelCheckpoint));
            if (_plateau.Step(value))
            {
                BestEpoch = record.Epoch;
                isBest = true;
            }
        }
        // Captured once after the best value is updated, so both files hold the same, current state.
        var state = learner.CaptureCheckpoint();
        if (SaveLast) Checkpoint.Save(LastPath, state);
        if (isBest)
        {
            Checkpoint.Save(BestPath, state);
            learner.Report(string.Create(CultureInfo.InvariantCulture, $"saved best checkpoint (epoch {record.Epoch}, {MonitorName} {Best:G6}) to {BestPath}"));
        }
    }

    /// <inheritdoc/>
    public CallbackState GetState() => new(new Dictionary<string, double> { ["best"] = Best, ["best_epoch"] = BestEpoch }, new Dictionary<string, Tensor>());

    /// <inheritdoc/>
    public void SetState(CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.Values.TryGetValue("best", out double best) || !state.Values.TryGetValue("best_epoch", out double epoch))
            throw new ArgumentException("ModelCheckpoint.SetState: expected values 'best' and 'best_epoch'", nameof(state));
        _plateau.Restore(best, numBad: 0, cooldownCounter: 0);
        BestEpoch = (int)epoch;
    }
}

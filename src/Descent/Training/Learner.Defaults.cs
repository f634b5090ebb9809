using Descent.Data;
using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Schedules;

namespace Descent.Training;

public sealed partial class Learner
{
    /// <summary>The learning rate of the short form: the peak of its one-cycle schedule, as <c>descent train</c>'s default for Adam.</summary>
    public const double DefaultLr = 3e-3;

    /// <summary>
    /// The short form, for a classifier, with <c>descent train</c>'s defaults: cross-entropy, Adam, fastai's
    /// one-cycle schedule peaking at <paramref name="lr"/> over <paramref name="epochs"/> epochs (momentum cycled
    /// too), accuracy as the metric, and one line per epoch on the console unless <paramref name="progress"/>
    /// is false. <see cref="Fit()"/> then trains those epochs.
    /// </summary>
    /// <param name="model">The model trained.</param>
    /// <param name="trainLoader">Training batches (input, class index).</param>
    /// <param name="validLoader">Validation batches, or null to skip validation.</param>
    /// <param name="epochs">The epochs the schedule is laid out over and <see cref="Fit()"/> trains (at least 1).</param>
    /// <param name="lr">The peak learning rate.</param>
    /// <param name="loss">The loss, or null for <see cref="CrossEntropyLoss"/>.</param>
    /// <param name="metrics">The metrics, or null for <see cref="Accuracy"/> alone.</param>
    /// <param name="callbacks">Callbacks, as in the full form.</param>
    /// <param name="progress">False for a silent run; true writes <see cref="PlainProgress"/> lines to <see cref="Console.Out"/>.</param>
    /// <example><code>
    /// var learner = new Learner(model, train, valid, epochs: 3);
    /// learner.Fit();
    /// </code></example>
    public Learner(Module model, DataLoader trainLoader, DataLoader? validLoader, int epochs, double lr = DefaultLr,
        Loss? loss = null, IEnumerable<IMetric>? metrics = null, IEnumerable<ICallback>? callbacks = null, bool progress = true)
        : this(model, trainLoader, validLoader, loss ?? new CrossEntropyLoss(), DefaultOptimizer(model, lr),
            DefaultSchedule(trainLoader, epochs, lr), metrics ?? [new Accuracy()], callbacks,
            progress ? new PlainProgress(Console.Out) : null)
    {
        Epochs = epochs;
    }

    /// <summary>The epochs the short form was planned for, or null for the full form.</summary>
    public int? Epochs { get; }

    /// <summary>Trains the epochs given to the short form's constructor; see <see cref="Fit(int, string?)"/>.</summary>
    public History Fit() => Fit(Epochs ?? throw new InvalidOperationException(
        "Learner.Fit: this learner was made without epochs; call Fit(epochs), or make it with new Learner(model, train, valid, epochs)"));

    private static Adam DefaultOptimizer(Module model, double lr)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(lr > 0 && double.IsFinite(lr)))
            throw new ArgumentOutOfRangeException(nameof(lr), lr, $"Learner: lr must be > 0 and finite; got {lr}");
        return new Adam(model.Parameters(), lr);
    }

    private static OneCycle DefaultSchedule(DataLoader trainLoader, int epochs, double lr)
    {
        ArgumentNullException.ThrowIfNull(trainLoader);
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"Learner: epochs must be at least 1; got {epochs}");
        if (trainLoader.Count == 0)
            throw new ArgumentException($"Learner: the training loader yields no batches ({trainLoader.Dataset.Count} examples, batch size {trainLoader.BatchSize})", nameof(trainLoader));
        return OneCycle.Fastai((long)epochs * trainLoader.Count, maxLr: lr, cycleMomentum: true);
    }
}

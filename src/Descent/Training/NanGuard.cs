using System.Globalization;

namespace Descent.Training;

/// <summary>
/// Stops training as soon as a batch's loss (or an epoch's validation loss) is NaN or infinite, with a
/// message naming the epoch, the batch and the learning rate, e.g.
/// <c>training diverged: loss is NaN at epoch 3, batch 17 (lr 2.5)</c>. The diverged epoch is not recorded.
/// </summary>
/// <example><code>var learner = new Learner(model, train, valid, loss, opt, callbacks: [new NanGuard()]);</code></example>
public sealed class NanGuard : ICallback
{
    /// <inheritdoc/>
    public void OnBatchEnd(Learner learner, BatchResult batch)
    {
        if (double.IsFinite(batch.Loss)) return;
        learner.RequestStop(string.Create(CultureInfo.InvariantCulture,
            $"training diverged: loss is {Describe(batch.Loss)} at epoch {batch.Epoch}, batch {batch.Batch} (lr {batch.Lr:G6})"));
    }

    /// <inheritdoc/>
    public void OnEpochEnd(Learner learner, EpochRecord record)
    {
        if (record.ValidLoss is not double v || double.IsFinite(v)) return;
        learner.RequestStop(string.Create(CultureInfo.InvariantCulture,
            $"training diverged: valid_loss is {Describe(v)} at epoch {record.Epoch} (lr {record.Lr:G6})"));
    }

    private static string Describe(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}

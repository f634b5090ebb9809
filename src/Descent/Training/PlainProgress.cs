using System.Globalization;
using System.Text;

namespace Descent.Training;

/// <summary>
/// Writes one plain line per epoch and each message on its own line; nothing per batch, so it suits
/// logs, pipes and CI: <c>epoch 3/10  train_loss 0.1234  valid_loss 0.2345  accuracy 0.9612  lr 1.0e-03  2.1s</c>.
/// </summary>
/// <example><code>var learner = new Learner(model, train, valid, loss, opt, progress: new PlainProgress(Console.Out));</code></example>
public sealed class PlainProgress(TextWriter writer) : IProgressReporter
{
    private readonly TextWriter _writer = writer ?? throw new ArgumentNullException(nameof(writer));

    /// <inheritdoc/>
    public void OnFitBegin(FitInfo info) { }

    /// <inheritdoc/>
    public void OnBatch(BatchResult batch) { }

    /// <inheritdoc/>
    public void OnEpochEnd(EpochRecord record, int epochs) => _writer.WriteLine(Format(record, epochs));

    /// <inheritdoc/>
    public void OnMessage(string message) => _writer.WriteLine(message);

    /// <summary>The line written for <paramref name="record"/>: losses and metrics with 4 decimals, lr in scientific notation, seconds.</summary>
    public static string Format(EpochRecord record, int epochs)
    {
        ArgumentNullException.ThrowIfNull(record);
        var c = CultureInfo.InvariantCulture;
        var line = new StringBuilder();
        line.Append(c, $"epoch {record.Epoch}/{epochs}  train_loss {record.TrainLoss.ToString("F4", c)}");
        if (record.ValidLoss is double v) line.Append(c, $"  valid_loss {v.ToString("F4", c)}");
        foreach (var (name, value) in record.Metrics) line.Append(c, $"  {name} {value.ToString("F4", c)}");
        // Without validation the training metrics are all there is to show.
        if (record.Metrics.Count == 0)
            foreach (var (name, value) in record.TrainMetrics) line.Append(c, $"  train_{name} {value.ToString("F4", c)}");
        line.Append(c, $"  lr {record.Lr.ToString("0.0e+00", c)}  {record.Seconds.ToString("F1", c)}s");
        return line.ToString();
    }
}

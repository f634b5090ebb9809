namespace Descent.Training;

/// <summary>One row of a <see cref="History"/>: what one epoch of <see cref="Learner.Fit(int, string?)"/> measured.</summary>
/// <param name="Epoch">The epoch, counted from 1.</param>
/// <param name="TrainLoss">The training loss averaged over the epoch's examples (each batch weighted by its size).</param>
/// <param name="ValidLoss">The validation loss averaged over examples, or null without a validation loader.</param>
/// <param name="Metrics">Validation metrics by name (empty without a validation loader).</param>
/// <param name="TrainMetrics">The same metrics on the training batches, computed from the outputs in training mode.</param>
/// <param name="Lr">The first parameter group's learning rate at the end of the epoch.</param>
/// <param name="Seconds">Wall-clock time of the epoch, validation included.</param>
public sealed record EpochRecord(int Epoch, double TrainLoss, double? ValidLoss, IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double> TrainMetrics, double Lr, double Seconds)
{
    /// <summary>
    /// A value by the name callbacks monitor: <c>train_loss</c>, <c>valid_loss</c>, a metric's name (its
    /// validation value) or <c>train_</c> + a metric's name; null when this row does not record it.
    /// </summary>
    public double? Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == "train_loss") return TrainLoss;
        if (name == "valid_loss") return ValidLoss;
        if (Metrics.TryGetValue(name, out double v)) return v;
        if (name.StartsWith("train_", StringComparison.Ordinal) && TrainMetrics.TryGetValue(name["train_".Length..], out double t)) return t;
        return null;
    }

    /// <summary>Every name <see cref="Get"/> answers for this row.</summary>
    public IEnumerable<string> Names()
    {
        yield return "train_loss";
        if (ValidLoss.HasValue) yield return "valid_loss";
        foreach (var k in Metrics.Keys) yield return k;
        foreach (var k in TrainMetrics.Keys) yield return "train_" + k;
    }

    /// <summary>True when both rows hold the same values bit for bit, the time aside (which no seed fixes).</summary>
    public bool SameValues(EpochRecord other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Epoch == other.Epoch && Same(TrainLoss, other.TrainLoss) && ValidLoss.HasValue == other.ValidLoss.HasValue
            && (!ValidLoss.HasValue || Same(ValidLoss.Value, other.ValidLoss!.Value)) && Same(Lr, other.Lr)
            && SameMap(Metrics, other.Metrics) && SameMap(TrainMetrics, other.TrainMetrics);
    }

    private static bool Same(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

    private static bool SameMap(IReadOnlyDictionary<string, double> a, IReadOnlyDictionary<string, double> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out double v) && Same(kv.Value, v));
}

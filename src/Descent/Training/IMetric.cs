namespace Descent.Training;

/// <summary>
/// A metric accumulated over the batches of one pass (an epoch's training or validation batches):
/// <see cref="Reset"/>, then <see cref="Update"/> per batch, then <see cref="Compute"/>. Implement it to
/// add a metric; the <see cref="Learner"/> records it under <see cref="Name"/>.
/// </summary>
/// <example><code>
/// var accuracy = new Accuracy();
/// accuracy.Reset();
/// accuracy.Update(logits, labels);
/// double value = accuracy.Compute();
/// </code></example>
public interface IMetric
{
    /// <summary>The name recorded in the history and monitored by callbacks (e.g. <c>accuracy</c>); no spaces.</summary>
    string Name { get; }

    /// <summary>True when a larger value is better (accuracy), false when smaller is (an error).</summary>
    bool HigherIsBetter { get; }

    /// <summary>Forgets everything seen so far.</summary>
    void Reset();

    /// <summary>Adds one batch: the model's <paramref name="output"/> and the batch's <paramref name="target"/>.</summary>
    void Update(Tensor output, Tensor target);

    /// <summary>The metric over everything added since <see cref="Reset"/>; NaN when nothing was added.</summary>
    double Compute();
}

namespace Descent.Training;

/// <summary>
/// The fraction of examples whose true class is among the <see cref="K"/> highest-scoring classes, as Keras's
/// <c>top_k_categorical_accuracy</c> (through <c>in_top_k</c>): an example is right when fewer than k classes
/// score strictly higher than its class, so classes tied at the boundary all count as in the top k. A row
/// holding a NaN is wrong. Outputs <c>[N, C]</c>, class-index targets <c>[N]</c>; recorded as <c>top{k}_accuracy</c>.
/// </summary>
/// <example><code>var metrics = new IMetric[] { new Accuracy(), new TopKAccuracy(5) };</code></example>
public sealed class TopKAccuracy : IMetric
{
    private long _correct, _total;

    /// <summary>Creates the metric for the top <paramref name="k"/> classes (k ≥ 1).</summary>
    public TopKAccuracy(int k = 5)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, $"TopKAccuracy: k must be at least 1; got {k}");
        K = k;
    }

    /// <summary>How many of the best classes may hold the true one.</summary>
    public int K { get; }

    /// <inheritdoc/>
    public string Name => $"top{K}_accuracy";

    /// <inheritdoc/>
    public bool HigherIsBetter => true;

    /// <inheritdoc/>
    public void Reset() => (_correct, _total) = (0, 0);

    /// <inheritdoc/>
    public void Update(Tensor output, Tensor target)
    {
        var batch = ClassBatch.Of("TopKAccuracy", output, target);
        if (K > batch.Classes)
            throw new ArgumentException($"TopKAccuracy: k = {K} exceeds the {batch.Classes} classes of outputs {Shape.Format(output.Shape)}");
        var o = output.Data;
        for (int i = 0; i < batch.N; i++)
        {
            var row = o.Slice(i * batch.Classes, batch.Classes);
            float truth = row[batch.Targets[i]];
            int higher = 0;
            bool nan = float.IsNaN(truth);
            foreach (float v in row)
            {
                if (float.IsNaN(v)) nan = true;
                else if (v > truth) higher++;
            }
            if (!nan && higher < K) _correct++;
        }
        _total += batch.N;
    }

    /// <inheritdoc/>
    public double Compute() => _total == 0 ? double.NaN : (double)_correct / _total;
}

namespace Descent.Training;

/// <summary>
/// Mean absolute error (MAE): the mean of <c>|output − target|</c> over every element of every batch.
/// Outputs and targets must have the same number of elements per example and the same batch size
/// (so <c>[N]</c> against <c>[N, 1]</c> is accepted). Accumulated in double precision.
/// </summary>
/// <example><code>var learner = new Learner(model, train, valid, new MSELoss(), opt, metrics: [new MeanAbsoluteError()]);</code></example>
public sealed class MeanAbsoluteError : IMetric
{
    private double _sum;
    private long _count;

    /// <inheritdoc/>
    public string Name => "mae";

    /// <inheritdoc/>
    public bool HigherIsBetter => false;

    /// <inheritdoc/>
    public void Reset() => (_sum, _count) = (0, 0);

    /// <inheritdoc/>
    public void Update(Tensor output, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(target);
        if (output.Numel != target.Numel || output.Rank == 0 || target.Rank == 0 || output.Size(0) != target.Size(0))
            throw new ArgumentException($"MeanAbsoluteError: outputs and targets must hold the same elements per example; got {Shape.Format(output.Shape)} and {Shape.Format(target.Shape)}");
        var o = output.Data;
        var t = target.Data;
        double sum = 0;
        for (int i = 0; i < o.Length; i++) sum += Math.Abs((double)o[i] - t[i]);
        _sum += sum;
        _count += o.Length;
    }

    /// <inheritdoc/>
    public double Compute() => _count == 0 ? double.NaN : _sum / _count;
}

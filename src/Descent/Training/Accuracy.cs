namespace Descent.Training;

/// <summary>
/// The fraction of examples classified correctly. With outputs <c>[N, C]</c> (C ≥ 2) the predicted class
/// is the arg-max over classes, compared with class-index targets <c>[N]</c> (or <c>[N, 1]</c>). With
/// outputs <c>[N]</c> or <c>[N, 1]</c> it is binary: an output above <see cref="Threshold"/> predicts 1,
/// compared with 0/1 targets of the same size (use threshold 0 for logits, 0.5 for probabilities).
/// </summary>
/// <example><code>
/// var metrics = new IMetric[] { new Accuracy() };                 // multi-class logits
/// var binary = new Accuracy(threshold: 0f);                       // one logit per example
/// </code></example>
public sealed class Accuracy : IMetric
{
    private long _correct, _total;

    /// <summary>Creates the metric; <paramref name="threshold"/> applies to single-output (binary) models only.</summary>
    public Accuracy(float threshold = 0.5f)
    {
        if (!float.IsFinite(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"Accuracy: threshold must be finite; got {threshold}");
        Threshold = threshold;
    }

    /// <summary>Binary outputs above this value predict class 1.</summary>
    public float Threshold { get; }

    /// <inheritdoc/>
    public string Name => "accuracy";

    /// <inheritdoc/>
    public bool HigherIsBetter => true;

    /// <inheritdoc/>
    public void Reset() => (_correct, _total) = (0, 0);

    /// <inheritdoc/>
    public void Update(Tensor output, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(target);
        var (n, classes) = Layout(output, target);
        var o = output.Data;
        var t = target.Data;
        var predicted = classes == 1 ? null : output.ArgMax(1).Data.ToArray();
        long correct = 0;
        for (int i = 0; i < n; i++)
        {
            if (classes == 1)
            {
                if ((o[i] > Threshold ? 1f : 0f) == t[i]) correct++;
            }
            // ArgMax picks a NaN when the row has one; such a row predicts nothing, so it counts as wrong.
            else if (!float.IsNaN(o[i * classes + (int)predicted![i]]) && predicted[i] == t[i]) correct++;
        }
        _correct += correct;
        _total += n;
    }

    /// <inheritdoc/>
    public double Compute() => _total == 0 ? double.NaN : (double)_correct / _total;

    private static (int N, int Classes) Layout(Tensor output, Tensor target)
    {
        var os = output.Shape;
        var ts = target.Shape;
        bool targetIsColumn = ts.Length == 1 || (ts.Length == 2 && ts[1] == 1);
        if (os.Length == 1 || (os.Length == 2 && os[1] == 1))
        {
            if (targetIsColumn && ts[0] == os[0]) return (os[0], 1);
        }
        else if (os.Length == 2 && targetIsColumn && ts[0] == os[0]) return (os[0], os[1]);
        throw new ArgumentException($"Accuracy: expected outputs [N, C] with class-index targets [N], or outputs [N] / [N, 1] " +
            $"with 0/1 targets of the same size; got {Shape.Format(os)} and {Shape.Format(ts)}");
    }
}

namespace Descent.Training;

/// <summary>
/// A per-class score averaged over the classes with equal weight (macro), as scikit-learn's
/// <c>average="macro"</c>: over every class that occurs as an actual or a predicted class in the pass, a class
/// whose score divides by zero counting 0. The predicted class is each row's arg-max, from a
/// <see cref="ConfusionMatrix"/> kept inside.
/// </summary>
public abstract class MacroMetric : IMetric
{
    private readonly ConfusionMatrix _counts = new();

    private protected MacroMetric() { }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public bool HigherIsBetter => true;

    /// <inheritdoc/>
    public void Reset() => _counts.Reset();

    /// <inheritdoc/>
    public void Update(Tensor output, Tensor target) => _counts.Add(GetType().Name, output, target);

    /// <inheritdoc/>
    public double Compute()
    {
        var classes = _counts.Occurring().ToList();
        return classes.Count == 0 ? double.NaN : classes.Average(c => ZeroIfUndefined(Score(_counts, c)));
    }

    /// <summary>Class <paramref name="c"/>'s score from the counts; NaN where it divides by zero.</summary>
    private protected abstract double Score(ConfusionMatrix counts, int c);

    private static double ZeroIfUndefined(double score) => double.IsNaN(score) ? 0 : score;
}

/// <summary>Macro-averaged precision: per class, the share of its predictions that were right.</summary>
/// <example><code>var metrics = new IMetric[] { new Precision(), new Recall(), new F1Score() };</code></example>
public sealed class Precision : MacroMetric
{
    /// <inheritdoc/>
    public override string Name => "precision";

    private protected override double Score(ConfusionMatrix counts, int c) => counts.PrecisionOf(c);
}

/// <summary>Macro-averaged recall: per class, the share of its examples found.</summary>
/// <example><code>var metrics = new IMetric[] { new Recall() };</code></example>
public sealed class Recall : MacroMetric
{
    /// <inheritdoc/>
    public override string Name => "recall";

    private protected override double Score(ConfusionMatrix counts, int c) => counts.RecallOf(c);
}

/// <summary>Macro-averaged F1: per class, the harmonic mean of precision and recall, 2·TP / (2·TP + FP + FN).</summary>
/// <example><code>var metrics = new IMetric[] { new F1Score() };</code></example>
public sealed class F1Score : MacroMetric
{
    /// <inheritdoc/>
    public override string Name => "f1";

    private protected override double Score(ConfusionMatrix counts, int c)
    {
        long tp = counts[c, c];
        long wrong = counts.Actual(c) - tp + counts.Predicted(c) - tp;
        return 2 * tp + wrong == 0 ? double.NaN : 2.0 * tp / (2 * tp + wrong);
    }
}

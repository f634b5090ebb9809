using System.Globalization;
using System.Text;

namespace Descent.Training;

/// <summary>
/// Counts of (actual, predicted) class pairs over one pass, the predicted class being each row's arg-max. Pass
/// it to a <see cref="Learner"/> among the metrics and after <c>Fit</c> it holds the last validation pass (the
/// learner resets metrics before each pass); it prints as a table with each class's recall. As a metric it
/// records <c>balanced_accuracy</c>, the mean recall over the classes that occur. A row holding a NaN predicts
/// nothing: it counts in its class's total but in no column. <see cref="Precision"/>, <see cref="Recall"/>
/// and <see cref="F1Score"/> are read from the same counts.
/// </summary>
/// <example><code>
/// var confusion = new ConfusionMatrix();
/// var learner = new Learner(model, train, valid, epochs: 3, metrics: [new Accuracy(), confusion]);
/// learner.Fit();
/// Console.WriteLine(confusion);   // rows: actual, columns: predicted
/// </code></example>
public sealed class ConfusionMatrix : IMetric
{
    private long[,] _counts = new long[0, 0];
    private long[] _unpredicted = [];

    /// <summary>Creates the matrix; its size is the outputs' class count, fixed by the first batch after <see cref="Reset"/>.</summary>
    /// <param name="classNames">Names printed for the classes, or null for their numbers.</param>
    public ConfusionMatrix(IReadOnlyList<string>? classNames = null) => ClassNames = classNames;

    /// <summary>The names printed for the classes, or null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The classes seen (0 before the first batch).</summary>
    public int Classes => _counts.GetLength(0);

    /// <summary>How many examples of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => _counts[actual, predicted];

    /// <inheritdoc/>
    public string Name => "balanced_accuracy";

    /// <inheritdoc/>
    public bool HigherIsBetter => true;

    /// <inheritdoc/>
    public void Reset() => (_counts, _unpredicted) = (new long[0, 0], []);

    /// <inheritdoc/>
    public void Update(Tensor output, Tensor target) => Add("ConfusionMatrix", output, target);

    internal void Add(string metric, Tensor output, Tensor target)
    {
        var batch = ClassBatch.Of(metric, output, target);
        if (Classes == 0) (_counts, _unpredicted) = (new long[batch.Classes, batch.Classes], new long[batch.Classes]);
        else if (batch.Classes != Classes)
            throw new ArgumentException($"{metric}: this pass has {Classes} classes but outputs {Shape.Format(output.Shape)} have {batch.Classes}; call Reset between passes");
        var predicted = ClassBatch.Predictions(output, batch.N, batch.Classes);
        for (int i = 0; i < batch.N; i++)
        {
            if (predicted[i] < 0) _unpredicted[batch.Targets[i]]++;
            else _counts[batch.Targets[i], predicted[i]]++;
        }
    }

    /// <summary>Examples whose actual class is <paramref name="c"/>, predicted or not.</summary>
    public long Actual(int c)
    {
        long total = _unpredicted[c];
        for (int j = 0; j < Classes; j++) total += _counts[c, j];
        return total;
    }

    /// <summary>Examples predicted as class <paramref name="c"/>.</summary>
    public long Predicted(int c)
    {
        long total = 0;
        for (int i = 0; i < Classes; i++) total += _counts[i, c];
        return total;
    }

    /// <summary>Class <paramref name="c"/>'s recall, or NaN when no example has it.</summary>
    public double RecallOf(int c) => Ratio(_counts[c, c], Actual(c));

    /// <summary>Class <paramref name="c"/>'s precision, or NaN when nothing was predicted as it.</summary>
    public double PrecisionOf(int c) => Ratio(_counts[c, c], Predicted(c));

    private static double Ratio(long part, long whole) => whole == 0 ? double.NaN : (double)part / whole;

    /// <summary>The classes that occur as an actual or a predicted class: those a macro average runs over, as scikit-learn's.</summary>
    internal IEnumerable<int> Occurring() => Enumerable.Range(0, Classes).Where(c => Actual(c) > 0 || Predicted(c) > 0);

    /// <inheritdoc/>
    public double Compute()
    {
        var present = Enumerable.Range(0, Classes).Where(c => Actual(c) > 0).ToList();
        return present.Count == 0 ? double.NaN : present.Average(RecallOf);
    }

    /// <summary>The table: one row per actual class, one column per predicted class, and the row's recall.</summary>
    public override string ToString()
    {
        if (Classes == 0) return "confusion matrix: empty (no batch since Reset)";
        var c = CultureInfo.InvariantCulture;
        var names = Enumerable.Range(0, Classes).Select(i => ClassNames != null && i < ClassNames.Count ? ClassNames[i] : i.ToString(c)).ToArray();
        int label = Math.Max(6, names.Max(n => n.Length));
        int cell = Math.Max(5, Math.Max(names.Max(n => n.Length), _counts.Cast<long>().Max().ToString(c).Length) + 1);
        var text = new StringBuilder("confusion matrix (rows: actual, columns: predicted):\n");
        text.Append(new string(' ', label + 2)).AppendJoin("", names.Select(n => n.PadLeft(cell))).Append("  recall".PadLeft(9));
        for (int i = 0; i < Classes; i++)
        {
            double recall = RecallOf(i);
            string r = double.IsNaN(recall) ? "-" : (100 * recall).ToString("0.0", c) + "%";
            text.Append('\n').Append(names[i].PadLeft(label)).Append("  ")
                .AppendJoin("", Enumerable.Range(0, Classes).Select(j => _counts[i, j].ToString(c).PadLeft(cell))).Append(r.PadLeft(9));
        }
        return text.ToString();
    }
}

using Descent.Training;
using System.Globalization;

namespace Descent.Cli.Train;

/// <summary>A confusion matrix as text: one row per actual class, one column per predicted class, and each class's recall.</summary>
public static class ConfusionText
{
    /// <summary>Counts <c>[actual, predicted]</c> pairs.</summary>
    public static int[,] Count(int[] actual, int[] predicted, int classes)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        if (actual.Length != predicted.Length) throw new ArgumentException($"confusion: {actual.Length} actual classes but {predicted.Length} predictions");
        var counts = new int[classes, classes];
        for (int i = 0; i < actual.Length; i++) counts[actual[i], predicted[i]]++;
        return counts;
    }

    /// <summary>Writes the matrix with the model's class names.</summary>
    public static void Write(int[,] counts, ModelInfo info, TextWriter w)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(w);
        int k = counts.GetLength(0);
        var names = Enumerable.Range(0, k).Select(info.ClassName).ToArray();
        int label = Math.Max(6, names.Max(n => n.Length));
        int cell = Math.Max(5, Math.Max(names.Max(n => n.Length), counts.Cast<int>().Max().ToString(CultureInfo.InvariantCulture).Length) + 1);
        w.WriteLine("confusion matrix (rows: actual, columns: predicted):");
        w.WriteLine(new string(' ', label + 2) + string.Concat(names.Select(n => n.PadLeft(cell))) + "  recall".PadLeft(9));
        for (int i = 0; i < k; i++)
        {
            int total = 0;
            for (int j = 0; j < k; j++) total += counts[i, j];
            string recall = total == 0 ? "-" : (100.0 * counts[i, i] / total).ToString("0.0", CultureInfo.InvariantCulture) + "%";
            var row = Enumerable.Range(0, k).Select(j => counts[i, j].ToString(CultureInfo.InvariantCulture).PadLeft(cell));
            w.WriteLine(names[i].PadLeft(label) + "  " + string.Concat(row) + recall.PadLeft(9));
        }
    }
}

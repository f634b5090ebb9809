using ScottPlot;

namespace Descent.Plots;

/// <summary>The figures of a classifier: its confusion matrix and sample images with predicted labels.</summary>
/// <example><code>
/// ClassificationFigures.ConfusionMatrix(actual, predicted, ["0","1","2","3","4","5","6","7","8","9"]).Save("out/confusion");
/// ClassificationFigures.Digits(images, predicted, actual, columns: 8).Save("out/samples");
/// </code></example>
public static class ClassificationFigures
{
    /// <summary>Counts <c>counts[actual, predicted]</c> for class indices in [0, <paramref name="classes"/>).</summary>
    public static int[,] Confusion(int[] actual, int[] predicted, int classes)
    {
        const string name = nameof(Confusion);
        Check.NotEmpty(name, nameof(actual), actual);
        Check.SameLength(name, nameof(actual), actual, nameof(predicted), predicted);
        Check.Positive(name, nameof(classes), classes);
        var counts = new int[classes, classes];
        for (int i = 0; i < actual.Length; i++)
        {
            if ((uint)actual[i] >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(actual), actual[i], $"{name}: actual[{i}] must be in [0, {classes}); got {actual[i]}");
            if ((uint)predicted[i] >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(predicted), predicted[i], $"{name}: predicted[{i}] must be in [0, {classes}); got {predicted[i]}");
            counts[actual[i], predicted[i]]++;
        }
        return counts;
    }

    /// <summary>(k) The confusion matrix of actual against predicted classes.</summary>
    public static Figure ConfusionMatrix(int[] actual, int[] predicted, IReadOnlyList<string> labels)
    {
        Check.NotEmpty(nameof(ConfusionMatrix), nameof(labels), labels);
        return ConfusionMatrix(Confusion(actual, predicted, labels.Count), labels);
    }

    /// <summary>
    /// (k) A confusion matrix as a heatmap (rows: actual class, columns: predicted class) with each count written
    /// in its cell and the accuracy in the title.
    /// </summary>
    public static Figure ConfusionMatrix(int[,] counts, IReadOnlyList<string> labels)
    {
        const string name = nameof(ConfusionMatrix);
        ArgumentNullException.ThrowIfNull(counts);
        Check.NotEmpty(name, nameof(labels), labels);
        int n = labels.Count;
        if (counts.GetLength(0) != n || counts.GetLength(1) != n)
            throw new ArgumentException($"{name}: counts must be [{n}, {n}] for {n} labels; got [{counts.GetLength(0)}, {counts.GetLength(1)}]", nameof(counts));
        long total = 0, correct = 0;
        int max = 0;
        var intensities = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                int c = counts[i, j];
                if (c < 0) throw new ArgumentOutOfRangeException(nameof(counts), c, $"{name}: counts must be >= 0; got {c} at [{i}, {j}]");
                intensities[i, j] = c;
                total += c;
                if (i == j) correct += c;
                max = Math.Max(max, c);
            }

        var plot = Style.NewPlot();
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Reversed(new ScottPlot.Colormaps.Blues());  // ScottPlot's Blues runs dark to light
        heatmap.ManualRange = new ScottPlot.Range(0, Math.Max(1, max));
        // Row 0 (the first actual class) is drawn at the top, so actual class i sits at y = n - 1 - i.
        heatmap.Rectangle = new CoordinateRect(-0.5, n - 0.5, -0.5, n - 0.5);
        float fontSize = n <= 10 ? 14 : n <= 20 ? 10 : 7;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                var text = plot.Add.Text(counts[i, j].ToString(System.Globalization.CultureInfo.InvariantCulture), j, n - 1 - i);
                text.Alignment = Alignment.MiddleCenter;
                text.LabelFontSize = fontSize;
                // Dark text on pale cells, white on dark ones: the count stays readable at both ends of the map.
                text.LabelFontColor = counts[i, j] > max * 0.5 ? Colors.White : Colors.Black;
            }
        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, [.. labels]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            positions.Select(p => n - 1 - p).ToArray(), [.. labels]);
        plot.HideGrid();
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.Axes.SquareUnits();
        plot.Add.ColorBar(heatmap).Label = "count";
        double accuracy = total == 0 ? 0 : (double)correct / total;
        plot.Title($"Confusion matrix (accuracy {(accuracy * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}% of {total})");
        plot.XLabel("predicted");
        plot.YLabel("actual");
        return new Figure(plot, 760, 700);
    }

    /// <summary>
    /// (l) Sample images in a grid, each titled with its predicted label (and the true one when it differs); wrong
    /// predictions get a red frame and a red title. <paramref name="images"/> is [N, H, W], [N, 1, H, W] or
    /// [N, H·W] with a square H·W (MNIST's 784 = 28²).
    /// </summary>
    public static Figure Digits(Tensor images, int[] predicted, int[]? actual = null, int columns = 8,
        IReadOnlyList<string>? labels = null)
    {
        const string name = nameof(Digits);
        ArgumentNullException.ThrowIfNull(images);
        Check.Positive(name, nameof(columns), columns);
        var pictures = Images.Split(name, nameof(images), images);
        Check.NotEmpty(name, nameof(predicted), predicted);
        if (predicted.Length != pictures.Count)
            throw new ArgumentException($"{name}: predicted must have one label per image; got {predicted.Length} labels for {pictures.Count} images", nameof(predicted));
        if (actual is not null && actual.Length != pictures.Count)
            throw new ArgumentException($"{name}: actual must have one label per image; got {actual.Length} labels for {pictures.Count} images", nameof(actual));

        string Label(int c) => labels is not null && (uint)c < (uint)labels.Count ? labels[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tiles = new List<Heatmaps.Tile>(pictures.Count);
        int wrong = 0;
        for (int k = 0; k < pictures.Count; k++)
        {
            bool isWrong = actual is not null && actual[k] != predicted[k];
            if (isWrong) wrong++;
            string title = isWrong ? $"{Label(predicted[k])} (true {Label(actual![k])})" : Label(predicted[k]);
            tiles.Add(new Heatmaps.Tile(pictures[k], title, isWrong ? Style.Wrong : Style.Right, isWrong ? Style.Wrong : null));
        }
        var (low, high) = Images.Range(pictures);
        var plot = Style.NewPlot();
        int cols = Math.Min(columns, pictures.Count), rows = (pictures.Count + cols - 1) / cols;
        Heatmaps.Grid(plot, tiles, cols, new ScottPlot.Colormaps.GrayscaleReversed(), low, high);
        plot.Title(actual is null
            ? $"Predicted labels for {pictures.Count} images"
            : $"Predicted labels ({wrong} of {pictures.Count} wrong, framed in red)");
        return new Figure(plot, Math.Max(420, 110 * cols), 90 + 125 * rows);
    }
}

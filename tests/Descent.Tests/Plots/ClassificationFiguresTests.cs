using Descent.Plots;
using ScottPlot;

namespace Descent.Tests.Plots;

public class ClassificationFiguresTests
{
    private static readonly string[] DigitLabels = Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void ConfusionCountsActualAgainstPredicted()
    {
        var counts = ClassificationFigures.Confusion([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3);
        Assert.Equal(new int[,] { { 1, 1, 0 }, { 0, 1, 0 }, { 1, 0, 2 } }, counts);
    }

    [Fact]
    public void ConfusionRejectsLabelsOutOfRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationFigures.Confusion([0, 3], [0, 1], 3));
        Assert.Contains("Confusion: actual[1] must be in [0, 3); got 3", ex.Message);
    }

    [Fact]
    public void ConfusionMatrixShadesCellsByCountAndWritesEachCount()
    {
        var actual = Enumerable.Range(0, 500).Select(i => i % 10).ToArray();
        var predicted = actual.Select((a, i) => i % 7 == 0 ? (a + 1) % 10 : a).ToArray();
        var figure = ClassificationFigures.ConfusionMatrix(actual, predicted, DigitLabels);
        using var raster = Raster.Of(figure, 760, 700);
        raster.AssertHasContent();
        var plot = figure.Plots[0];
        // Actual class i is row i from the top (y = 9 - i); the diagonal is dark, an empty cell pale.
        var diagonal = plot.GetPixel(new Coordinates(3, 9 - 3));
        var empty = plot.GetPixel(new Coordinates(5, 9 - 2));
        var d = raster[(int)diagonal.X + 14, (int)diagonal.Y + 14];
        var e = raster[(int)empty.X + 14, (int)empty.Y + 14];
        Assert.True(d.Red + d.Green + d.Blue < 250, $"diagonal cell {d}");
        Assert.True(e.Red + e.Green + e.Blue > 600, $"empty cell {e}");
        // Each cell carries its count: black "0" text on the pale cell, white text on the dark one.
        int half = (int)Math.Abs(plot.GetPixel(new Coordinates(0.3, 0)).X - plot.GetPixel(new Coordinates(0, 0)).X);
        Assert.True(raster.DarkPixels((int)empty.X - half, (int)empty.Y - half, (int)empty.X + half, (int)empty.Y + half, 90) > 5);
        Assert.True(raster.Count(Colors.White, (int)diagonal.X - half, (int)diagonal.Y - half, (int)diagonal.X + half, (int)diagonal.Y + half, 90) > 5);
        var texts = plot.GetPlottables().OfType<ScottPlot.Plottables.Text>().Select(t => t.LabelText).ToList();
        Assert.Equal(100, texts.Count);
        Assert.Contains(ClassificationFigures.Confusion(actual, predicted, 10)[3, 3].ToString(System.Globalization.CultureInfo.InvariantCulture), texts);
    }

    [Fact]
    public void ConfusionMatrixNeedsOneLabelPerRow()
    {
        var ex = Assert.Throws<ArgumentException>(() => ClassificationFigures.ConfusionMatrix(new int[3, 3], ["a", "b"]));
        Assert.Contains("counts must be [2, 2] for 2 labels; got [3, 3]", ex.Message);
    }

    private static Tensor Strokes(int n)
    {
        // Synthetic 28x28 "digits": a vertical bar whose column depends on the image, ink 1 on 0.
        var data = new float[n * 28 * 28];
        for (int k = 0; k < n; k++)
            for (int i = 4; i < 24; i++)
                for (int j = 10 + k % 6; j < 14 + k % 6; j++)
                    data[k * 784 + i * 28 + j] = 1f;
        return Tensor.FromArray(data, n, 784);
    }

    [Fact]
    public void DigitsShowEachImageWithWrongOnesFramedInRed()
    {
        int n = 6;
        var images = Strokes(n);
        int[] actual = [0, 1, 2, 3, 4, 5], predicted = [0, 1, 7, 3, 4, 5];
        var figure = ClassificationFigures.Digits(images, predicted, actual, columns: 3);
        using var raster = Raster.Of(figure, 600, 500);
        raster.AssertHasContent(minColors: 4);
        var plot = figure.Plots[0];
        var red = Color.FromHex("#d62728");
        for (int k = 0; k < n; k++)
        {
            var (left, top) = Heatmaps.TileCorner(k, 3, 28, 28);
            var ink = plot.GetPixel(new Coordinates(left + 12 + k % 6 + 0.5, top - 14.5));
            var paper = plot.GetPixel(new Coordinates(left + 3.5, top - 14.5));
            Assert.True(raster.DarkPixels((int)ink.X - 1, (int)ink.Y - 1, (int)ink.X + 2, (int)ink.Y + 2, 60) > 0, $"ink of image {k}");
            Assert.Equal(0, raster.DarkPixels((int)paper.X - 1, (int)paper.Y - 1, (int)paper.X + 2, (int)paper.Y + 2, 200));
            var frame = plot.GetPixel(new Coordinates(left - 0.5, top - 14));
            Assert.Equal(k == 2, raster.HasNear(frame, red, 2, 40));
        }
        var titles = plot.GetPlottables().OfType<ScottPlot.Plottables.Text>().Select(t => t.LabelText).ToList();
        Assert.Equal(["0", "1", "7 (true 2)", "3", "4", "5"], titles);
    }

    [Fact]
    public void DigitsAcceptImageShapedTensorsAndNeedOneLabelPerImage()
    {
        var images = Strokes(4).Reshape(4, 1, 28, 28);
        using (var raster = Raster.Of(ClassificationFigures.Digits(images, [1, 2, 3, 4]), 500, 300)) raster.AssertTitleDrawn();
        var ex = Assert.Throws<ArgumentException>(() => ClassificationFigures.Digits(images, [1, 2, 3]));
        Assert.Contains("Digits: predicted must have one label per image; got 3 labels for 4 images", ex.Message);
        var shape = Assert.Throws<ArgumentException>(() => ClassificationFigures.Digits(Tensor.Zeros(2, 3, 5, 5), [1, 2]));
        Assert.Contains("got [2, 3, 5, 5]", shape.Message);
    }
}

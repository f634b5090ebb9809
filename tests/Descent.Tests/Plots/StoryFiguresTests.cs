using Descent.Plots;
using ScottPlot;

namespace Descent.Tests.Plots;

public class StoryFiguresTests
{
    private static readonly Color Blue = Color.FromHex("#1f77b4");
    private static readonly Color Orange = Color.FromHex("#ff7f0e");
    private static readonly Color Green = Color.FromHex("#2ca02c");

    private static double[] Grid(int n) => [.. Enumerable.Range(0, n).Select(i => -Math.PI + 2 * Math.PI * i / (n - 1))];

    private static (double[] X, double[] Y) SinPoints()
    {
        var rng = new Random(3);
        var x = Enumerable.Range(0, 120).Select(_ => -Math.PI + 2 * Math.PI * rng.NextDouble()).ToArray();
        return (x, [.. x.Select(v => Math.Sin(v) + 0.05 * (rng.NextDouble() - 0.5))]);
    }

    [Fact]
    public void FitComparisonDrawsThePointsAndEachCurveWhereThePlotMapsThem()
    {
        var (x, y) = SinPoints();
        var grid = Grid(101);
        double[] line = [.. grid.Select(g => 0.3 * g)], curve = [.. grid.Select(Math.Sin)];
        var figure = StoryFigures.FitComparison(x, y, [new Series("line", line, grid), new Series("MLP", curve, grid)]);
        using var raster = Raster.Of(figure);
        raster.AssertHasContent();
        var plot = figure.Plots[0];
        // Away from where the line and the sine cross, each curve has its own colour at its own height.
        foreach (var at in new[] { -2.0, -1.2, 1.2, 2.0 })
        {
            Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(at, 0.3 * at)), Orange), $"line missing at x = {at}");
            Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(at, Math.Sin(at))), Green), $"curve missing at x = {at}");
            Assert.False(raster.HasNear(plot.GetPixel(new Coordinates(at, 0.3 * at)), Green, 1), $"curve drawn on the line at x = {at}");
        }
        int seen = Enumerable.Range(0, x.Length).Count(i => raster.HasNear(plot.GetPixel(new Coordinates(x[i], y[i])), Blue, 1));
        Assert.True(seen >= x.Length / 3, $"only {seen} of {x.Length} points visible");
        var legend = plot.GetPlottables().SelectMany(p => p.LegendItems).Select(i => i.LabelText).ToList();
        Assert.Equal(["data (120 points)", "line", "MLP"], legend);
    }

    [Fact]
    public void FitComparisonRejectsCurvesWithoutInputsAndMismatchedData()
    {
        var (x, y) = SinPoints();
        var noX = Assert.Throws<ArgumentException>(() => StoryFigures.FitComparison(x, y, [new Series("MLP", [1, 2, 3])]));
        Assert.Contains("FitComparison: series 'MLP' needs X", noX.Message);
        var lengths = Assert.Throws<ArgumentException>(() => StoryFigures.FitComparison(x, y[..5], [new Series("MLP", [1, 2], [0, 1])]));
        Assert.Contains("FitComparison", lengths.Message);
        Assert.ThrowsAny<ArgumentException>(() => StoryFigures.FitComparison(x, y, []));
        var nan = Assert.ThrowsAny<ArgumentException>(() => StoryFigures.FitComparison(x, y, [new Series("MLP", [1, double.NaN], [0, 1])]));
        Assert.Contains("MLP", nan.Message);
    }

    [Fact]
    public void ScheduleComparisonDrawsEachRateOnALinearAxis()
    {
        double[] constant = [.. Enumerable.Repeat(0.01, 100)];
        double[] rising = [.. Enumerable.Range(0, 100).Select(i => 0.03 * i / 99)];
        var figure = StoryFigures.ScheduleComparison([new Series("constant", constant), new Series("warm-up", rising)]);
        using var raster = Raster.Of(figure);
        raster.AssertHasContent();
        var plot = figure.Plots[0];
        foreach (var step in new[] { 10, 50, 90 })
        {
            Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(step, 0.01)), Blue), $"constant at {step}");
            Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(step, rising[step])), Orange), $"warm-up at {step}");
        }
        Assert.Contains("step", plot.Axes.Bottom.Label.Text);
        Assert.Equal("learning rate", plot.Axes.Left.Label.Text);
    }

    [Fact]
    public void LossComparisonUsesALogAxisAndTheGivenTitle()
    {
        double[] fast = [.. Enumerable.Range(0, 50).Select(i => Math.Pow(0.8, i))];
        double[] slow = [.. Enumerable.Range(0, 50).Select(i => Math.Pow(0.95, i))];
        var figure = StoryFigures.LossComparison([new Series("fast", fast), new Series("slow", slow)], "Two runs");
        using var raster = Raster.Of(figure);
        raster.AssertHasContent();
        var plot = figure.Plots[0];
        Assert.Equal("Two runs", plot.Axes.Title.Label.Text);
        Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(30, Math.Log10(fast[30]))), Blue), "fast run on the log axis");
        Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(30, Math.Log10(slow[30]))), Orange), "slow run on the log axis");
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => StoryFigures.LossComparison([new Series("bad", [1, 0])], "t"));
        Assert.Contains("LossComparison: a log axis needs positive values; 'bad' has 0 at index 1", ex.Message);
    }
}

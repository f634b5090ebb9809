using Descent.Plots;
using ScottPlot;

namespace Descent.Tests.Plots;

public class TutorialFiguresTests
{
    // The tutorial's data: 50 points around y = 3x + 8, with a fixed seed.
    private static (double[] X, double[] Y) Points()
    {
        var rng = new Random(7);
        var x = Enumerable.Range(0, 50).Select(_ => rng.NextDouble() * 10).ToArray();
        var y = x.Select(v => 3 * v + 8 + (rng.NextDouble() - 0.5) * 4).ToArray();
        return (x, y);
    }

    private static Color Hex(string hex) => Color.FromHex(hex);

    [Fact]
    public void FittedLineAndPointsAreDrawnWhereThePlotMapsThem()
    {
        var (x, y) = Points();
        var fitted = new LineParams(2.9, 8.4);
        var figure = TutorialFigures.PointsAndFit(x, y, new LineParams(3, 8), fitted);
        using var raster = Raster.Of(figure);
        raster.AssertHasContent();
        var plot = figure.Plots[0];
        foreach (var at in new[] { 1.0, 3.0, 5.0, 7.0, 9.0 })
        {
            if (at < x.Min() || at > x.Max()) continue;
            Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(at, fitted.At(at))), Hex("#d62728")), $"fitted line missing at x = {at}");
        }
        int pointsSeen = Enumerable.Range(0, x.Length).Count(i => raster.HasNear(plot.GetPixel(new Coordinates(x[i], y[i])), Hex("#1f77b4"), 1));
        Assert.True(pointsSeen >= 45, $"only {pointsSeen} of 50 points visible");
        // A point far from any line: the fit colour must not be there.
        var empty = plot.GetPixel(new Coordinates(x.Min(), fitted.At(x.Min()) + 15));
        Assert.False(raster.HasNear(empty, Hex("#d62728"), 1));
    }

    [Fact]
    public void TitleTextChangesTheTitleBand()
    {
        var (x, y) = Points();
        using var with = Raster.Of(TutorialFigures.PointsAndFit(x, y, new LineParams(3, 8), new LineParams(3, 8), "A title"));
        using var without = Raster.Of(TutorialFigures.PointsAndFit(x, y, new LineParams(3, 8), new LineParams(3, 8), ""));
        int differing = 0;
        for (int py = 0; py < 30; py++)
            for (int px = 0; px < with.Width; px++)
                if (with[px, py] != without[px, py]) differing++;
        Assert.True(differing > 50, $"title changed only {differing} pixels");
        with.AssertTitleDrawn();
    }

    [Fact]
    public void AxisLabelsAreDrawnBelowTheDataArea()
    {
        var (x, y) = Points();
        var figure = TutorialFigures.PointsAndFit(x, y, new LineParams(3, 8), new LineParams(3, 8));
        using var raster = Raster.Of(figure);
        var data = figure.Plots[0].LastRender.DataRect;
        int dark = raster.DarkPixels((int)data.Left, (int)data.Bottom + 4, (int)data.Right, raster.Height);
        Assert.True(dark > 100, $"tick labels and x label: {dark} dark pixels");
    }

    [Fact]
    public void GuessesShowEachLineAndItsMseInTheLegend()
    {
        var (x, y) = Points();
        var figure = TutorialFigures.Guesses(x, y, new LineParams(0, 0), new LineParams(1, 1));
        using var raster = Raster.Of(figure);
        raster.AssertHasContent();
        var plot = figure.Plots[0];
        Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(5, 0)), Hex("#ff7f0e")));
        Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(5, 6)), Hex("#2ca02c")));
        var legend = plot.GetPlottables().SelectMany(p => p.LegendItems).Select(i => i.LabelText).ToList();
        double mse00 = y.Select(v => v * v).Average();
        Assert.Contains(legend, l => l.Contains("a = 0, b = 0") && l.Contains($"MSE {mse00.ToString("g4", System.Globalization.CultureInfo.InvariantCulture)}"));
        Assert.Contains(legend, l => l.Contains("a = 1, b = 1"));
    }

    [Fact]
    public void MseMatchesItsDefinition()
    {
        double[] x = [0, 1, 2], y = [1, 3, 7];
        // (0·0+1−1)² + (2·1+1−3)² + (2·2+1−7)² = 0 + 0 + 4 → 4/3
        Assert.Equal(4.0 / 3, LossSurface.Mse(x, y, 2, 1), 12);
    }

    [Fact]
    public void DiagonalMinimumIsTheLowestLossAlongAEqualsB()
    {
        var (x, y) = Points();
        double best = TutorialFigures.DiagonalMinimum(x, y);
        double lossAtBest = LossSurface.Mse(x, y, best, best);
        foreach (var d in new[] { -0.01, 0.01, -1, 1 })
            Assert.True(LossSurface.Mse(x, y, best + d, best + d) > lossAtBest);
        var figure = TutorialFigures.LossAlongDiagonal(x, y, -2, 10);
        using var raster = Raster.Of(figure);
        raster.AssertHasContent();
        Assert.True(raster.HasNear(figure.Plots[0].GetPixel(new Coordinates(best, lossAtBest)), Color.FromHex("#d62728"), 1));
        Assert.True(raster.HasNear(figure.Plots[0].GetPixel(new Coordinates(-1, LossSurface.Mse(x, y, -1, -1))), Color.FromHex("#1f77b4")));
    }

    [Fact]
    public void LossSurfaceGridIsIndexedRowsByBColumnsByA()
    {
        var (x, y) = Points();
        var s = LossSurface.Mse(x, y, -1, 5, 0, 12, 7);
        Assert.Equal(7, s.A.Length);
        Assert.Equal(-1, s.A[0]);
        Assert.Equal(12, s.B[^1]);
        Assert.Equal(LossSurface.Mse(x, y, s.A[2], s.B[5]), s.Loss[5, 2]);
    }

    private static ParamPath Walk(double[] x, double[] y, double lr, int steps, string name)
    {
        var a = new List<double> { 0 };
        var b = new List<double> { 0 };
        for (int s = 0; s < steps; s++)
        {
            double ga = 0, gb = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double r = a[^1] * x[i] + b[^1] - y[i];
                ga += 2 * r * x[i] / x.Length;
                gb += 2 * r / x.Length;
            }
            a.Add(a[^1] - lr * ga);
            b.Add(b[^1] - lr * gb);
        }
        return new ParamPath(name, [.. a], [.. b]);
    }

    [Fact]
    public void LandscapeShowsTheHeatmapContoursAndThePath()
    {
        var (x, y) = Points();
        var surface = LossSurface.Mse(x, y, -2, 8, -4, 16, 61);
        var path = Walk(x, y, 0.02, 60, "lr = 0.02");
        var figure = TutorialFigures.Landscape(surface, path);
        using var raster = Raster.Of(figure);
        raster.AssertHasContent(minColors: 60);
        var plot = figure.Plots[0];
        // The heatmap's colour at the minimum differs from a corner's: the loss is drawn, not a flat fill.
        var low = plot.GetPixel(new Coordinates(3, 8));
        var high = plot.GetPixel(new Coordinates(-1.9, -3.9));
        Assert.NotEqual(raster[(int)low.X, (int)low.Y], raster[(int)high.X, (int)high.Y]);
        for (int i = 1; i < 5; i++)
            Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(path.A[i], path.B[i])), Color.FromHex("#d62728")), $"path step {i} missing");
        var data = plot.LastRender.DataRect;
        int contourPixels = raster.Count(Colors.White, (int)data.Left, (int)data.Top, (int)data.Right, (int)data.Bottom, tolerance: 200);
        Assert.True(contourPixels > 200, $"contour lines: {contourPixels} pale pixels");
    }

    [Fact]
    public void LearningRatePathsDrawEachRateIncludingTheOneThatLeaves()
    {
        var (x, y) = Points();
        var surface = LossSurface.Mse(x, y, -2, 8, -4, 16, 41);
        ParamPath[] paths = [Walk(x, y, 0.001, 50, "too small"), Walk(x, y, 0.02, 50, "right"), Walk(x, y, 0.07, 50, "too large")];
        Assert.True(double.IsInfinity(paths[2].A[^1]) || Math.Abs(paths[2].A[^1]) > 1e6, "the large rate must diverge for this test");
        var figure = TutorialFigures.LearningRatePaths(surface, paths);
        using var raster = Raster.Of(figure);
        raster.AssertHasContent(minColors: 60);
        var plot = figure.Plots[0];
        // The paths overlap near the start, so each colour is looked for over the data area and at the last step.
        var data = plot.LastRender.DataRect;
        foreach (var hex in new[] { "#ff7f0e", "#2ca02c", "#d62728" })
        {
            int seen = raster.Count(Color.FromHex(hex), (int)data.Left, (int)data.Top, (int)data.Right, (int)data.Bottom, tolerance: 40);
            Assert.True(seen > 30, $"path colour {hex}: {seen} pixels");
        }
        Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(paths[1].A[^1], paths[1].B[^1])), Color.FromHex("#2ca02c")));
        // The diverging path's first segment leaves the view; its pixels lie between the start and the edge.
        Assert.True(paths[2].A[1] > 8, "the large rate's first step must leave the surface");
        double t = 0.5 * 8 / paths[2].A[1];
        var mid = plot.GetPixel(new Coordinates(paths[2].A[1] * t, paths[2].B[1] * t));
        Assert.True(raster.HasNear(mid, Color.FromHex("#d62728"), 3));
    }

    [Fact]
    public void LearningRateLossesUseALogAxisAndCutADivergingRun()
    {
        double[] small = [100, 80, 64, 51], right = [100, 10, 1, 0.1], large = [100, 1e4, 1e8, double.PositiveInfinity];
        var figure = TutorialFigures.LearningRateLosses([new Series("small", small), new Series("right", right), new Series("large", large)]);
        using var raster = Raster.Of(figure);
        raster.AssertHasContent();
        var plot = figure.Plots[0];
        Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(2, Math.Log10(1))), Color.FromHex("#ff7f0e")));
        Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(2, Math.Log10(64))), Color.FromHex("#1f77b4")));
        var legend = plot.GetPlottables().SelectMany(p => p.LegendItems).Select(i => i.LabelText).ToList();
        Assert.Contains("large (diverged at 3)", legend);
        // The view stops a decade above the highest start, so the small and right runs keep their resolution.
        Assert.True(plot.Axes.GetLimits().Top < 3.2);
    }

    [Fact]
    public void MismatchedPointsThrowNamingTheFigureAndBothLengths()
    {
        var ex = Assert.Throws<ArgumentException>(() => TutorialFigures.PointsAndFit([1, 2, 3], [1, 2], new LineParams(1, 1), new LineParams(1, 1)));
        Assert.Contains("PointsAndFit: x and y must have the same length; got 3 and 2", ex.Message);
    }

    [Fact]
    public void LandscapeRejectsAMisShapedSurface()
    {
        var bad = new LossSurface([0, 1, 2], [0, 1], new double[3, 2]);
        var ex = Assert.Throws<ArgumentException>(() => TutorialFigures.Landscape(bad));
        Assert.Contains("Loss must be [B.Length, A.Length] = [2, 3]; got [3, 2]", ex.Message);
    }
}

using Descent.Optim.Schedules;
using Descent.Plots;
using ScottPlot;

namespace Descent.Tests.Plots;

public class TrainingFiguresTests
{
    private static readonly Color Blue = Color.FromHex("#1f77b4"), Orange = Color.FromHex("#ff7f0e"),
        Green = Color.FromHex("#2ca02c"), Red = Color.FromHex("#d62728"), Grey = Color.FromHex("#7f7f7f");

    private static TrainingCurves Overfitting()
    {
        var train = Enumerable.Range(0, 20).Select(e => 2 * Math.Exp(-e / 4.0) + 0.05).ToArray();
        var valid = Enumerable.Range(0, 20).Select(e => 2 * Math.Exp(-e / 4.0) + 0.1 + 0.01 * Math.Max(0, e - 8) * Math.Max(0, e - 8)).ToArray();
        var accuracy = valid.Select(v => 1 - v / 2.5).ToArray();
        return new TrainingCurves(train, valid, accuracy, "accuracy", StopEpoch: 9);
    }

    [Fact]
    public void TrainingCurvesDrawBothLossesTheMetricAndTheStopInTwoPanels()
    {
        var curves = Overfitting();
        var figure = TrainingFigures.Curves(curves);
        Assert.Equal(2, figure.Plots.Count);
        using var raster = Raster.Of(figure, 800, 900);
        raster.AssertHasContent();
        var (loss, metric) = (figure.Plots[0], figure.Plots[1]);
        Assert.True(raster.HasNear(loss.GetPixel(new Coordinates(15, curves.TrainLoss[14])), Blue));
        Assert.True(raster.HasNear(loss.GetPixel(new Coordinates(15, curves.ValidLoss[14])), Orange));
        Assert.True(raster.HasNear(metric.GetPixel(new Coordinates(4, curves.Metric![3])), Green));
        Assert.True(metric.LastRender.DataRect.Top > loss.LastRender.DataRect.Bottom, "the metric panel is below the loss panel");
        // The early-stopping line runs the height of both panels at epoch 9; the marker sits on the validation loss.
        foreach (var plot in figure.Plots)
        {
            var rect = plot.LastRender.DataRect;
            int x = (int)Math.Round(plot.GetPixel(new Coordinates(9, 0)).X);
            int grey = raster.Count(Grey, x - 1, (int)rect.Top, x + 2, (int)rect.Bottom, tolerance: 50);
            Assert.True(grey > rect.Height * 0.3, $"stop line: {grey} grey pixels");
        }
        Assert.True(raster.HasNear(loss.GetPixel(new Coordinates(9, curves.ValidLoss[8])), Red));
    }

    [Fact]
    public void TrainingCurvesWithoutAMetricHaveOnePanel()
    {
        var c = Overfitting() with { Metric = null, StopEpoch = null };
        var figure = TrainingFigures.Curves(c);
        Assert.Single(figure.Plots);
        using var raster = Raster.Of(figure);
        raster.AssertHasContent();
    }

    [Fact]
    public void StopEpochOutsideTheCurvesThrows()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingFigures.Curves(Overfitting() with { StopEpoch = 21 }));
        Assert.Contains("StopEpoch must be in [1, 20]; got 21", ex.Message);
    }

    [Fact]
    public void LrFinderCurveIsOnALogXAxisWithTheSuggestionMarked()
    {
        var lrs = Enumerable.Range(0, 60).Select(i => 1e-6 * Math.Pow(1e7, i / 60.0)).ToArray();
        var losses = lrs.Select(l => 2.3 - 1.5 / (1 + Math.Exp(-(Math.Log10(l) + 3) * 2))).ToArray();
        losses[^1] = double.NaN;  // the sweep diverged
        var figure = TrainingFigures.LrFinderCurve(lrs, losses, 1e-3);
        using var raster = Raster.Of(figure);
        raster.AssertHasContent();
        var plot = figure.Plots[0];
        Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(-3, 2.3 - 0.75)), Red, 3));
        Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(Math.Log10(lrs[40]), losses[40])), Blue));
        var limits = plot.Axes.GetLimits();
        Assert.InRange(limits.Left, -6.5, -6);
        Assert.InRange(limits.Right, 0.8, 1.5);
        var labels = plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label).ToList();
        Assert.Contains("1e-6", labels);
        Assert.Contains("0.01", labels);
        Assert.Contains("1", labels);
    }

    [Fact]
    public void ScheduleCurveDrawsRateAndMomentumInTwoPanels()
    {
        var schedule = OneCycle.Fastai(totalSteps: 100, maxLr: 0.1);
        var figure = TrainingFigures.ScheduleCurve(schedule, 101, 0.1);
        Assert.Equal(2, figure.Plots.Count);
        using var raster = Raster.Of(figure, 800, 800);
        raster.AssertHasContent();
        foreach (var step in new[] { 10, 25, 60, 90 })
        {
            Assert.True(raster.HasNear(figure.Plots[0].GetPixel(new Coordinates(step, schedule.Lr(step, 0.1))), Blue), $"lr at {step}");
            Assert.True(raster.HasNear(figure.Plots[1].GetPixel(new Coordinates(step, schedule.Momentum(step)!.Value)), Orange), $"momentum at {step}");
        }
    }

    [Fact]
    public void ScheduleWithoutMomentumHasOnePanel()
    {
        var figure = TrainingFigures.ScheduleCurve(new CosineAnnealing(tMax: 50), 51, 0.01);
        Assert.Single(figure.Plots);
        using var raster = Raster.Of(figure);
        raster.AssertHasContent();
    }

    [Fact]
    public void OptimizerComparisonDrawsEveryNamedSeries()
    {
        Series[] runs =
        [
            new("SGD", Enumerable.Range(0, 30).Select(i => 2.0 * Math.Pow(0.95, i)).ToArray()),
            new("Adam", Enumerable.Range(0, 30).Select(i => 2.0 * Math.Pow(0.85, i)).ToArray()),
            new("RMSprop", Enumerable.Range(0, 30).Select(i => 2.0 * Math.Pow(0.9, i)).ToArray()),
        ];
        var figure = TrainingFigures.OptimizerComparison(runs);
        using var raster = Raster.Of(figure);
        raster.AssertHasContent();
        var plot = figure.Plots[0];
        Color[] colors = [Blue, Orange, Green];
        for (int k = 0; k < runs.Length; k++)
            Assert.True(raster.HasNear(plot.GetPixel(new Coordinates(20, Math.Log10(runs[k].Y[20]))), colors[k]), runs[k].Name);
        var legend = plot.GetPlottables().SelectMany(p => p.LegendItems).Select(i => i.LabelText);
        Assert.Equal(["SGD", "Adam", "RMSprop"], legend);
    }

    [Fact]
    public void LogAxisRejectsNonPositiveLosses()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingFigures.OptimizerComparison([new Series("SGD", [1, 0.5, 0])]));
        Assert.Contains("OptimizerComparison: a log axis needs positive values; 'SGD' has 0 at index 2", ex.Message);
    }
}

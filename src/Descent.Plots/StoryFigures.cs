using ScottPlot;

namespace Descent.Plots;

/// <summary>
/// The figures of the tutorial's second half that compare several models or runs on one panel: fitted curves
/// over the data (a line cannot bend, a network can), several schedules' learning rates, several runs' losses.
/// </summary>
/// <example><code>
/// var grid = Enumerable.Range(0, 101).Select(i => -Math.PI + 2 * Math.PI * i / 100).ToArray();
/// StoryFigures.FitComparison(x, y, [new Series("line", lineAt, grid), new Series("MLP", mlpAt, grid)]).Save("out/fits");
/// StoryFigures.ScheduleComparison([new Series("constant", constant), new Series("one-cycle", oneCycle)]).Save("out/lrs");
/// </code></example>
public static class StoryFigures
{
    /// <summary>
    /// The points (x, y) with each model's predictions drawn as a curve over the series' X (its own grid, which
    /// need not be the data's x); the curves take the palette's colours after the points' blue.
    /// </summary>
    public static Figure FitComparison(double[] x, double[] y, IReadOnlyList<Series> fits,
        string title = "One data set, several fitted models")
    {
        const string name = nameof(FitComparison);
        Check.NotEmpty(name, nameof(x), x);
        Check.SameLength(name, nameof(x), x, nameof(y), y);
        Check.Finite(name, nameof(x), x);
        Check.Finite(name, nameof(y), y);
        Check.NotEmpty(name, nameof(fits), fits);
        var plot = Style.NewPlot();
        var points = plot.Add.ScatterPoints(x, y, Style.Points);
        points.MarkerSize = 5;
        points.LegendText = $"data ({x.Length} points)";
        for (int i = 0; i < fits.Count; i++)
        {
            var fit = fits[i] ?? throw new ArgumentNullException(nameof(fits), $"{name}: fits[{i}] is null");
            if (fit.X is null) throw new ArgumentException($"{name}: series '{fit.Name}' needs X, the inputs its predictions belong to", nameof(fits));
            Check.Finite(name, $"series '{fit.Name}' Y", fit.Y);
            var (curve, _) = SeriesPanel.Add(name, plot, fit, Style.Series(i + 1), logY: false);
            curve.LineWidth = 3;
        }
        plot.Title(title);
        plot.XLabel("x");
        plot.YLabel("y");
        plot.ShowLegend(Alignment.UpperLeft);
        return new Figure(plot, Style.Width, Style.Height);
    }

    /// <summary>Several schedules' learning rate per step on one panel (a linear axis: the shapes are the point).</summary>
    public static Figure ScheduleComparison(IReadOnlyList<Series> lrs, string title = "Learning rate per step")
    {
        const string name = nameof(ScheduleComparison);
        Check.NotEmpty(name, nameof(lrs), lrs);
        foreach (var s in lrs)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(lrs));
            Check.Finite(name, $"series '{s.Name}'", s.Y);
        }
        return SeriesPanel.Draw(name, lrs, title, "step", "learning rate", logY: false);
    }

    /// <summary>Several runs' loss per step on one panel, on a log y-axis unless told otherwise.</summary>
    public static Figure LossComparison(IReadOnlyList<Series> losses, string title, bool logY = true) =>
        SeriesPanel.Draw(nameof(LossComparison), losses, title, "step", logY ? "loss (log scale)" : "loss", logY);
}

using ScottPlot;

namespace Descent.Plots;

/// <summary>
/// The figures of the linear-regression tutorial: the data and the fitted line, two first guesses, the loss
/// along a = b, the loss landscape with gradient descent's path, and what the learning rate does to that path.
/// </summary>
/// <example><code>
/// TutorialFigures.PointsAndFit(x, y, new LineParams(3, 8), new LineParams(2.96, 8.1)).Save("out/fit");
/// TutorialFigures.Guesses(x, y, new LineParams(0, 0), new LineParams(1, 1)).Save("out/guesses");
/// </code></example>
public static class TutorialFigures
{
    /// <summary>(a) The points with the true line and the fitted line.</summary>
    public static Figure PointsAndFit(double[] x, double[] y, LineParams truth, LineParams fitted,
        string title = "The data, the true line and the fitted line")
    {
        const string name = nameof(PointsAndFit);
        CheckPoints(name, x, y);
        var plot = Style.NewPlot();
        AddPoints(plot, x, y);
        AddLine(plot, x, truth, $"true: {truth}", Style.Truth, LinePattern.Dashed);
        AddLine(plot, x, fitted, $"fitted: {fitted}", Style.Fit, LinePattern.Solid);
        Finish(plot, title);
        return new Figure(plot, Style.Width, Style.Height);
    }

    /// <summary>(b) Guessed lines over the points, each with its MSE in the legend (the tutorial's (0,0) and (1,1)).</summary>
    public static Figure Guesses(double[] x, double[] y, params LineParams[] guesses)
    {
        const string name = nameof(Guesses);
        CheckPoints(name, x, y);
        Check.NotEmpty(name, nameof(guesses), guesses);
        var plot = Style.NewPlot();
        AddPoints(plot, x, y);
        for (int i = 0; i < guesses.Length; i++)
        {
            var g = guesses[i];
            AddLine(plot, x, g, $"guess {g}: MSE {Style.Number(LossSurface.Mse(x, y, g.A, g.B))}", Style.Series(i + 1), LinePattern.Solid);
        }
        Finish(plot, "First guesses and their mean squared error");
        return new Figure(plot, Style.Width, Style.Height);
    }

    /// <summary>
    /// (c) The MSE along the diagonal a = b = t for t from <paramref name="from"/> to <paramref name="to"/>,
    /// with its minimum marked (found exactly: along a = b the MSE is a parabola in t).
    /// </summary>
    public static Figure LossAlongDiagonal(double[] x, double[] y, double from, double to, int samples = 201)
    {
        const string name = nameof(LossAlongDiagonal);
        CheckPoints(name, x, y);
        if (!(to > from) || !double.IsFinite(from) || !double.IsFinite(to))
            throw new ArgumentOutOfRangeException(nameof(to), to, $"{name}: to must be finite and > from ({from}); got {to}");
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), samples, $"{name}: samples must be >= 2; got {samples}");
        var t = new double[samples];
        var loss = new double[samples];
        for (int i = 0; i < samples; i++)
        {
            t[i] = from + (to - from) * i / (samples - 1);
            loss[i] = LossSurface.Mse(x, y, t[i], t[i]);
        }
        double best = DiagonalMinimum(x, y);
        var plot = Style.NewPlot();
        var curve = plot.Add.ScatterLine(t, loss, Style.Points);
        curve.LineWidth = 2;
        curve.LegendText = "MSE(a = b = t)";
        var marker = plot.Add.Marker(best, LossSurface.Mse(x, y, best, best), MarkerShape.FilledCircle, 10, Style.Marker);
        marker.LegendText = $"minimum at t = {Style.Number(best)}, MSE {Style.Number(LossSurface.Mse(x, y, best, best))}";
        Finish(plot, "The loss along the line a = b", "t (a = b = t)", "mean squared error");
        return new Figure(plot, Style.Width, Style.Height);
    }

    /// <summary>The t minimising mean((t·x + t − y)²): Σ(x+1)y / Σ(x+1)².</summary>
    public static double DiagonalMinimum(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Check.NotEmpty(nameof(DiagonalMinimum), nameof(x), x);
        Check.SameLength(nameof(DiagonalMinimum), nameof(x), x, nameof(y), y);
        double num = 0, den = 0;
        for (int i = 0; i < x.Count; i++)
        {
            num += (x[i] + 1) * y[i];
            den += (x[i] + 1) * (x[i] + 1);
        }
        if (den == 0) throw new ArgumentException($"{nameof(DiagonalMinimum)}: every x is -1, so the loss along a = b is flat", nameof(x));
        return num / den;
    }

    /// <summary>(d) The loss landscape over (a, b) as a heatmap with contour lines, and gradient descent's path on it.</summary>
    public static Figure Landscape(LossSurface surface, ParamPath? path = null,
        string title = "The loss landscape and gradient descent's path") =>
        LandscapeWithPaths(nameof(Landscape), surface, path is null ? [] : [path], title);

    /// <summary>(e) Several learning rates' paths (too small, right, too large) on the same landscape.</summary>
    public static Figure LearningRatePaths(LossSurface surface, IReadOnlyList<ParamPath> paths) =>
        LandscapeWithPaths(nameof(LearningRatePaths), surface, Checked(nameof(LearningRatePaths), paths), "Three learning rates on the same landscape");

    /// <summary>(f) The loss per step of several runs (e.g. the three learning rates), on a log y-axis.</summary>
    public static Figure LearningRateLosses(IReadOnlyList<Series> losses) =>
        SeriesPanel.Draw(nameof(LearningRateLosses), losses, "The loss per step for each learning rate", "step", "loss (log scale)", logY: true);

    private static IReadOnlyList<ParamPath> Checked(string figure, IReadOnlyList<ParamPath> paths)
    {
        Check.NotEmpty(figure, nameof(paths), paths);
        return paths;
    }

    private static Figure LandscapeWithPaths(string figure, LossSurface surface, IReadOnlyList<ParamPath> paths, string title)
    {
        ArgumentNullException.ThrowIfNull(surface);
        surface.Validate(figure);
        foreach (var p in paths)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(paths));
            Check.NotEmpty(figure, $"path '{p.Name}'.A", p.A);
            Check.SameLength(figure, $"path '{p.Name}'.A", p.A, $"path '{p.Name}'.B", p.B);
        }
        var plot = Style.NewPlot();
        var heatmap = Heatmaps.Landscape(plot, surface);
        plot.Add.ColorBar(heatmap).Label = "loss";
        for (int i = 0; i < paths.Count; i++) AddPath(plot, surface, paths[i], paths.Count == 1 ? Style.Fit : Style.Series(i + 1));
        // Paths of a too-large rate leave the surface; the view stays on the surface and the data area clips them.
        plot.Axes.SetLimits(surface.A[0], surface.A[^1], surface.B[0], surface.B[^1]);
        plot.XLabel("a (slope)");
        plot.YLabel("b (intercept)");
        if (paths.Count > 0) plot.ShowLegend(Alignment.UpperRight);
        plot.Title(title);
        return new Figure(plot, Style.Width, Style.Height);
    }

    private static void AddPath(Plot plot, LossSurface surface, ParamPath path, Color color)
    {
        // A diverging run leaves the surface and soon reaches coordinates Skia will not draw at all (or
        // infinities): the path is drawn up to and including its first point outside the surface, so the
        // segment that leaves the view still shows where it went.
        int n = 0;
        while (n < path.A.Length && double.IsFinite(path.A[n]) && double.IsFinite(path.B[n]))
        {
            n++;
            if (!Inside(surface, path.A[n - 1], path.B[n - 1])) break;
        }
        if (n == 0) throw new ArgumentException($"Landscape: path '{path.Name}' starts at a non-finite point ({path.A[0]}, {path.B[0]})");
        var line = plot.Add.Scatter(path.A[..n], path.B[..n], color);
        line.LineWidth = 2;
        line.MarkerSize = 5;
        line.LegendText = path.Name;
        var start = plot.Add.Marker(path.A[0], path.B[0], MarkerShape.OpenCircle, 12, color);
        start.LineWidth = 2;
    }

    private static bool Inside(LossSurface s, double a, double b) =>
        a >= s.A[0] && a <= s.A[^1] && b >= s.B[0] && b <= s.B[^1];

    private static void CheckPoints(string figure, double[] x, double[] y)
    {
        Check.NotEmpty(figure, nameof(x), x);
        Check.SameLength(figure, nameof(x), x, nameof(y), y);
        Check.Finite(figure, nameof(x), x);
        Check.Finite(figure, nameof(y), y);
    }

    private static void AddPoints(Plot plot, double[] x, double[] y)
    {
        var points = plot.Add.ScatterPoints(x, y, Style.Points);
        points.MarkerSize = 7;
        points.LegendText = $"data ({x.Length} points)";
    }

    private static void AddLine(Plot plot, double[] x, LineParams line, string label, Color color, LinePattern pattern)
    {
        double lo = x.Min(), hi = x.Max();
        if (lo == hi) { lo -= 0.5; hi += 0.5; }
        var drawn = plot.Add.Line(lo, line.At(lo), hi, line.At(hi));
        drawn.Color = color;
        drawn.LineWidth = 3;
        drawn.LinePattern = pattern;
        drawn.LegendText = label;
    }

    private static void Finish(Plot plot, string title, string xLabel = "x", string yLabel = "y")
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
    }
}

using ScottPlot;

namespace Descent.Plots;

/// <summary>Named series on one panel, optionally on an emulated log y-axis.</summary>
internal static class SeriesPanel
{
    public static Figure Draw(string figure, IReadOnlyList<Series> series, string title, string xLabel, string yLabel, bool logY)
    {
        var plot = Style.NewPlot();
        AddAll(figure, plot, series, logY);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        return new Figure(plot, Style.Width, Style.Height);
    }

    public static void AddAll(string figure, Plot plot, IReadOnlyList<Series> series, bool logY)
    {
        Check.NotEmpty(figure, nameof(series), series);
        var drawn = new List<double[]>(series.Count);
        for (int i = 0; i < series.Count; i++) drawn.Add(Add(figure, plot, series[i], Style.Series(i), logY).Ys);
        if (!logY) return;
        double low = drawn.Min(d => d.Min()), high = drawn.Max(d => d.Max());
        // A diverging run would stretch the axis over a hundred decades and flatten the others: the view ends
        // one decade above the highest starting loss, and the diverging curve leaves through the top.
        double ceiling = drawn.Max(d => d[0]) + 1;
        LogAxis.Apply(plot, plot.Axes.Left, low, Math.Min(high, Math.Max(ceiling, low + 0.05)));
    }

    public static (ScottPlot.Plottables.Scatter Scatter, double[] Ys) Add(string figure, Plot plot, Series s, Color color, bool logY, LinePattern? pattern = null)
    {
        ArgumentNullException.ThrowIfNull(s, nameof(s));
        Check.NotEmpty(figure, $"series '{s.Name}'", s.Y);
        var xs = s.X ?? Enumerable.Range(0, s.Y.Length).Select(i => (double)i).ToArray();
        Check.SameLength(figure, $"series '{s.Name}' X", xs, $"series '{s.Name}' Y", s.Y);
        Check.Finite(figure, $"series '{s.Name}' X", xs);
        // Non-finite values mean the run diverged: the curve stops there and the legend says so.
        double[] ys = logY ? LogAxis.ToLog10(figure, s.Name, s.Y) : FinitePrefix(s.Y);
        string name = ys.Length < s.Y.Length ? $"{s.Name} (diverged at {ys.Length})" : s.Name;
        if (ys.Length == 0) throw new ArgumentException($"{figure}: series '{s.Name}' has no finite value to draw");
        var (drawX, drawY) = Downsample.MinMax(xs[..ys.Length], ys);
        var scatter = plot.Add.ScatterLine(drawX, drawY, color);
        scatter.LineWidth = 2;
        scatter.LegendText = name;
        if (pattern is LinePattern p) scatter.LinePattern = p;
        if (ys.Length == 1) scatter.MarkerSize = 6;
        return (scatter, drawY);
    }

    private static double[] FinitePrefix(double[] values)
    {
        int n = 0;
        while (n < values.Length && double.IsFinite(values[n])) n++;
        return values[..n];
    }
}

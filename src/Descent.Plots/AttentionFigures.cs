using ScottPlot;

namespace Descent.Plots;

/// <summary>What a transformer looks at: one head's attention weights over a sequence as a heatmap.</summary>
/// <example><code>
/// AttentionFigures.Head(weights, ["C", "a", "l", "l"], "Block 4, head 1").Save("out/attention");
/// </code></example>
public static class AttentionFigures
{
    /// <summary>
    /// Attention weights [T][T] (row: the query, the position doing the looking; column: the key it looks at) as a
    /// heatmap with the tokens along both axes, the first query at the top. Spaces are drawn as "·" and line
    /// breaks as "¶" so that every tick has a visible label.
    /// </summary>
    public static Figure Head(float[][] weights, IReadOnlyList<string> tokens, string title)
    {
        const string name = nameof(Head);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(title);
        Check.NotEmpty(name, nameof(tokens), tokens);
        int n = tokens.Count;
        if (weights.Length != n || weights.Any(row => row == null || row.Length != n))
            throw new ArgumentException($"{name}: weights must be [{n}][{n}] for {n} tokens; got {weights.Length} rows of lengths " +
                string.Join(", ", weights.Select(r => r?.Length ?? 0).Distinct()), nameof(weights));
        var intensities = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                float w = weights[i][j];
                if (!float.IsFinite(w) || w < 0 || w > 1.0001f)
                    throw new ArgumentOutOfRangeException(nameof(weights), w, $"{name}: weights must be in [0, 1]; got {w} at [{i}][{j}]");
                intensities[i, j] = w;
            }

        var plot = Style.NewPlot();
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Reversed(new ScottPlot.Colormaps.Blues());  // ScottPlot's Blues runs dark to light
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        // Row 0 (the first query) is drawn at the top, so query i sits at y = n - 1 - i.
        heatmap.Rectangle = new CoordinateRect(-0.5, n - 0.5, -0.5, n - 0.5);
        var labels = tokens.Select(Visible).ToArray();
        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. positions.Select(p => n - 1 - p)], labels);
        plot.HideGrid();
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.Axes.SquareUnits();
        plot.Add.ColorBar(heatmap).Label = "attention weight";
        plot.Title(title);
        plot.XLabel("looked at (key)");
        plot.YLabel("looking (query)");
        return new Figure(plot, 900, 820);
    }

    private static string Visible(string token) => token switch
    {
        " " => "·",
        "\n" => "¶",
        "\t" => "→",
        _ => token,
    };
}

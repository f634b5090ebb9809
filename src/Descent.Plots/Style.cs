using ScottPlot;

namespace Descent.Plots;

/// <summary>The look shared by every figure: the chosen sans font, the colours, the default sizes.</summary>
internal static class Style
{
    public const int Width = 800;
    public const int Height = 600;

    public static readonly Color Points = Color.FromHex("#1f77b4");
    public static readonly Color Truth = Color.FromHex("#2ca02c");
    public static readonly Color Fit = Color.FromHex("#d62728");
    public static readonly Color Marker = Color.FromHex("#d62728");
    public static readonly Color Stop = Color.FromHex("#7f7f7f");
    public static readonly Color Wrong = Color.FromHex("#d62728");
    public static readonly Color Right = Color.FromHex("#222222");
    public static readonly Color Contour = Color.FromHex("#ffffff").WithAlpha(0.75);

    // Matplotlib's tab10 order: the palette readers of the PyTorch tutorial already know.
    private static readonly Color[] Cycle = new[] { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" }
        .Select(Color.FromHex).ToArray();

    public static Color Series(int index) => Cycle[index % Cycle.Length];

    /// <summary>A new panel; resolving the font first makes a font-less machine fail before anything is drawn.</summary>
    public static Plot NewPlot()
    {
        _ = PlotFont.Family;
        return new Plot();
    }

    /// <summary>Applies the font to everything already on the panel (axes, title, legend, text plottables).</summary>
    public static void Finish(Plot plot) => plot.Font.Set(PlotFont.Family);

    /// <summary>Formats a number for labels and legends: short, no exponent unless it needs one.</summary>
    public static string Number(double value) => value.ToString("g4", System.Globalization.CultureInfo.InvariantCulture);
}

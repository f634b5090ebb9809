using Descent.Plots;

namespace Descent.Cli.Report;

/// <summary>One figure of the report: its file name stem, the text that stands in for it, and the figure itself.</summary>
/// <param name="Name">The file name without extension, e.g. "landscape" for landscape.png and landscape.svg.</param>
/// <param name="Alt">A sentence describing what the figure shows, with its key numbers, for the img alt text.</param>
/// <param name="Figure">The figure to render.</param>
public sealed record ReportFigure(string Name, string Alt, Figure Figure)
{
    /// <summary>The PNG's file name.</summary>
    public string Png => Name + ".png";

    /// <summary>The SVG's file name.</summary>
    public string Svg => Name + ".svg";
}

namespace Descent.Cli.Report;

/// <summary>What every report page does with its figures: save them as PNG and SVG, and show one linked to its SVG.</summary>
internal static class FigureMarkup
{
    /// <summary>Saves each figure as PNG and SVG in <paramref name="folder"/>; returns the files in order.</summary>
    public static List<string> Save(IReadOnlyList<ReportFigure> figures, string folder)
    {
        var files = new List<string>();
        foreach (var f in figures)
        {
            var (png, svg) = f.Figure.Save(Path.Combine(folder, f.Name));
            files.Add(png);
            files.Add(svg);
        }
        return files;
    }

    /// <summary>The figure named <paramref name="name"/> with its caption; a page that names a figure nobody drew is a bug.</summary>
    public static void Write(HtmlWriter h, IReadOnlyList<ReportFigure> figures, string name)
    {
        var f = figures.FirstOrDefault(x => x.Name == name)
            ?? throw new InvalidOperationException($"report: the page shows figure '{name}' but it was not drawn");
        h.Open("figure");
        h.Markup("a", $"<img src=\"{HtmlWriter.Escape(f.Png)}\" alt=\"{HtmlWriter.Escape(f.Alt)}\" width=\"{f.Figure.Width}\" height=\"{f.Figure.Height}\" />",
            ("href", f.Svg));
        h.Markup("figcaption", $"{HtmlWriter.Escape(f.Alt)} <a href=\"{HtmlWriter.Escape(f.Svg)}\">SVG</a>");
        h.Close("figure");
    }
}

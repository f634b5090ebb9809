using Descent.IO;
using ScottPlot;
using SkiaSharp;

namespace Descent.Plots;

/// <summary>
/// A finished figure: one or more ScottPlot panels stacked in a layout, rendered on demand to PNG or SVG.
/// Files are written atomically (temporary file, then rename), so a reader never sees half an image.
/// </summary>
/// <example><code>
/// Figure figure = TutorialFigures.PointsAndFit(x, y, truth: new LineParams(3, 8), fitted: new LineParams(2.9, 8.2));
/// figure.Save("out/fit");                 // writes out/fit.png and out/fit.svg
/// byte[] png = figure.ToPng(800, 600);    // or render in memory
/// </code></example>
public sealed class Figure
{
    private const int MaxSide = 16384;
    private readonly Multiplot _multiplot;

    internal Figure(IReadOnlyList<Plot> plots, int width, int height, IMultiplotLayout? layout = null)
    {
        if (plots.Count == 0) throw new ArgumentException("Figure: needs at least one panel", nameof(plots));
        Plots = plots;
        Width = width;
        Height = height;
        _multiplot = new Multiplot(plots[0]);
        for (int i = 1; i < plots.Count; i++) _multiplot.AddPlot(plots[i]);
        if (layout is not null) _multiplot.Layout = layout;
        foreach (var plot in plots) Style.Finish(plot);
    }

    internal Figure(Plot plot, int width, int height) : this([plot], width, height) { }

    /// <summary>The panels, top to bottom, for callers who want to restyle them or map coordinates to pixels.</summary>
    public IReadOnlyList<Plot> Plots { get; }

    /// <summary>The width in pixels used when a save or render call gives none.</summary>
    public int Width { get; }

    /// <summary>The height in pixels used when a save or render call gives none.</summary>
    public int Height { get; }

    /// <summary>Renders the figure and returns PNG bytes. After this call each panel's <c>GetPixel</c> maps to this image.</summary>
    public byte[] ToPng(int? width = null, int? height = null)
    {
        var (w, h) = Size(width, height);
        using var surface = SKSurface.Create(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"Figure: Skia could not create a {w}x{h} surface");
        surface.Canvas.Clear(SKColors.White);
        _multiplot.Render(surface.Canvas, new PixelRect(0, w, 0, h));
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Renders the figure as an SVG document.</summary>
    public string ToSvg(int? width = null, int? height = null)
    {
        var (w, h) = Size(width, height);
        using var stream = new MemoryStream();
        // The SVG canvas writes its closing tag only when disposed, so it must be gone before the stream is read.
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, w, h), stream))
        {
            _multiplot.Render(canvas, new PixelRect(0, w, 0, h));
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes a PNG to <paramref name="path"/> atomically and returns the full path.</summary>
    public string SavePng(string path, int? width = null, int? height = null)
    {
        var bytes = ToPng(width, height);
        return Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Writes an SVG to <paramref name="path"/> atomically and returns the full path.</summary>
    public string SaveSvg(string path, int? width = null, int? height = null)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(ToSvg(width, height));
        return Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Writes <c>path.png</c> and <c>path.svg</c> (the extension is added) and returns both full paths.</summary>
    public (string Png, string Svg) Save(string pathWithoutExtension, int? width = null, int? height = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathWithoutExtension);
        return (SavePng(pathWithoutExtension + ".png", width, height), SaveSvg(pathWithoutExtension + ".svg", width, height));
    }

    private static string Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.Write(path, write);
        return Path.GetFullPath(path);
    }

    private (int Width, int Height) Size(int? width, int? height)
    {
        int w = width ?? Width, h = height ?? Height;
        if (w is < 1 or > MaxSide) throw new ArgumentOutOfRangeException(nameof(width), w, $"Figure: width must be in [1, {MaxSide}]; got {w}");
        if (h is < 1 or > MaxSide) throw new ArgumentOutOfRangeException(nameof(height), h, $"Figure: height must be in [1, {MaxSide}]; got {h}");
        return (w, h);
    }
}

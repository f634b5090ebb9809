using Descent.Plots;
using ScottPlot;
using SkiaSharp;

namespace Descent.Tests.Plots;

/// <summary>A decoded render of a figure and the pixel checks the figure tests share.</summary>
internal sealed class Raster : IDisposable
{
    private readonly SKBitmap _bitmap;

    private Raster(SKBitmap bitmap) => _bitmap = bitmap;

    public int Width => _bitmap.Width;
    public int Height => _bitmap.Height;

    /// <summary>Renders <paramref name="figure"/> to PNG bytes and decodes them, checking the size on the way.</summary>
    public static Raster Of(Figure figure, int width = 800, int height = 600)
    {
        var png = figure.ToPng(width, height);
        Assert.True(png.Length > 8 && png[0] == 0x89 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', "not a PNG");
        var bitmap = SKBitmap.Decode(png) ?? throw new InvalidOperationException("PNG did not decode");
        Assert.Equal(width, bitmap.Width);
        Assert.Equal(height, bitmap.Height);
        return new Raster(bitmap);
    }

    public SKColor this[int x, int y] => _bitmap.GetPixel(x, y);

    /// <summary>Colours quantised to 4 bits per channel, counted over the whole image.</summary>
    public int DistinctColors()
    {
        var seen = new HashSet<int>();
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                var c = _bitmap.GetPixel(x, y);
                seen.Add((c.Red >> 4) << 8 | (c.Green >> 4) << 4 | c.Blue >> 4);
            }
        return seen.Count;
    }

    /// <summary>Pixels in the rectangle whose channels are all below <paramref name="threshold"/> (text, ink, frames).</summary>
    public int DarkPixels(int left, int top, int right, int bottom, int threshold = 110)
    {
        int count = 0;
        for (int y = Math.Max(0, top); y < Math.Min(Height, bottom); y++)
            for (int x = Math.Max(0, left); x < Math.Min(Width, right); x++)
            {
                var c = _bitmap.GetPixel(x, y);
                if (c.Red < threshold && c.Green < threshold && c.Blue < threshold) count++;
            }
        return count;
    }

    /// <summary>Pixels in the rectangle within <paramref name="tolerance"/> (sum of channel differences) of <paramref name="color"/>.</summary>
    public int Count(Color color, int left, int top, int right, int bottom, int tolerance = 60)
    {
        int count = 0;
        for (int y = Math.Max(0, top); y < Math.Min(Height, bottom); y++)
            for (int x = Math.Max(0, left); x < Math.Min(Width, right); x++)
                if (Near(_bitmap.GetPixel(x, y), color, tolerance)) count++;
        return count;
    }

    /// <summary>True when some pixel within <paramref name="radius"/> of <paramref name="at"/> has <paramref name="color"/>.</summary>
    public bool HasNear(Pixel at, Color color, int radius = 2, int tolerance = 60)
    {
        int cx = (int)Math.Round(at.X), cy = (int)Math.Round(at.Y);
        return Count(color, cx - radius, cy - radius, cx + radius + 1, cy + radius + 1, tolerance) > 0;
    }

    public static bool Near(SKColor c, Color color, int tolerance) =>
        Math.Abs(c.Red - color.R) + Math.Abs(c.Green - color.G) + Math.Abs(c.Blue - color.B) <= tolerance;

    /// <summary>Asserts that the title band at the top holds text: enough dark pixels where only the title is drawn.</summary>
    public void AssertTitleDrawn()
    {
        int dark = DarkPixels(Width / 6, 0, Width * 5 / 6, 34);
        Assert.True(dark > 40, $"expected title text in the top band; found {dark} dark pixels");
    }

    /// <summary>Asserts a figure with real content: several colours, a title, pixels that are not background.</summary>
    public void AssertHasContent(int minColors = 6)
    {
        int colors = DistinctColors();
        Assert.True(colors >= minColors, $"expected at least {minColors} distinct colours; got {colors}");
        AssertTitleDrawn();
    }

    public void Dispose() => _bitmap.Dispose();
}

using System.Xml.Linq;
using Descent.Plots;

namespace Descent.Tests.Plots;

public class FigureTests
{
    private static Figure Sample() =>
        TutorialFigures.PointsAndFit([0, 1, 2, 3], [8, 11, 14, 17], new LineParams(3, 8), new LineParams(2.9, 8.1));

    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"descent-plots-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Theory]
    [InlineData(320, 240)]
    [InlineData(801, 333)]
    public void PngHasTheRequestedSize(int width, int height)
    {
        using var raster = Raster.Of(Sample(), width, height);
        Assert.Equal(width, raster.Width);
    }

    [Fact]
    public void SaveWritesAPngAndAWellFormedSvgAndNoTemporaryFiles()
    {
        var dir = TempDir();
        try
        {
            var (png, svg) = Sample().Save(Path.Combine(dir, "fit"), 640, 480);
            Assert.Equal(Path.Combine(dir, "fit.png"), png);
            Assert.Equal(Path.Combine(dir, "fit.svg"), svg);
            var bytes = File.ReadAllBytes(png);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
            using (var bitmap = SkiaSharp.SKBitmap.Decode(bytes))
            {
                Assert.Equal(640, bitmap.Width);
                Assert.Equal(480, bitmap.Height);
            }
            var text = File.ReadAllText(svg);
            Assert.Contains("<svg", text);
            var doc = XDocument.Parse(text);
            Assert.Equal("svg", doc.Root!.Name.LocalName);
            Assert.Equal("640", doc.Root.Attribute("width")!.Value);
            Assert.Contains(doc.Descendants(), e => e.Name.LocalName == "text");
            Assert.Equal(["fit.png", "fit.svg"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void SavingOverAnExistingFileReplacesIt()
    {
        var dir = TempDir();
        try
        {
            var path = Path.Combine(dir, "fit.png");
            File.WriteAllText(path, "old");
            Sample().SavePng(path, 200, 150);
            using var bitmap = SkiaSharp.SKBitmap.Decode(File.ReadAllBytes(path));
            Assert.Equal(200, bitmap.Width);
            Assert.Single(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void SavingIntoAMissingFolderThrowsAndNamesIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"descent-missing-{Guid.NewGuid():N}", "fit.svg");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => Sample().SaveSvg(path));
        Assert.Contains("does not exist", ex.Message);
    }

    [Theory]
    [InlineData(0, 100, "width")]
    [InlineData(100, -5, "height")]
    [InlineData(20000, 100, "width")]
    public void BadSizesThrowNamingTheParameter(int width, int height, string name)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Sample().ToPng(width, height));
        Assert.Equal(name, ex.ParamName);
        Assert.Contains("Figure:", ex.Message);
    }

    [Fact]
    public void DefaultSizeIsUsedWhenNoneIsGiven()
    {
        var figure = Sample();
        using var bitmap = SkiaSharp.SKBitmap.Decode(figure.ToPng());
        Assert.Equal(figure.Width, bitmap.Width);
        Assert.Equal(figure.Height, bitmap.Height);
    }

    [Fact]
    public void MultiPanelSvgHoldsEveryPanel()
    {
        var figure = TrainingFigures.ScheduleCurve([0.1, 0.2, 0.3], [0.9, 0.8, 0.7]);
        Assert.Equal(2, figure.Plots.Count);
        var doc = XDocument.Parse(figure.ToSvg(600, 600));
        var texts = doc.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
        Assert.Contains("learning rate", texts);
        Assert.Contains("momentum", texts);
    }

    [Fact]
    public void HeatmapsAreEmbeddedAsImagesInSvg()
    {
        var surface = LossSurface.Mse([0, 1, 2], [1, 3, 5], -1, 4, -1, 4, 11);
        var doc = XDocument.Parse(TutorialFigures.Landscape(surface).ToSvg(500, 400));
        var images = doc.Descendants().Where(e => e.Name.LocalName == "image").ToList();
        Assert.NotEmpty(images);
        Assert.All(images, i => Assert.Contains(i.Attributes(), a => a.Value.StartsWith("data:image/png;base64,", StringComparison.Ordinal)));
    }
}

using Descent.Plots;
using SkiaSharp;

namespace Descent.Tests.Plots;

public class PlotFontTests
{
    [Fact]
    public void ThePreferredFamilyWinsInPreferenceOrderNotListOrder() =>
        Assert.Equal("Liberation Sans", PlotFont.Choose(["Noto Sans", "DejaVu Serif", "Liberation Sans"]));

    [Fact]
    public void MatchingIgnoresCaseAndReturnsTheInstalledSpelling() =>
        Assert.Equal("dejavu sans", PlotFont.Choose(["dejavu sans"]));

    [Fact]
    public void AnyOtherPlainSansFamilyIsAcceptedButNotMonoOrSerif() =>
        Assert.Equal("Fira Sans", PlotFont.Choose(["DejaVu Sans Mono", "PT Sans Serif", "Fira Sans", "Gentium"]));

    [Fact]
    public void OnlySerifAndMonospaceFamiliesGiveAClearError()
    {
        var ex = Assert.Throws<MissingFontException>(() => PlotFont.Choose(["DejaVu Serif", "DejaVu Sans Mono", "Noto Serif"]));
        Assert.Contains("no sans-serif font", ex.Message);
        Assert.Contains("DejaVu Sans, Liberation Sans, Noto Sans", ex.Message);
        Assert.Contains("found DejaVu Serif, DejaVu Sans Mono, Noto Serif", ex.Message);
        Assert.Contains("apt-get install fonts-dejavu-core", ex.Message);
        Assert.Equal(["DejaVu Serif", "DejaVu Sans Mono", "Noto Serif"], ex.Found);
        Assert.Equal(PlotFont.Preferred, ex.LookedFor);
    }

    [Fact]
    public void NoFontsAtAllSaysSo()
    {
        var ex = Assert.Throws<MissingFontException>(() => PlotFont.Choose([]));
        Assert.Contains("found no font families at all", ex.Message);
    }

    [Fact]
    public void TheChosenFamilyIsInstalledAndResolvesToItself()
    {
        string family = PlotFont.Family;
        Assert.Contains(family, PlotFont.InstalledFamilies());
        using var typeface = SKTypeface.FromFamilyName(family);
        Assert.Equal(family, typeface.FamilyName);
        Assert.Equal(family, ScottPlot.Fonts.Default);
    }

    [Fact]
    public void FiguresUseTheChosenFontInSvgText()
    {
        var svg = TutorialFigures.PointsAndFit([0, 1, 2], [1, 2, 3], new LineParams(1, 1), new LineParams(1, 1)).ToSvg();
        Assert.Contains($"font-family=\"{PlotFont.Family}\"", svg);
        Assert.DoesNotContain("Serif", svg);
    }
}

using Descent.Plots;
using ScottPlot;

namespace Descent.Tests.Plots;

public class AttentionFiguresTests
{
    [Fact]
    public void StrongWeightsAreDark_WithTheFirstQueryAtTheTop()
    {
        float[][] weights = [[1f, 0f, 0f], [0f, 1f, 0f], [0.5f, 0.5f, 0f]];
        var figure = AttentionFigures.Head(weights, ["a", " ", "\n"], "test");
        using var raster = Raster.Of(figure, 600, 560);
        raster.AssertHasContent();
        var plot = figure.Plots[0];
        // Query i is drawn at y = n − 1 − i, key j at x = j.
        SkiaSharp.SKColor At(int query, int key)
        {
            var p = plot.GetPixel(new Coordinates(key, 2 - query));
            return raster[(int)p.X, (int)p.Y];
        }
        Assert.True(At(0, 0).Red + 60 < At(0, 1).Red, $"weight 1 drawn as {At(0, 0)}, weight 0 as {At(0, 1)}");
        Assert.True(At(1, 1).Red + 60 < At(1, 0).Red, $"weight 1 drawn as {At(1, 1)}, weight 0 as {At(1, 0)}");
        Assert.True(At(2, 0).Red < At(2, 2).Red && At(2, 0).Red > At(0, 0).Red, "a weight of 0.5 lies between 0 and 1");
    }

    [Fact]
    public void BadInputNamesTheRule()
    {
        var e = Assert.Throws<ArgumentException>(() => AttentionFigures.Head([[1f, 0f], [0.5f, 0.5f]], ["a", "b", "c"], "t"));
        Assert.Contains("Head: weights must be [3][3] for 3 tokens", e.Message);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => AttentionFigures.Head([[1f, 0f], [1.5f, -0.5f]], ["a", "b"], "t"));
        Assert.Contains("weights must be in [0, 1]; got 1.5 at [1][0]", range.Message);
    }
}

using Descent.Plots;
using ScottPlot;

namespace Descent.Tests.Plots;

public class ConvFiguresTests
{
    [Fact]
    public void FiltersShowPositiveWeightsRedAndNegativeBlue()
    {
        // 8 filters of 1x5x5: filter k has +1 at (0, 0) and -1 at (4, 4), the rest small.
        var data = new float[8 * 25];
        for (int k = 0; k < 8; k++)
        {
            for (int p = 0; p < 25; p++) data[k * 25 + p] = 0.05f * ((p + k) % 3 - 1);
            data[k * 25] = 1f;
            data[k * 25 + 24] = -1f;
        }
        var figure = ConvFigures.Filters(Tensor.FromArray(data, 8, 1, 5, 5), columns: 4);
        using var raster = Raster.Of(figure, 500, 320);
        raster.AssertHasContent();
        var plot = figure.Plots[0];
        for (int k = 0; k < 8; k++)
        {
            var (left, top) = Heatmaps.TileCorner(k, 4, 5, 5);
            var pos = plot.GetPixel(new Coordinates(left + 0.5, top - 0.5));
            var neg = plot.GetPixel(new Coordinates(left + 4.5, top - 4.5));
            var p = raster[(int)pos.X, (int)pos.Y];
            var n = raster[(int)neg.X, (int)neg.Y];
            Assert.True(p.Red > p.Blue + 40, $"filter {k} positive weight drawn as {p}");
            Assert.True(n.Blue > n.Red + 40, $"filter {k} negative weight drawn as {n}");
        }
    }

    [Fact]
    public void FiltersPickTheRequestedInputChannel()
    {
        var w = Tensor.Zeros(2, 3, 3, 3);
        w.DataSpan[1 * 9 + 4] = 5f;   // filter 0, channel 1, centre
        w.DataSpan[27 + 9 + 4] = -5f; // filter 1, channel 1, centre
        var figure = ConvFigures.Filters(w, inChannel: 1);
        using var raster = Raster.Of(figure, 400, 250);
        var plot = figure.Plots[0];
        var (l0, t0) = Heatmaps.TileCorner(0, 8, 3, 3);
        var c = raster[(int)plot.GetPixel(new Coordinates(l0 + 1.5, t0 - 1.5)).X, (int)plot.GetPixel(new Coordinates(l0 + 1.5, t0 - 1.5)).Y];
        Assert.True(c.Red > c.Blue + 40, $"centre of filter 0 is {c}");
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ConvFigures.Filters(w, inChannel: 3));
        Assert.Contains("inChannel must be in [0, 3) for weight [2, 3, 3, 3]; got 3", ex.Message);
    }

    [Fact]
    public void ActivationMapsShowTheInputAndEachChannelWhereItFires()
    {
        // 4 channels of 6x6; channel c fires only at (c, 5 - c).
        var act = Tensor.Zeros(1, 4, 6, 6);
        for (int c = 0; c < 4; c++) act.DataSpan[c * 36 + c * 6 + (5 - c)] = c + 1;
        var input = Tensor.Zeros(1, 1, 8, 8);
        for (int i = 2; i < 6; i++) input.DataSpan[i * 8 + 3] = 1f;
        var figure = ConvFigures.ActivationMaps(act, input);
        using var raster = Raster.Of(figure, 700, 260);
        raster.AssertHasContent();
        var plot = figure.Plots[0];
        for (int c = 0; c < 4; c++)
        {
            var (left, top) = Heatmaps.TileCorner(c + 1, 8, 8, 8);
            var hot = plot.GetPixel(new Coordinates(left + 5 - c + 0.5, top - c - 0.5));
            var cold = plot.GetPixel(new Coordinates(left + 0.5, top - 5.5));
            var h = raster[(int)hot.X, (int)hot.Y];
            var k = raster[(int)cold.X, (int)cold.Y];
            Assert.True(h.Red + h.Green + h.Blue > 500, $"channel {c} peak drawn as {h}");
            Assert.True(k.Red + k.Green + k.Blue < 60, $"channel {c} background drawn as {k}");
        }
        var titles = plot.GetPlottables().OfType<ScottPlot.Plottables.Text>().Select(t => t.LabelText).ToList();
        Assert.Equal(["input", "#0 max 1", "#1 max 2", "#2 max 3", "#3 max 4"], titles);
    }

    [Fact]
    public void ActivationMapsRejectABatch()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConvFigures.ActivationMaps(Tensor.Zeros(2, 4, 6, 6)));
        Assert.Contains("activations must be [C, H, W] or [1, C, H, W] for one image; got [2, 4, 6, 6]", ex.Message);
    }
}

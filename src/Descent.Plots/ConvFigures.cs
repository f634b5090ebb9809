using System.Globalization;

namespace Descent.Plots;

/// <summary>
/// What a convolutional network's first layer learned: its filters as small heatmaps, and the maps they produce
/// for one digit (the tutorial's "early layers find corners and borders").
/// </summary>
/// <example><code>
/// ConvFigures.Filters(conv1.Weight).Save("out/filters");                       // weight [out, in, kh, kw]
/// ConvFigures.ActivationMaps(conv1.Forward(digit).Relu(), input: digit).Save("out/activations");
/// </code></example>
public static class ConvFigures
{
    /// <summary>
    /// (m) The filters of a conv layer: <paramref name="weight"/> is [out, in, kh, kw] (input channel
    /// <paramref name="inChannel"/> is shown) or [out, kh, kw]. Blue is negative, red positive, white zero, on a
    /// scale shared by all filters so their strengths compare.
    /// </summary>
    public static Figure Filters(Tensor weight, int inChannel = 0, int columns = 8)
    {
        const string name = nameof(Filters);
        ArgumentNullException.ThrowIfNull(weight);
        Check.Positive(name, nameof(columns), columns);
        var shape = weight.Shape;
        List<double[,]> filters;
        if (shape.Length == 4)
        {
            if (inChannel < 0 || inChannel >= shape[1])
                throw new ArgumentOutOfRangeException(nameof(inChannel), inChannel, $"{name}: inChannel must be in [0, {shape[1]}) for weight {Shape.Format(shape)}; got {inChannel}");
            var channel = weight.Select(1, inChannel);
            filters = Images.Grids(channel.Data, shape[0], shape[2], shape[3]);
        }
        else if (shape.Length == 3)
        {
            filters = Images.Grids(weight.Data, shape[0], shape[1], shape[2]);
        }
        else
        {
            throw new ArgumentException($"{name}: weight must be [out, in, kh, kw] or [out, kh, kw]; got {Shape.Format(shape)}", nameof(weight));
        }
        if (filters.Count == 0 || filters[0].Length == 0) throw new ArgumentException($"{name}: weight must not be empty; got {Shape.Format(shape)}", nameof(weight));

        double m = Math.Max(Images.MaxAbs(filters), 1e-12);
        var tiles = filters.Select((f, k) => new Heatmaps.Tile(f, $"#{k}", Style.Right)).ToList();
        var plot = Style.NewPlot();
        int cols = Math.Min(columns, tiles.Count), rows = (tiles.Count + cols - 1) / cols;
        Heatmaps.Grid(plot, tiles, cols, new ScottPlot.Colormaps.Balance(), -m, m, titleSize: 11);
        plot.Title($"First-layer filters ({filters.Count} of {shape[^2]}x{shape[^1]}, range ±{Style.Number(m)})");
        return new Figure(plot, Math.Max(420, 95 * cols), 90 + 105 * rows);
    }

    /// <summary>
    /// (n) The activation maps of one image: <paramref name="activations"/> is [C, H, W] or [1, C, H, W]; the
    /// <paramref name="input"/> image ([H, W], [1, H, W] or [1, 1, H, W]) is shown first when given. Each map is
    /// scaled to its own maximum so weak channels still show their pattern; the title gives the maximum.
    /// </summary>
    public static Figure ActivationMaps(Tensor activations, Tensor? input = null, int columns = 8)
    {
        const string name = nameof(ActivationMaps);
        ArgumentNullException.ThrowIfNull(activations);
        Check.Positive(name, nameof(columns), columns);
        var shape = activations.Shape;
        if (shape.Length == 4 && shape[0] == 1) shape = shape[1..];
        if (shape.Length != 3 || shape[0] == 0 || shape[1] == 0 || shape[2] == 0)
            throw new ArgumentException($"{name}: activations must be [C, H, W] or [1, C, H, W] for one image; got {Shape.Format(activations.Shape)}", nameof(activations));
        var maps = Images.Grids(activations.Data, shape[0], shape[1], shape[2]);

        var tiles = new List<Heatmaps.Tile>(maps.Count + 1);
        if (input is not null)
        {
            var s = input.Shape.Where(d => d != 1).ToArray();
            if (s.Length != 2)
                throw new ArgumentException($"{name}: input must be one image, [H, W], [1, H, W] or [1, 1, H, W]; got {Shape.Format(input.Shape)}", nameof(input));
            tiles.Add(new Heatmaps.Tile(Normalized(Images.Grids(input.Data, 1, s[0], s[1])[0]).Grid, "input", Style.Right, Style.Stop));
        }
        for (int k = 0; k < maps.Count; k++)
        {
            var (grid, max) = Normalized(maps[k]);
            tiles.Add(new Heatmaps.Tile(grid, $"#{k} max {max.ToString("g2", CultureInfo.InvariantCulture)}", Style.Right));
        }
        var plot = Style.NewPlot();
        int cols = Math.Min(columns, tiles.Count), rows = (tiles.Count + cols - 1) / cols;
        Heatmaps.Grid(plot, tiles, cols, new ScottPlot.Colormaps.Inferno(), 0, 1, titleSize: 11);
        plot.Title($"Activation maps of one digit ({maps.Count} channels of {shape[1]}x{shape[2]})");
        return new Figure(plot, Math.Max(420, 110 * cols), 90 + 125 * rows);
    }

    /// <summary>Scales a map into [0, 1] by its minimum and maximum; a constant map becomes all zeros.</summary>
    private static (double[,] Grid, double Max) Normalized(double[,] map)
    {
        var (low, high) = Images.Range([map]);
        var result = new double[map.GetLength(0), map.GetLength(1)];
        double span = high - low;
        for (int i = 0; i < map.GetLength(0); i++)
            for (int j = 0; j < map.GetLength(1); j++)
                result[i, j] = span > 0 ? (map[i, j] - low) / span : 0;
        return (result, high);
    }
}

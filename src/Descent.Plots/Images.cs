namespace Descent.Plots;

/// <summary>Turns image tensors into row-major double grids for heatmaps.</summary>
internal static class Images
{
    /// <summary>
    /// Splits [N, H, W], [N, 1, H, W] or [N, H·W] (H·W a perfect square) into N grids of [H, W].
    /// </summary>
    public static List<double[,]> Split(string figure, string name, Tensor images)
    {
        var shape = images.Shape;
        int n, h, w;
        switch (shape.Length)
        {
            case 3: (n, h, w) = (shape[0], shape[1], shape[2]); break;
            case 4 when shape[1] == 1: (n, h, w) = (shape[0], shape[2], shape[3]); break;
            case 2:
                n = shape[0];
                h = w = (int)Math.Round(Math.Sqrt(shape[1]));
                if (h * w != shape[1])
                    throw new ArgumentException($"{figure}: {name} of shape {Shape.Format(shape)} must have a square number of pixels per row to be read as [N, H, W]", name);
                break;
            default:
                throw new ArgumentException($"{figure}: {name} must be [N, H, W], [N, 1, H, W] or [N, H*W]; got {Shape.Format(shape)}", name);
        }
        if (n == 0 || h == 0 || w == 0) throw new ArgumentException($"{figure}: {name} must not be empty; got {Shape.Format(shape)}", name);
        return Grids(images.Data, n, h, w);
    }

    /// <summary>Reads <paramref name="count"/> consecutive [H, W] grids from row-major <paramref name="data"/>.</summary>
    public static List<double[,]> Grids(ReadOnlySpan<float> data, int count, int h, int w)
    {
        var result = new List<double[,]>(count);
        for (int k = 0; k < count; k++)
        {
            var grid = new double[h, w];
            var src = data.Slice(k * h * w, h * w);
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                    grid[i, j] = src[i * w + j];
            result.Add(grid);
        }
        return result;
    }

    /// <summary>The smallest and largest finite value over all grids; NaN pixels are left to the colormap.</summary>
    public static (double Low, double High) Range(IEnumerable<double[,]> grids)
    {
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        foreach (var g in grids)
            foreach (var v in g)
                if (double.IsFinite(v)) { low = Math.Min(low, v); high = Math.Max(high, v); }
        return double.IsFinite(low) ? (low, high) : (0, 1);
    }

    /// <summary>The largest absolute finite value, for colour ranges symmetric around zero.</summary>
    public static double MaxAbs(IEnumerable<double[,]> grids)
    {
        var (low, high) = Range(grids);
        return Math.Max(Math.Abs(low), Math.Abs(high));
    }
}

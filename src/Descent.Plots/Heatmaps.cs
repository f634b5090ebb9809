using ScottPlot;
using ScottPlot.Plottables;

namespace Descent.Plots;

/// <summary>Heatmap helpers: the loss landscape and a grid of small images in one panel.</summary>
internal static class Heatmaps
{
    private const int ContourCount = 10;

    /// <summary>
    /// Draws the surface with cell centres on the grid points. ScottPlot draws intensity row 0 at the top, so
    /// rows are reversed to put large b at the top; <c>Rectangle</c> is used rather than <c>Extent</c>, whose
    /// cell size is miscomputed for non-square grids in ScottPlot 5.1.59.
    /// </summary>
    public static Heatmap Landscape(Plot plot, LossSurface surface)
    {
        int rows = surface.B.Length, cols = surface.A.Length;
        var intensities = new double[rows, cols];
        var points = new Coordinates3d[rows, cols];
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                double loss = surface.Loss[i, j];
                intensities[rows - 1 - i, j] = loss;
                points[i, j] = new Coordinates3d(surface.A[j], surface.B[i], loss);
                min = Math.Min(min, loss);
                max = Math.Max(max, loss);
            }
        double da = (surface.A[^1] - surface.A[0]) / (cols - 1), db = (surface.B[^1] - surface.B[0]) / (rows - 1);
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Rectangle = new CoordinateRect(surface.A[0] - da / 2, surface.A[^1] + da / 2, surface.B[0] - db / 2, surface.B[^1] + db / 2);

        if (max > min)
        {
            var contours = new ContourLines { ContourLineLevels = ContourLevels(min, max) };
            contours.Update(points);
            contours.LineColor = Style.Contour;
            contours.LineWidth = 1;
            contours.LabelStyle.IsVisible = false;
            plot.PlottableList.Add(contours);
        }
        return heatmap;
    }

    /// <summary>
    /// Levels spaced geometrically above the minimum, from a thousandth of the range to about half of it: the
    /// loss grows quadratically away from the valley, so evenly spaced levels would all crowd the steep walls and
    /// leave the valley floor, where gradient descent ends, without a single line.
    /// </summary>
    private static double[] ContourLevels(double min, double max)
    {
        var levels = new double[ContourCount];
        for (int k = 0; k < ContourCount; k++)
            levels[k] = min + (max - min) * Math.Pow(10, -3 + 2.7 * k / (ContourCount - 1));
        return levels;
    }

    /// <summary>The plot coordinates of tile <paramref name="k"/>'s upper-left corner; pixel (i, j) covers [left + j, left + j + 1] × [top − i − 1, top − i].</summary>
    public static (double Left, double Top) TileCorner(int k, int columns, int tileHeight, int tileWidth) =>
        ((k % columns) * (tileWidth + Gap(tileWidth)), -(k / columns) * RowStep(tileHeight));

    private static double Gap(int tileWidth) => Math.Max(1, tileWidth * 0.15);

    // Rows are spaced wider than columns to leave room for each tile's title.
    private static double RowStep(int tileHeight) => tileHeight * 1.45;

    /// <summary>One tile of an image grid.</summary>
    public sealed record Tile(double[,] Pixels, string Title, Color TitleColor, Color? Border = null);

    /// <summary>
    /// Lays out <paramref name="tiles"/> in rows of <paramref name="columns"/>, one data unit per image pixel,
    /// with each title above its tile and an optional frame around it; all tiles share one colour range.
    /// </summary>
    public static void Grid(Plot plot, IReadOnlyList<Tile> tiles, int columns, IColormap colormap, double low, double high, float titleSize = 13)
    {
        int h = tiles.Max(t => t.Pixels.GetLength(0)), w = tiles.Max(t => t.Pixels.GetLength(1));
        double gap = Gap(w), rowStep = RowStep(h);
        if (!(high > low)) high = low + 1;
        for (int k = 0; k < tiles.Count; k++)
        {
            var tile = tiles[k];
            var (left, top) = TileCorner(k, columns, h, w);
            int th = tile.Pixels.GetLength(0), tw = tile.Pixels.GetLength(1);
            var heatmap = plot.Add.Heatmap(tile.Pixels);
            heatmap.Colormap = colormap;
            heatmap.ManualRange = new ScottPlot.Range(low, high);
            heatmap.Rectangle = new CoordinateRect(left, left + tw, top - th, top);
            if (tile.Border is Color border)
            {
                var frame = plot.Add.Rectangle(left - 0.5, left + tw + 0.5, top - th - 0.5, top + 0.5);
                frame.FillColor = Colors.Transparent;
                frame.LineColor = border;
                frame.LineWidth = 3;
            }
            if (tile.Title.Length > 0)
            {
                var text = plot.Add.Text(tile.Title, left + tw / 2.0, top + h * 0.04);
                text.Alignment = Alignment.LowerCenter;
                text.LabelFontSize = titleSize;
                text.LabelFontColor = tile.TitleColor;
                text.LabelBold = tile.Border is not null;
            }
        }
        int rows = (tiles.Count + columns - 1) / columns, used = Math.Min(columns, tiles.Count);
        plot.HideAxesAndGrid();
        plot.Axes.SetLimits(-gap, used * (w + gap), -(rows - 1) * rowStep - h - gap, h * 0.45);
        plot.Axes.SquareUnits();
    }
}

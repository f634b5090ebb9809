namespace Descent.Kernels;

/// <summary>Keeps the lower or upper triangle of a batch of row-major [rows, cols] matrices and zeroes the rest.</summary>
internal static class TriangleKernel
{
    /// <summary>
    /// Keeps element (r, c) where c − r ≤ <paramref name="diagonal"/> (<paramref name="lower"/>, PyTorch's
    /// tril) or c − r ≥ <paramref name="diagonal"/> (triu); each row is one copy and one clear.
    /// </summary>
    public static void Run(ReadOnlySpan<float> source, int batch, int rows, int cols, int diagonal, bool lower, Span<float> destination)
    {
        for (int b = 0; b < batch; b++)
            for (int r = 0; r < rows; r++)
            {
                int at = (b * rows + r) * cols;
                var src = source.Slice(at, cols);
                var dst = destination.Slice(at, cols);
                // Long arithmetic: r + diagonal may overflow int for extreme diagonals.
                int split = (int)Math.Clamp((long)r + diagonal + (lower ? 1 : 0), 0, cols);
                if (lower)
                {
                    src[..split].CopyTo(dst);
                    dst[split..].Clear();
                }
                else
                {
                    dst[..split].Clear();
                    src[split..].CopyTo(dst[split..]);
                }
            }
    }
}

namespace Descent.Kernels;

/// <summary>
/// C = A·Bᵀ for a few rows of A and many of B (a small batch through a Linear layer: x [m, k] by a weight
/// [n, k]) computed as its transpose, Cᵀ = B·Aᵀ, then transposed into C. In that product the weight is the
/// A operand, read in place by the register-blocked kernel 12 (or 8) rows at a time, and the batch is the B
/// operand, packed once into 32- or 48-wide panels (m·k floats, small). Run as A·Bᵀ instead, the packed path
/// would copy the whole weight to use each panel a few times, and the dot-product tiles
/// (<see cref="DotTiles"/>) end every output in a horizontal sum and stream the weight once per 4 rows
/// (measured on one core of a Xeon, model 207: 32 x 256 x 784 from 154 to 74 µs, 32 x 128 x 256 from 39
/// to 12 µs, 64 x 256 x 784 from 325 to 160 µs). Each element of Cᵀ takes the packed path's operations,
/// which depend only on the shape, and the transpose moves it unchanged, so results are bit-identical for
/// every thread count.
/// </summary>
internal static unsafe class GemmTransposedProduct
{
    /// <summary>
    /// At least this many rows of A: Cᵀ's tiles are 32 columns wide (16 to 48 on the 8 x 48 tile), so fewer rows
    /// leave most of each tile empty (16 x 256 x 784: 91 µs this way, 87 µs as dot products).
    /// </summary>
    internal const int MinRows = 24;

    /// <summary>
    /// Whether an A·Bᵀ product of this shape runs here: the widest kernel (the only one that reads A in
    /// place), few rows of A, and more rows of B than <see cref="Gemm.DotTileRows"/>, so Cᵀ itself takes
    /// the packed path and never comes back here.
    /// </summary>
    public static bool Suits(int m, int n, int k) =>
        Gemm.Path == GemmPath.Vector512 && m >= MinRows && m <= Gemm.DotTileRows && n > Gemm.DotTileRows && k >= 64;

    /// <summary>C (m x n) = A (m x k) · B (n x k)ᵀ, added when <paramref name="accumulate"/>, then finished by <paramref name="epilogue"/>.</summary>
    public static void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, int n, int k, Span<float> c,
        bool accumulate, int parts, GemmEpilogue epilogue)
    {
        var transposed = ScratchPool.Rent(m * n);
        try
        {
            Gemm.Run(false, true, n, m, k, b, a, transposed, accumulate: false, parts);
            fixed (float* t = transposed, pc = c)
            {
                Transpose(t, n, m, pc, accumulate);
                epilogue.Apply(pc, n, 0, m, 0, n);
            }
        }
        finally
        {
            ScratchPool.Return(transposed);
        }
    }

    /// <summary>
    /// <paramref name="source"/> [rows, cols] transposed into <paramref name="destination"/> [cols, rows], or
    /// added there: 8 x 8 blocks in registers, the edges (and a sum) element by element.
    /// </summary>
    private static void Transpose(float* source, int rows, int cols, float* destination, bool add)
    {
        int r8 = add ? 0 : rows & ~7, c8 = add ? 0 : cols & ~7;
        for (int r = 0; r < r8; r += 8)
            for (int col = 0; col < c8; col += 8)
                GemmPack.Transpose8x8(source + (long)r * cols + col, cols, destination + (long)col * rows + r, rows);
        for (int col = 0; col < cols; col++)
        {
            float* d = destination + (long)col * rows;
            float* s = source + col;
            // Below c8, only the rows past r8 are left.
            for (int r = col < c8 ? r8 : 0; r < rows; r++)
            {
                if (add) d[r] += s[(long)r * cols];
                else d[r] = s[(long)r * cols];
            }
        }
    }
}

namespace Descent.Kernels;

/// <summary>
/// Where one attention operand's rows lie for problem t = b·heads + h: row i of its [rows, width] matrix starts at
/// <see cref="Offset"/> + b·<see cref="BatchStride"/> + h·<see cref="HeadStride"/> + i·<see cref="RowStride"/>.
/// Back-to-back [count, rows, width] problems are <see cref="Dense"/>; a multi-head layer's [N, L, heads·D]
/// (or [L, N, heads·D]) projections, even q, k and v packed side by side in one [N, L, 3·heads·D], are read and
/// written in place, so no head split or merge is ever copied into a tensor of its own.
/// </summary>
internal readonly record struct AttentionLayout(int Heads, long BatchStride, int HeadStride, int RowStride, int Offset)
{
    /// <summary>Problems stored one after another, each [rows, width] with contiguous rows.</summary>
    public static AttentionLayout Dense(int rows, int width) => new(1, (long)rows * width, 0, width, 0);

    /// <summary>
    /// Heads of width <paramref name="headWidth"/> side by side in rows of <paramref name="rowWidth"/> floats,
    /// from column <paramref name="column"/>: [batch, length, rowWidth] when <paramref name="batchFirst"/>, else
    /// [length, batch, rowWidth].
    /// </summary>
    public static AttentionLayout Interleaved(int heads, int headWidth, int batch, int length, int rowWidth, int column, bool batchFirst) =>
        batchFirst
            ? new(heads, (long)length * rowWidth, headWidth, rowWidth, column)
            : new(heads, rowWidth, headWidth, batch * rowWidth, column);

    /// <summary>Whether a problem's rows are one contiguous run, so the products read and write them in place.</summary>
    public bool IsDense(int width) => RowStride == width;

    /// <summary>Offset of problem <paramref name="t"/>'s first row.</summary>
    public long Start(int t) => Offset + t / Heads * BatchStride + (long)(t % Heads) * HeadStride;
}

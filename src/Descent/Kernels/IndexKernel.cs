namespace Descent.Kernels;

/// <summary>
/// The loops of the ops that take integer indices (Gather, Scatter, ScatterAdd, IndexSelect): first every
/// index becomes a flat position, checked once; then values move between flat positions. Scalar and in
/// index order, so accumulation into a repeated position is deterministic.
/// </summary>
internal static class IndexKernel
{
    /// <summary>
    /// For each element of a tensor shaped <paramref name="walkShape"/> (row-major), the flat position of the
    /// element at the same coordinate in a tensor with <paramref name="strides"/>, with coordinate
    /// <paramref name="dim"/> replaced by that element's index (no replacement when <paramref name="dim"/> is
    /// negative, and <paramref name="index"/> is not read). Returns the flat position in the walk of the first
    /// index outside [0, <paramref name="size"/>), or -1 when every index is in range.
    /// </summary>
    public static int Positions(ReadOnlySpan<long> index, int[] walkShape, int[] strides, int dim, int size, Span<int> positions)
    {
        var coord = new int[walkShape.Length];
        int offset = 0;  // the position of coord with coordinate dim taken as 0
        for (int p = 0; p < positions.Length; p++)
        {
            int at = offset;
            if (dim >= 0)
            {
                long v = index[p];
                if ((ulong)v >= (ulong)size) return p;
                at += (int)v * strides[dim];
            }
            positions[p] = at;
            // Advance coord like an odometer, keeping offset in step (coordinate dim never moves it).
            for (int k = coord.Length - 1; k >= 0; k--)
            {
                coord[k]++;
                if (k != dim) offset += strides[k];
                if (coord[k] < walkShape[k]) break;
                if (k != dim) offset -= coord[k] * strides[k];
                coord[k] = 0;
            }
        }
        return -1;
    }

    /// <summary>destination[p] = source[positions[p]].</summary>
    public static void Gather(ReadOnlySpan<float> source, ReadOnlySpan<int> positions, Span<float> destination)
    {
        for (int p = 0; p < destination.Length; p++) destination[p] = source[positions[p]];
    }

    /// <summary>destination[positions[p]] += source[p], in order of p.</summary>
    public static void ScatterAdd(ReadOnlySpan<float> source, ReadOnlySpan<int> positions, Span<float> destination)
    {
        for (int p = 0; p < source.Length; p++) destination[positions[p]] += source[p];
    }

    /// <summary>
    /// destination[to[p]] = source[from[p]] (or += when <paramref name="accumulate"/>), in order of p, so that
    /// of repeated targets the last one written wins.
    /// </summary>
    public static void Scatter(ReadOnlySpan<float> source, ReadOnlySpan<int> from, ReadOnlySpan<int> to, Span<float> destination, bool accumulate)
    {
        if (accumulate)
            for (int p = 0; p < to.Length; p++) destination[to[p]] += source[from[p]];
        else
            for (int p = 0; p < to.Length; p++) destination[to[p]] = source[from[p]];
    }

    /// <summary>destination[positions[p]] = value.</summary>
    public static void Fill(ReadOnlySpan<int> positions, float value, Span<float> destination)
    {
        foreach (int p in positions) destination[p] = value;
    }
}

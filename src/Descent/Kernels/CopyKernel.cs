namespace Descent.Kernels;

/// <summary>Layout-changing copies: permutations of dimensions, for any element type (floats, indices, masks).</summary>
internal static class CopyKernel
{
    /// <summary>Writes <paramref name="source"/> (shape <paramref name="shape"/>) permuted by <paramref name="perm"/> into <paramref name="destination"/>.</summary>
    public static void Permute<T>(ReadOnlySpan<T> source, int[] shape, int[] perm, Span<T> destination)
    {
        var srcStrides = Strided.RowMajor(shape);
        var outShape = new int[perm.Length];
        var readStrides = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            outShape[i] = shape[perm[i]];
            readStrides[i] = srcStrides[perm[i]];
        }
        if (destination.Length == 0) return;
        var (cShape, cStrides) = Strided.Coalesce(outShape, readStrides, Strided.RowMajor(outShape));
        int n = cShape[^1], s = cStrides[0][^1];
        var index = new int[cShape.Length];
        Span<int> offsets = stackalloc int[2];
        for (int dOff = 0; dOff < destination.Length; dOff += n)
        {
            int o = offsets[0];
            var row = destination.Slice(dOff, n);
            if (s == 1) source.Slice(o, n).CopyTo(row);
            else for (int j = 0; j < n; j++) row[j] = source[o + j * s];
            Strided.Next(index, cShape, cStrides, offsets);
        }
    }
}

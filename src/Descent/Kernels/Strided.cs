namespace Descent.Kernels;

/// <summary>
/// Layout arithmetic shared by the broadcasting kernels: drops size-1 dimensions and merges neighbours
/// that are contiguous in every operand, so most broadcasts become a short outer loop over long
/// contiguous rows that TensorPrimitives can vectorize.
/// </summary>
internal static class Strided
{
    /// <summary>
    /// Coalesces <paramref name="shape"/> with one stride array per operand (stride 0 = broadcast).
    /// Returns the reduced shape and strides; a scalar-shaped result becomes [1].
    /// </summary>
    public static (int[] Shape, int[][] Strides) Coalesce(ReadOnlySpan<int> shape, params int[][] strides)
    {
        var dims = new List<int>(shape.Length);
        for (int i = 0; i < shape.Length; i++) if (shape[i] != 1) dims.Add(i);
        if (dims.Count == 0) return ([1], strides.Select(_ => new[] { 0 }).ToArray());

        var outShape = new List<int> { shape[dims[^1]] };
        var outStrides = strides.Select(s => new List<int> { s[dims[^1]] }).ToArray();
        for (int k = dims.Count - 2; k >= 0; k--)
        {
            int d = dims[k];
            int innerSize = outShape[0];
            bool mergeable = true;
            for (int o = 0; o < strides.Length; o++)
                if (strides[o][d] != outStrides[o][0] * innerSize) { mergeable = false; break; }
            if (mergeable)
            {
                outShape[0] *= shape[d];
            }
            else
            {
                outShape.Insert(0, shape[d]);
                for (int o = 0; o < strides.Length; o++) outStrides[o].Insert(0, strides[o][d]);
            }
        }
        return (outShape.ToArray(), outStrides.Select(s => s.ToArray()).ToArray());
    }

    /// <summary>Advances a multi-index over all but the last dimension, updating each operand's offset.</summary>
    public static void Next(int[] index, ReadOnlySpan<int> shape, int[][] strides, Span<int> offsets)
    {
        for (int d = shape.Length - 2; d >= 0; d--)
        {
            index[d]++;
            for (int o = 0; o < strides.Length; o++) offsets[o] += strides[o][d];
            if (index[d] < shape[d]) return;
            for (int o = 0; o < strides.Length; o++) offsets[o] -= strides[o][d] * shape[d];
            index[d] = 0;
        }
    }
}

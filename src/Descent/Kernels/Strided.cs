namespace Descent.Kernels;

/// <summary>
/// Layout arithmetic shared by the broadcasting kernels: drops size-1 dimensions and merges neighbours
/// that are contiguous in every operand, so most broadcasts become a short outer loop over long
/// contiguous rows that TensorPrimitives can vectorize.
/// </summary>
internal static class Strided
{
    /// <summary>Row-major (contiguous) strides of a shape.</summary>
    public static int[] RowMajor(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

    /// <summary>
    /// Strides for reading a row-major array of <paramref name="shape"/> as if it had <paramref name="target"/>'s
    /// shape: broadcast dimensions get stride 0.
    /// </summary>
    public static int[] Broadcast(ReadOnlySpan<int> shape, ReadOnlySpan<int> target)
    {
        var own = RowMajor(shape);
        var result = new int[target.Length];
        int offset = target.Length - shape.Length;
        for (int i = 0; i < shape.Length; i++)
            result[i + offset] = shape[i] == 1 && target[i + offset] != 1 ? 0 : own[i];
        return result;
    }

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

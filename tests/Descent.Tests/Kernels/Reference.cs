namespace Descent.Tests.Kernels;

/// <summary>Slow, obviously correct versions of the kernels, index by index.</summary>
internal static class Reference
{
    public static float[] Broadcast(float[] a, int[] aShape, float[] b, int[] bShape, Func<float, float, float> op, out int[] outShape)
    {
        outShape = Shape.Broadcast("reference", aShape, bShape);
        int n = Shape.Numel(outShape);
        var result = new float[n];
        var index = new int[outShape.Length];
        for (int flat = 0; flat < n; flat++)
        {
            int rem = flat;
            for (int d = outShape.Length - 1; d >= 0; d--)
            {
                index[d] = rem % outShape[d];
                rem /= outShape[d];
            }
            result[flat] = op(a[Offset(index, aShape)], b[Offset(index, bShape)]);
        }
        return result;
    }

    /// <summary>Sums <paramref name="full"/> (of <paramref name="fullShape"/>) onto <paramref name="shape"/>, the reverse of broadcasting.</summary>
    public static float[] SumTo(float[] full, int[] fullShape, int[] shape)
    {
        var result = new double[Shape.Numel(shape)];
        var index = new int[fullShape.Length];
        for (int flat = 0; flat < full.Length; flat++)
        {
            int rem = flat;
            for (int d = fullShape.Length - 1; d >= 0; d--)
            {
                index[d] = rem % fullShape[d];
                rem /= fullShape[d];
            }
            result[Offset(index, shape)] += full[flat];
        }
        return result.Select(v => (float)v).ToArray();
    }

    /// <summary>Flat offset into a tensor of <paramref name="shape"/> read at an index of the (larger) broadcast shape.</summary>
    private static int Offset(int[] index, int[] shape)
    {
        int lead = index.Length - shape.Length, offset = 0;
        for (int d = 0; d < shape.Length; d++)
            offset = offset * shape[d] + (shape[d] == 1 ? 0 : index[lead + d]);
        return offset;
    }

    public static float[] RandomData(Generator g, int n)
    {
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float)(g.NextDouble() * 4 - 2);
        return data;
    }

    /// <summary>A random broadcastable pair: an output shape, then each operand drops leading dims or sets some to 1.</summary>
    public static (int[] A, int[] B) RandomBroadcastPair(Generator g, int maxRank = 4, int maxDim = 6)
    {
        int rank = g.NextInt(maxRank + 1);
        var outShape = new int[rank];
        for (int i = 0; i < rank; i++) outShape[i] = 1 + g.NextInt(maxDim);
        int[] Operand()
        {
            int drop = g.NextInt(rank + 1);
            var s = outShape[drop..];
            for (int i = 0; i < s.Length; i++) if (g.NextInt(3) == 0) s[i] = 1;
            return s;
        }
        return (Operand(), Operand());
    }
}

namespace Descent.Kernels;

/// <summary>A scalar function of two elements, inlined into <see cref="ElementwiseKernel.Broadcast{TA, TB, TOut, TOp}"/>.</summary>
internal interface IElementOp<TA, TB, TOut>
{
    static abstract TOut Apply(TA a, TB b);
}

/// <summary>
/// Broadcasting elementwise loops for element types TensorPrimitives does not cover (64-bit indices,
/// masks). Index and mask arithmetic is small next to the float work it feeds, so these stay scalar.
/// </summary>
internal static class ElementwiseKernel
{
    /// <summary>destination[i] = TOp(a[i], b[i]) with NumPy broadcasting of both shapes to <paramref name="outShape"/>.</summary>
    public static void Broadcast<TA, TB, TOut, TOp>(ReadOnlySpan<TA> a, int[] aShape, ReadOnlySpan<TB> b, int[] bShape, Span<TOut> destination, int[] outShape)
        where TOp : IElementOp<TA, TB, TOut>
    {
        if (destination.Length == 0) return;
        var (shape, strides) = Strided.Coalesce(outShape, Strided.Broadcast(aShape, outShape), Strided.Broadcast(bShape, outShape));
        int n = shape[^1], sa = strides[0][^1], sb = strides[1][^1];
        var index = new int[shape.Length];
        Span<int> offsets = stackalloc int[2];
        for (int dOff = 0; dOff < destination.Length; dOff += n)
        {
            int oa = offsets[0], ob = offsets[1];
            var row = destination.Slice(dOff, n);
            for (int j = 0; j < n; j++) row[j] = TOp.Apply(a[oa + j * sa], b[ob + j * sb]);
            Strided.Next(index, shape, strides, offsets);
        }
    }

    /// <summary>destination[i] = TOp(source[i], scalar) over equal lengths.</summary>
    public static void WithScalar<TA, TB, TOut, TOp>(ReadOnlySpan<TA> source, TB scalar, Span<TOut> destination)
        where TOp : IElementOp<TA, TB, TOut>
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = TOp.Apply(source[i], scalar);
    }
}

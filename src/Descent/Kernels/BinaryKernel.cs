using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>
/// An elementwise binary operation in its three vector forms, each a TensorPrimitives call, and on one pair of
/// numbers, with the same bits as the vector forms (IEEE arithmetic; Max and Min as <see cref="float.Max"/> and
/// <see cref="float.Min"/>, which TensorPrimitives follows).
/// </summary>
internal interface IBinaryOp
{
    static abstract float Apply(float x, float y);
    static abstract void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination);
    static abstract void Apply(ReadOnlySpan<float> x, float y, Span<float> destination);
    static abstract void Apply(float x, ReadOnlySpan<float> y, Span<float> destination);
}

internal struct AddOp : IBinaryOp
{
    public static float Apply(float x, float y) => x + y;
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Add(x, y, d);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> d) => TensorPrimitives.Add(x, y, d);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Add(y, x, d);
}

internal struct SubOp : IBinaryOp
{
    public static float Apply(float x, float y) => x - y;
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Subtract(x, y, d);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> d) => TensorPrimitives.Subtract(x, y, d);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Subtract(x, y, d);
}

internal struct MulOp : IBinaryOp
{
    public static float Apply(float x, float y) => x * y;
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Multiply(x, y, d);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> d) => TensorPrimitives.Multiply(x, y, d);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Multiply(y, x, d);
}

internal struct DivOp : IBinaryOp
{
    public static float Apply(float x, float y) => x / y;
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Divide(x, y, d);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> d) => TensorPrimitives.Divide(x, y, d);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Divide(x, y, d);
}

internal struct MaxOp : IBinaryOp
{
    public static float Apply(float x, float y) => float.Max(x, y);
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Max(x, y, d);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> d) => TensorPrimitives.Max(x, y, d);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Max(y, x, d);
}

internal struct MinOp : IBinaryOp
{
    public static float Apply(float x, float y) => float.Min(x, y);
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Min(x, y, d);
    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> d) => TensorPrimitives.Min(x, y, d);
    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Min(y, x, d);
}

// The float relations, each a struct the elementwise kernel inlines; comparisons give BoolTensor masks.
internal struct Eq : IElementOp<float, float, bool> { public static bool Apply(float x, float y) => x == y; }
internal struct Ne : IElementOp<float, float, bool> { public static bool Apply(float x, float y) => x != y; }
internal struct Lt : IElementOp<float, float, bool> { public static bool Apply(float x, float y) => x < y; }
internal struct Le : IElementOp<float, float, bool> { public static bool Apply(float x, float y) => x <= y; }
internal struct Gt : IElementOp<float, float, bool> { public static bool Apply(float x, float y) => x > y; }
internal struct Ge : IElementOp<float, float, bool> { public static bool Apply(float x, float y) => x >= y; }

/// <summary>Runs a binary op over two operands broadcast to a common shape.</summary>
internal static unsafe class BinaryKernel
{
    /// <summary>
    /// Operands of the same shape are split across threads from this many elements per part (a transformer
    /// block's residual adds, 768 × 128, stream 1.2 MB each); each element's operation is the same in any part.
    /// </summary>
    internal const int ElementsPerThread = 1 << 15;

    private struct Job
    {
        public float* A, B, D;
        public int Length, Parts;
    }

    /// <summary>
    /// Below this many elements an out-of-place op with operands of the destination's shape is a plain loop: for a
    /// tensor smaller than one vector, TensorPrimitives' length and overlap checks cost more than the arithmetic.
    /// </summary>
    internal const int SmallLength = 8;

    /// <summary>
    /// <see cref="Run{TOp}"/> into a destination that overlaps neither operand (a new tensor's buffer), which lets a
    /// tiny op skip the checks a destination that may alias an operand needs.
    /// </summary>
    public static void RunNew<TOp>(ReadOnlySpan<float> a, int[] aShape, ReadOnlySpan<float> b, int[] bShape,
        Span<float> destination, int[] outShape) where TOp : IBinaryOp
    {
        int n = destination.Length;
        if (n < SmallLength && a.Length == n && b.Length == n)
        {
            for (int i = 0; i < n; i++) destination[i] = TOp.Apply(a[i], b[i]);
            return;
        }
        Run<TOp>(a, aShape, b, bShape, destination, outShape);
    }

    public static void Run<TOp>(ReadOnlySpan<float> a, int[] aShape, ReadOnlySpan<float> b, int[] bShape,
        Span<float> destination, int[] outShape) where TOp : IBinaryOp
    {
        if (a.Length == destination.Length && b.Length == destination.Length)
        {
            int parts = ParallelPartition.Parts(destination.Length, ElementsPerThread, int.MaxValue);
            if (parts == 1)
            {
                TOp.Apply(a, b, destination);
                return;
            }
            fixed (float* pa = a, pb = b, pd = destination)
            {
                var job = new Job { A = pa, B = pb, D = pd, Length = destination.Length, Parts = parts };
                ParallelPool.Run(parts, &Part<TOp>, &job);
            }
            return;
        }
        if (b.Length == 1 && a.Length == destination.Length)
        {
            TOp.Apply(a, b[0], destination);
            return;
        }
        if (a.Length == 1 && b.Length == destination.Length)
        {
            TOp.Apply(a[0], b, destination);
            return;
        }
        if (destination.Length == 0) return;

        var (shape, strides) = Strided.Coalesce(outShape, Strided.Broadcast(aShape, outShape), Strided.Broadcast(bShape, outShape));
        int n = shape[^1];
        int sa = strides[0][^1], sb = strides[1][^1];
        var index = new int[shape.Length];
        Span<int> offsets = stackalloc int[2];
        for (int dOff = 0; dOff < destination.Length; dOff += n)
        {
            var row = destination.Slice(dOff, n);
            int ia = offsets[0], ib = offsets[1];
            if (sa != 0 && sb != 0) TOp.Apply(a.Slice(ia, n), b.Slice(ib, n), row);
            else if (sa == 0 && sb != 0) TOp.Apply(a[ia], b.Slice(ib, n), row);
            else if (sa != 0) TOp.Apply(a.Slice(ia, n), b[ib], row);
            else
            {
                TOp.Apply(a.Slice(ia, 1), b[ib], row[..1]);
                row.Fill(row[0]);
            }
            Strided.Next(index, shape, strides, offsets);
        }
    }

    private static void Part<TOp>(int part, void* state) where TOp : IBinaryOp
    {
        ref var job = ref *(Job*)state;
        // Ranges start on cache-line boundaries, so two threads never write the same line.
        var (start, end) = ParallelPartition.Range(job.Length, job.Parts, part, 16);
        if (end > start)
            TOp.Apply(new ReadOnlySpan<float>(job.A + start, end - start), new ReadOnlySpan<float>(job.B + start, end - start), new Span<float>(job.D + start, end - start));
    }

    /// <summary>Copies <paramref name="source"/> broadcast to <paramref name="outShape"/>.</summary>
    public static void BroadcastCopy<T>(ReadOnlySpan<T> source, int[] sourceShape, Span<T> destination, int[] outShape)
    {
        if (source.Length == destination.Length)
        {
            source.CopyTo(destination);
            return;
        }
        if (destination.Length == 0) return;
        var (shape, strides) = Strided.Coalesce(outShape, Strided.Broadcast(sourceShape, outShape));
        int n = shape[^1], s = strides[0][^1];
        var index = new int[shape.Length];
        Span<int> offsets = stackalloc int[1];
        for (int dOff = 0; dOff < destination.Length; dOff += n)
        {
            if (s != 0) source.Slice(offsets[0], n).CopyTo(destination.Slice(dOff, n));
            else destination.Slice(dOff, n).Fill(source[offsets[0]]);
            Strided.Next(index, shape, strides, offsets);
        }
    }
}

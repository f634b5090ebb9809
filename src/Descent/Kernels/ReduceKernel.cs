using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>A reduction: how to fold a contiguous run, and how to fold two rows elementwise.</summary>
internal interface IReduceOp
{
    static abstract float Reduce(ReadOnlySpan<float> x);
    static abstract void Combine(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination);
}

internal struct SumReduce : IReduceOp
{
    public static float Reduce(ReadOnlySpan<float> x) => TensorPrimitives.Sum(x);
    public static void Combine(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Add(x, y, d);
}

internal struct MaxReduce : IReduceOp
{
    public static float Reduce(ReadOnlySpan<float> x) => TensorPrimitives.Max(x);
    public static void Combine(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Max(x, y, d);
}

internal struct MinReduce : IReduceOp
{
    public static float Reduce(ReadOnlySpan<float> x) => TensorPrimitives.Min(x);
    public static void Combine(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) => TensorPrimitives.Min(x, y, d);
}

/// <summary>
/// Reduces the middle axis of a tensor viewed as [outer, length, inner]. Rows are folded in a fixed
/// order, so results are bit-identical run to run.
/// </summary>
internal static class ReduceKernel
{
    public static void Run<TOp>(ReadOnlySpan<float> source, int outer, int length, int inner, Span<float> destination) where TOp : IReduceOp
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
                destination[o] = TOp.Reduce(source.Slice(o * length, length));
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            var dst = destination.Slice(o * inner, inner);
            var block = source.Slice(o * length * inner, length * inner);
            if (typeof(TOp) == typeof(SumReduce) && inner < Vector512<float>.Count && Vector512.IsHardwareAccelerated)
            {
                SumShortRows(block, length, inner, dst);
                continue;
            }
            block[..inner].CopyTo(dst);
            for (int l = 1; l < length; l++)
                TOp.Combine(dst, block.Slice(l * inner, inner), dst);
        }
    }

    /// <summary>
    /// Column sums of <paramref name="length"/> rows shorter than a 512-bit vector (a bias gradient of 10 classes over a
    /// batch): one vector load a row, its lanes past the row reading the next row's start and never written, where the
    /// row-by-row path makes a library call per row (the 784-256-128-10 MLP's last bias at a batch of 1024, 1024 x 10,
    /// from 8.6 to 1.3 µs on one core of a Xeon, model 207). The rows whose load would run past the block are added one float at a time. Each column is the
    /// same running sum from its first row in row order, so the same bits.
    /// </summary>
    private static unsafe void SumShortRows(ReadOnlySpan<float> block, int length, int inner, Span<float> destination)
    {
        // Rows [0, vectorRows) can be read as whole vectors without leaving the block.
        int vectorRows = block.Length < Vector512<float>.Count ? 0 : Math.Min(length, (block.Length - Vector512<float>.Count) / inner + 1);
        int l = 0;
        fixed (float* x = block)
        {
            if (vectorRows > 0)
            {
                var sum = Vector512.Load(x);
                for (l = 1; l < vectorRows; l++) sum += Vector512.Load(x + (long)l * inner);
                float* lanes = stackalloc float[Vector512<float>.Count];
                sum.Store(lanes);
                new ReadOnlySpan<float>(lanes, inner).CopyTo(destination);
            }
            else
            {
                block[..inner].CopyTo(destination);
                l = 1;
            }
            for (; l < length; l++)
                for (int j = 0; j < inner; j++) destination[j] += x[(long)l * inner + j];
        }
    }

    /// <summary>
    /// Index of the largest (or smallest) element of a contiguous run: the first NaN if there is one, else
    /// the first element equal to the extreme, as <c>torch.argmax</c>. TensorPrimitives ranks +0 above -0;
    /// PyTorch compares with <c>&gt;</c>, where they tie, so a zero extreme is looked up again by equality.
    /// </summary>
    public static int FirstExtreme(ReadOnlySpan<float> x, bool max)
    {
        int i = max ? TensorPrimitives.IndexOfMax(x) : TensorPrimitives.IndexOfMin(x);
        if (i <= 0 || x[i] != 0f) return i;
        int first = 0;
        while (x[first] != 0f) first++;
        return first;
    }

    /// <summary>Index of the largest element along the middle axis (the first one on ties, as PyTorch).</summary>
    public static void ArgMax(ReadOnlySpan<float> source, int outer, int length, int inner, Span<int> destination, bool max = true)
    {
        for (int o = 0; o < outer; o++)
        {
            var block = source.Slice(o * length * inner, length * inner);
            if (inner == 1)
            {
                destination[o] = FirstExtreme(block, max);
                continue;
            }
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                float bestValue = block[i];
                for (int l = 1; l < length; l++)
                {
                    float v = block[l * inner + i];
                    if (float.IsNaN(bestValue)) break;
                    if ((max ? v > bestValue : v < bestValue) || float.IsNaN(v))
                    {
                        best = l;
                        bestValue = v;
                    }
                }
                destination[o * inner + i] = best;
            }
        }
    }
}

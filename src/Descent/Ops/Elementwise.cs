using Descent.Kernels;

namespace Descent;

/// <summary>
/// Broadcasting elementwise ops for the integer and boolean kinds: the shape rule and the result's
/// storage once, each op a struct the kernel inlines.
/// </summary>
internal static class Elementwise
{
    /// <summary>Applies <typeparamref name="TOp"/> to two broadcast operands; the caller wraps the result in its kind.</summary>
    public static (TOut[] Data, int[] Shape) Map<TA, TB, TOut, TOp>(string op, ReadOnlySpan<TA> a, int[] aShape, ReadOnlySpan<TB> b, int[] bShape)
        where TOp : IElementOp<TA, TB, TOut>
    {
        var shape = Shape.Broadcast(op, aShape, bShape);
        var result = new TOut[Shape.Numel(shape)];
        ElementwiseKernel.Broadcast<TA, TB, TOut, TOp>(a, aShape, b, bShape, result, shape);
        return (result, shape);
    }

    /// <summary><see cref="Map{TA, TB, TOut, TOp}(string, ReadOnlySpan{TA}, int[], ReadOnlySpan{TB}, int[])"/> for two tensors of one kind.</summary>
    public static (TOut[] Data, int[] Shape) Map<T, TSelf, TOut, TOp>(string op, ValueTensor<T, TSelf> a, ValueTensor<T, TSelf> b)
        where T : unmanaged, IEquatable<T>
        where TSelf : ValueTensor<T, TSelf>
        where TOp : IElementOp<T, T, TOut>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Map<T, T, TOut, TOp>(op, a.Data, a.ShapeRef, b.Data, b.ShapeRef);
    }

    public readonly struct And : IElementOp<bool, bool, bool> { public static bool Apply(bool a, bool b) => a & b; }
    public readonly struct Or : IElementOp<bool, bool, bool> { public static bool Apply(bool a, bool b) => a | b; }
    public readonly struct Xor : IElementOp<bool, bool, bool> { public static bool Apply(bool a, bool b) => a ^ b; }

    public readonly struct Add : IElementOp<long, long, long> { public static long Apply(long a, long b) => a + b; }
    public readonly struct Sub : IElementOp<long, long, long> { public static long Apply(long a, long b) => a - b; }
    public readonly struct Mul : IElementOp<long, long, long> { public static long Apply(long a, long b) => a * b; }

    // Python's // and %: the quotient rounds toward -inf and the remainder takes the divisor's sign.
    public readonly struct FloorDivide : IElementOp<long, long, long>
    {
        public static long Apply(long a, long b)
        {
            if (b == 0) throw new DivideByZeroException("FloorDivide: integer division by zero");
            long q = a / b;
            return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
        }
    }

    public readonly struct Remainder : IElementOp<long, long, long>
    {
        public static long Apply(long a, long b)
        {
            if (b == 0) throw new DivideByZeroException("Remainder: integer division by zero");
            long r = a % b;
            return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
        }
    }

    public readonly struct Eq<T> : IElementOp<T, T, bool> where T : IEquatable<T> { public static bool Apply(T a, T b) => a.Equals(b); }
    public readonly struct Ne<T> : IElementOp<T, T, bool> where T : IEquatable<T> { public static bool Apply(T a, T b) => !a.Equals(b); }
    public readonly struct Lt : IElementOp<long, long, bool> { public static bool Apply(long a, long b) => a < b; }
    public readonly struct Le : IElementOp<long, long, bool> { public static bool Apply(long a, long b) => a <= b; }
    public readonly struct Gt : IElementOp<long, long, bool> { public static bool Apply(long a, long b) => a > b; }
    public readonly struct Ge : IElementOp<long, long, bool> { public static bool Apply(long a, long b) => a >= b; }
}

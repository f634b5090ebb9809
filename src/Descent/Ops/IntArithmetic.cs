namespace Descent;

// The arithmetic indices need (offsets, strides, token shifts), with broadcasting and Python's rounding for
// // and %; and comparisons, which give masks.
public sealed partial class IntTensor
{
    private static IntTensor Of((long[] Data, int[] Shape) result) => new(result.Data, 0, result.Shape);

    private static (long[] Data, int[] Shape) Map<TOp>(string op, IntTensor a, IntTensor b) where TOp : Kernels.IElementOp<long, long, long> =>
        Elementwise.Map<long, IntTensor, long, TOp>(op, a, b);

    private static BoolTensor Compare<TOp>(string op, IntTensor a, IntTensor b) where TOp : Kernels.IElementOp<long, long, bool> =>
        BoolTensor.Of(Elementwise.Map<long, IntTensor, bool, TOp>(op, a, b));

    /// <summary>Elementwise sum with broadcasting.</summary>
    public IntTensor Add(IntTensor other) => Of(Map<Elementwise.Add>("Add", this, other));

    /// <summary>Elementwise difference with broadcasting.</summary>
    public IntTensor Sub(IntTensor other) => Of(Map<Elementwise.Sub>("Sub", this, other));

    /// <summary>Elementwise product with broadcasting.</summary>
    public IntTensor Mul(IntTensor other) => Of(Map<Elementwise.Mul>("Mul", this, other));

    /// <summary>Elementwise quotient rounded toward −∞, like <c>a // b</c> or <c>torch.div(a, b, rounding_mode="floor")</c>.</summary>
    /// <example><code>IntTensor.FromArray([7L, -7]).FloorDivide(2) // tensor([ 3, -4])</code></example>
    public IntTensor FloorDivide(IntTensor other) => Of(Map<Elementwise.FloorDivide>("FloorDivide", this, other));

    /// <summary>Elementwise remainder with the divisor's sign, like <c>a % b</c> in Python and <c>torch.remainder</c>.</summary>
    public IntTensor Remainder(IntTensor other) => Of(Map<Elementwise.Remainder>("Remainder", this, other));

    /// <inheritdoc cref="Add(IntTensor)"/>
    public IntTensor Add(long value) => Add(Scalar(value));

    /// <inheritdoc cref="Sub(IntTensor)"/>
    public IntTensor Sub(long value) => Sub(Scalar(value));

    /// <inheritdoc cref="Mul(IntTensor)"/>
    public IntTensor Mul(long value) => Mul(Scalar(value));

    /// <inheritdoc cref="FloorDivide(IntTensor)"/>
    public IntTensor FloorDivide(long value) => FloorDivide(Scalar(value));

    /// <inheritdoc cref="Remainder(IntTensor)"/>
    public IntTensor Remainder(long value) => Remainder(Scalar(value));

    /// <summary>Elementwise negation.</summary>
    public IntTensor Neg() => Scalar(0).Sub(this);

    /// <summary>Sum of all elements.</summary>
    public long Sum()
    {
        long sum = 0;
        foreach (long v in Data) sum += v;
        return sum;
    }

    /// <summary>The largest element.</summary>
    public long Max() => Numel == 0 ? throw new InvalidOperationException("Max: the tensor is empty") : System.Numerics.Tensors.TensorPrimitives.Max(Data);

    /// <summary>The smallest element.</summary>
    public long Min() => Numel == 0 ? throw new InvalidOperationException("Min: the tensor is empty") : System.Numerics.Tensors.TensorPrimitives.Min(Data);

    /// <summary>True where this equals <paramref name="other"/> (broadcast).</summary>
    public BoolTensor Eq(IntTensor other) => Compare<Elementwise.Eq<long>>("Eq", this, other);

    /// <summary>True where this differs from <paramref name="other"/> (broadcast).</summary>
    public BoolTensor Ne(IntTensor other) => Compare<Elementwise.Ne<long>>("Ne", this, other);

    /// <summary>True where this is less than <paramref name="other"/> (broadcast).</summary>
    public BoolTensor Lt(IntTensor other) => Compare<Elementwise.Lt>("Lt", this, other);

    /// <summary>True where this is at most <paramref name="other"/> (broadcast).</summary>
    public BoolTensor Le(IntTensor other) => Compare<Elementwise.Le>("Le", this, other);

    /// <summary>True where this is greater than <paramref name="other"/> (broadcast).</summary>
    public BoolTensor Gt(IntTensor other) => Compare<Elementwise.Gt>("Gt", this, other);

    /// <summary>True where this is at least <paramref name="other"/> (broadcast).</summary>
    public BoolTensor Ge(IntTensor other) => Compare<Elementwise.Ge>("Ge", this, other);

    /// <inheritdoc cref="Eq(IntTensor)"/>
    public BoolTensor Eq(long value) => Eq(Scalar(value));

    /// <inheritdoc cref="Ne(IntTensor)"/>
    public BoolTensor Ne(long value) => Ne(Scalar(value));

    /// <inheritdoc cref="Lt(IntTensor)"/>
    public BoolTensor Lt(long value) => Lt(Scalar(value));

    /// <inheritdoc cref="Le(IntTensor)"/>
    public BoolTensor Le(long value) => Le(Scalar(value));

    /// <inheritdoc cref="Gt(IntTensor)"/>
    public BoolTensor Gt(long value) => Gt(Scalar(value));

    /// <inheritdoc cref="Ge(IntTensor)"/>
    public BoolTensor Ge(long value) => Ge(Scalar(value));

    /// <summary>Elementwise sum with broadcasting.</summary>
    public static IntTensor operator +(IntTensor a, IntTensor b) => a.Add(b);

    /// <summary>Elementwise difference with broadcasting.</summary>
    public static IntTensor operator -(IntTensor a, IntTensor b) => a.Sub(b);

    /// <summary>Elementwise product with broadcasting.</summary>
    public static IntTensor operator *(IntTensor a, IntTensor b) => a.Mul(b);

    /// <summary>Python's remainder (the divisor's sign).</summary>
    public static IntTensor operator %(IntTensor a, IntTensor b) => a.Remainder(b);

    /// <summary>Adds a number to every element.</summary>
    public static IntTensor operator +(IntTensor a, long b) => a.Add(b);

    /// <summary>Subtracts a number from every element.</summary>
    public static IntTensor operator -(IntTensor a, long b) => a.Sub(b);

    /// <summary>Multiplies every element by a number.</summary>
    public static IntTensor operator *(IntTensor a, long b) => a.Mul(b);

    /// <summary>Python's remainder of every element by a number.</summary>
    public static IntTensor operator %(IntTensor a, long b) => a.Remainder(b);

    /// <summary>Elementwise negation.</summary>
    public static IntTensor operator -(IntTensor a) => a.Neg();
}

public partial class Tensor
{
    /// <summary>
    /// The values as 64-bit integers, truncated toward zero, like <c>t.long()</c>; a NaN or infinite value,
    /// or one outside the long range, is refused (PyTorch gives an unspecified number).
    /// </summary>
    /// <example><code>Tensor.FromArray([2.7f, -1.5f]).Long() // tensor([ 2, -1])</code></example>
    public IntTensor Long()
    {
        var result = new IntTensor(_shape);
        var src = Data;
        var dst = result.DataSpan;
        for (int i = 0; i < dst.Length; i++)
        {
            float v = src[i];
            if (!float.IsFinite(v) || v >= 9.223372E18f || v < -9.223372E18f)
                throw new ArgumentException($"Long: element {i} is {v}, which has no 64-bit integer value");
            dst[i] = (long)v;
        }
        return result;
    }

    /// <summary>
    /// The values as indices for <paramref name="op"/>: every one must be a whole number (float targets and
    /// indices are still accepted where an <see cref="IntTensor"/> is expected, as long as they are exact).
    /// </summary>
    internal IntTensor AsIndices(string op)
    {
        var result = new IntTensor(_shape);
        var src = Data;
        var dst = result.DataSpan;
        for (int i = 0; i < dst.Length; i++)
        {
            float v = src[i];
            if (!float.IsFinite(v) || v != MathF.Round(v))
                throw new ArgumentException($"{op}: indices must be whole numbers; element {i} of the float index tensor is {v} (pass an IntTensor)");
            dst[i] = (long)v;
        }
        return result;
    }

    /// <summary>True where the value is non-zero, like <c>t.bool()</c>.</summary>
    public BoolTensor Bool()
    {
        var result = new BoolTensor(_shape);
        var src = Data;
        var dst = result.DataSpan;
        for (int i = 0; i < dst.Length; i++) dst[i] = src[i] != 0f;
        return result;
    }
}

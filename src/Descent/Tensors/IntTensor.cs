using System.Globalization;

namespace Descent;

/// <summary>
/// An n-dimensional array of 64-bit integers, PyTorch's index type (<c>torch.long</c>): token ids, class
/// targets, the indices that <c>ArgMax</c>, <c>TopK</c>, <c>Sort</c> and <c>Multinomial</c> return and that
/// <c>Embedding</c>, <c>Gather</c> and <c>IndexSelect</c> take. Exact for every index an array can hold
/// (a float is exact only below 2^24). No autograd: an index has no gradient.
/// </summary>
/// <example><code>
/// var tokens = IntTensor.FromArray([5, 2, 7], [3]);
/// var next = tokens + 1;                      // tensor([6, 3, 8])
/// Console.WriteLine(IntTensor.Arange(4));     // tensor([0, 1, 2, 3])
/// </code></example>
public sealed partial class IntTensor : ValueTensor<long, IntTensor>
{
    internal IntTensor(long[] storage, int offset, int[] shape) : base(storage, offset, shape) { }

    /// <summary>A new zero-filled tensor of the given shape.</summary>
    internal IntTensor(int[] shape) : this(new long[Descent.Shape.Numel(shape)], 0, shape) { }

    private protected override IntTensor Make(long[] storage, int offset, int[] shape) => new(storage, offset, shape);

    private protected override string DType => "torch.int64";

    private protected override ValueFormat<long> Formatter(ReadOnlySpan<long> shown) => new IntFormat(shown);

    /// <summary>A 1-D tensor holding a copy of <paramref name="data"/>.</summary>
    public static IntTensor FromArray(long[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new((long[])data.Clone(), 0, [data.Length]);
    }

    /// <summary>A tensor of exactly <paramref name="shape"/> (an empty shape is a 0-d scalar) holding a copy of <paramref name="data"/>.</summary>
    public static IntTensor FromArray(long[] data, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new((long[])data.Clone(), 0, ExactShape("IntTensor.FromArray", data.Length, shape));
    }

    /// <summary>A 1-D tensor of <paramref name="data"/> widened to 64 bits.</summary>
    public static IntTensor FromArray(int[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromArray(data, [data.Length]);
    }

    /// <summary>A tensor of exactly <paramref name="shape"/> holding <paramref name="data"/> widened to 64 bits.</summary>
    public static IntTensor FromArray(int[] data, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        var storage = new long[data.Length];
        for (int i = 0; i < data.Length; i++) storage[i] = data[i];
        return new(storage, 0, ExactShape("IntTensor.FromArray", data.Length, shape));
    }

    /// <summary>A 0-d tensor holding <paramref name="value"/>.</summary>
    public static IntTensor Scalar(long value) => new([value], 0, []);

    /// <summary>A tensor of the given shape filled with <paramref name="value"/>.</summary>
    public static IntTensor Full(int[] shape, long value)
    {
        var t = new IntTensor(Descent.Shape.Validate("IntTensor.Full", shape));
        t.DataSpan.Fill(value);
        return t;
    }

    /// <summary>A zero-filled tensor of the given shape.</summary>
    public static IntTensor Zeros(params int[] shape) => new(Descent.Shape.Validate("IntTensor.Zeros", shape));

    /// <summary>0, 1, ..., end - 1, like <c>torch.arange(end)</c>.</summary>
    public static IntTensor Arange(long end) => Arange(0, end);

    /// <summary>start, start + step, ... while below <paramref name="end"/> (above it for a negative step), like <c>torch.arange</c>.</summary>
    public static IntTensor Arange(long start, long end, long step = 1)
    {
        if (step == 0) throw new ArgumentOutOfRangeException(nameof(step), "IntTensor.Arange: step must be non-zero");
        long count = step > 0 ? (end - start + step - 1) / step : (start - end - step - 1) / -step;
        count = Math.Max(count, 0);
        if (count > Array.MaxLength) throw new ArgumentException($"IntTensor.Arange: {count} elements are more than an array can hold");
        var t = new IntTensor([(int)count]);
        var d = t.DataSpan;
        for (int i = 0; i < d.Length; i++) d[i] = start + i * step;
        return t;
    }

    /// <summary>Integers drawn uniformly from [low, high), like <c>torch.randint</c>.</summary>
    public static IntTensor RandInt(long low, long high, int[] shape, Generator? generator = null)
    {
        if (high <= low) throw new ArgumentOutOfRangeException(nameof(high), $"IntTensor.RandInt: high must be > low; got low={low}, high={high}");
        var g = generator ?? Generator.Default;
        var t = new IntTensor(Descent.Shape.Validate("IntTensor.RandInt", shape));
        var d = t.DataSpan;
        ulong range = (ulong)(high - low);
        for (int i = 0; i < d.Length; i++) d[i] = low + (long)g.NextBelow(range);
        return t;
    }

    /// <summary>The values as float32, like <c>t.float()</c>; exact up to 2^24 in magnitude.</summary>
    public Tensor Float()
    {
        var result = Tensor.Uninitialized(ShapeRef);
        var src = Data;
        var dst = result.DataSpan;
        for (int i = 0; i < dst.Length; i++) dst[i] = src[i];
        return result;
    }

    /// <summary>True where the value is non-zero, like <c>t.bool()</c>.</summary>
    public BoolTensor Bool()
    {
        var result = new BoolTensor(ShapeRef);
        var src = Data;
        var dst = result.DataSpan;
        for (int i = 0; i < dst.Length; i++) dst[i] = src[i] != 0;
        return result;
    }

    /// <summary>The shape a factory was asked for, checked against the data's length.</summary>
    internal static int[] ExactShape(string op, int length, int[] shape)
    {
        var s = Descent.Shape.Validate(op, shape);
        if (Descent.Shape.Numel(s) != length)
            throw new ArgumentException($"{op}: {length} values do not fill shape {Descent.Shape.Format(s)} ({Descent.Shape.Numel(s)} elements)");
        return s;
    }

    // PyTorch prints int64 tensors with plain integers right-aligned to the widest one shown, and no dtype.
    private sealed class IntFormat : ValueFormat<long>
    {
        public IntFormat(ReadOnlySpan<long> shown)
        {
            foreach (long v in shown) Width = Math.Max(Width, v.ToString(CultureInfo.InvariantCulture).Length);
        }

        public override int Width { get; } = 1;

        public override string Format(long value) => value.ToString(CultureInfo.InvariantCulture).PadLeft(Width);
    }
}

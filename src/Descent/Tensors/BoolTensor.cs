namespace Descent;

/// <summary>
/// An n-dimensional array of booleans (<c>torch.bool</c>): the masks that comparisons return and that
/// <c>Where</c> and <c>MaskedFill</c> take. No autograd: a mask has no gradient.
/// </summary>
/// <example><code>
/// var scores = Tensor.FromArray([0.5f, -1f, 2f]);
/// BoolTensor positive = scores.Gt(0f);                 // tensor([ True, False,  True])
/// var kept = scores.MaskedFill(!positive, 0f);         // tensor([0.5000, 0.0000, 2.0000])
/// </code></example>
public sealed partial class BoolTensor : ValueTensor<bool, BoolTensor>
{
    internal BoolTensor(bool[] storage, int offset, int[] shape) : base(storage, offset, shape) { }

    /// <summary>A new all-false tensor of the given shape.</summary>
    internal BoolTensor(int[] shape) : this(new bool[Descent.Shape.Numel(shape)], 0, shape) { }

    private protected override BoolTensor Make(bool[] storage, int offset, int[] shape) => new(storage, offset, shape);

    private protected override string DType => "torch.bool";

    private protected override ValueFormat<bool> Formatter(ReadOnlySpan<bool> shown) => new BoolFormat(shown);

    /// <summary>A 1-D tensor holding a copy of <paramref name="data"/>.</summary>
    public static BoolTensor FromArray(bool[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new((bool[])data.Clone(), 0, [data.Length]);
    }

    /// <summary>A tensor of exactly <paramref name="shape"/> (an empty shape is a 0-d scalar) holding a copy of <paramref name="data"/>.</summary>
    public static BoolTensor FromArray(bool[] data, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new((bool[])data.Clone(), 0, IntTensor.ExactShape("BoolTensor.FromArray", data.Length, shape));
    }

    /// <summary>A tensor of the given shape filled with <paramref name="value"/>.</summary>
    public static BoolTensor Full(int[] shape, bool value)
    {
        var t = new BoolTensor(Descent.Shape.Validate("BoolTensor.Full", shape));
        t.DataSpan.Fill(value);
        return t;
    }

    /// <summary>1 where true and 0 where false, as float32, like <c>mask.float()</c> (for example to average a hit rate).</summary>
    public Tensor Float()
    {
        var result = Tensor.Uninitialized(ShapeRef);
        var src = Data;
        var dst = result.DataSpan;
        for (int i = 0; i < dst.Length; i++) dst[i] = src[i] ? 1f : 0f;
        return result;
    }

    /// <summary>1 where true and 0 where false, as integers, like <c>mask.long()</c>.</summary>
    public IntTensor Long()
    {
        var result = new IntTensor(ShapeRef);
        var src = Data;
        var dst = result.DataSpan;
        for (int i = 0; i < dst.Length; i++) dst[i] = src[i] ? 1 : 0;
        return result;
    }

    /// <summary>True when any element is true, like <c>mask.any()</c>.</summary>
    public bool Any() => Data.Contains(true);

    /// <summary>True when every element is true (and for an empty mask), like <c>mask.all()</c>.</summary>
    public bool All() => !Data.Contains(false);

    /// <summary>The number of true elements, like <c>mask.sum()</c> or <c>torch.count_nonzero</c>.</summary>
    public long CountTrue() => Data.Count(true);

    /// <summary>Elementwise and, with broadcasting.</summary>
    public static BoolTensor operator &(BoolTensor a, BoolTensor b) => Of(Elementwise.Map<bool, BoolTensor, bool, Elementwise.And>("And", a, b));

    /// <summary>Elementwise or, with broadcasting.</summary>
    public static BoolTensor operator |(BoolTensor a, BoolTensor b) => Of(Elementwise.Map<bool, BoolTensor, bool, Elementwise.Or>("Or", a, b));

    /// <summary>Elementwise exclusive or, with broadcasting.</summary>
    public static BoolTensor operator ^(BoolTensor a, BoolTensor b) => Of(Elementwise.Map<bool, BoolTensor, bool, Elementwise.Xor>("Xor", a, b));

    /// <summary>A mask over the result of an elementwise op.</summary>
    internal static BoolTensor Of((bool[] Data, int[] Shape) result) => new(result.Data, 0, result.Shape);

    /// <summary>Elementwise not, like <c>~mask</c> or <c>mask.logical_not()</c>.</summary>
    public static BoolTensor operator !(BoolTensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var result = new BoolTensor(a.ShapeRef);
        var src = a.Data;
        var dst = result.DataSpan;
        for (int i = 0; i < dst.Length; i++) dst[i] = !src[i];
        return result;
    }

    /// <summary>Elementwise not, like <c>~mask</c>.</summary>
    public static BoolTensor operator ~(BoolTensor a) => !a;

    // PyTorch pads every element to the width of "False" once any is false, and prints " True" beside it.
    private sealed class BoolFormat(ReadOnlySpan<bool> shown) : ValueFormat<bool>
    {
        public override int Width { get; } = shown.Contains(false) ? 5 : 4;

        public override string Format(bool value) => (value ? "True" : "False").PadLeft(Width);
    }
}

using System.Numerics.Tensors;

namespace Descent;

// Bridges to System.Numerics.Tensors: a Descent tensor seen as a TensorSpan, and a tensor made from one.
public partial class Tensor
{
    /// <summary>
    /// The tensor's elements as a writable <see cref="TensorSpan{T}"/> with the tensor's shape, over the
    /// same storage (no copy): a write through the span is a write to the tensor and bypasses autograd,
    /// like <see cref="DataSpan"/>. Every Descent tensor, a view made by <c>Reshape</c> or an index
    /// included, is one dense row-major run of its storage (<c>Transpose</c> copies), so the span's
    /// strides are always the dense ones and no tensor needs a copy or a refusal here. A zero-dimensional
    /// tensor is seen with lengths [1], since a tensor span has at least one dimension.
    /// </summary>
    /// <example><code>
    /// var t = Tensor.Zeros(2, 3);
    /// TensorSpan&lt;float&gt; span = t.AsTensorSpan();
    /// span[1, 2] = 5f;                // t.At(1, 2) is now 5
    /// </code></example>
    public TensorSpan<float> AsTensorSpan() => new(Storage, Offset, Lengths(_shape), []);

    /// <summary>
    /// The tensor's elements as a <see cref="ReadOnlyTensorSpan{T}"/> with the tensor's shape, over the
    /// same storage (no copy), as <see cref="AsTensorSpan"/> but read-only: what an API that takes
    /// System.Numerics.Tensors spans (<c>Tensor.Sum</c>, <c>TensorPrimitives</c>) reads in place.
    /// </summary>
    /// <example><code>
    /// var t = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
    /// float total = System.Numerics.Tensors.Tensor.Sum(t.AsReadOnlyTensorSpan()); // 10
    /// </code></example>
    public ReadOnlyTensorSpan<float> AsReadOnlyTensorSpan() => new(Storage, Offset, Lengths(_shape), []);

    /// <summary>
    /// A new tensor holding a copy of <paramref name="span"/>'s elements, in row-major order, with its
    /// lengths as the shape (strided or broadcast spans are read through their strides). Always a copy:
    /// a span is a <c>ref struct</c> that a tensor cannot keep, and it does not say which array it
    /// covers. To share memory, go the other way: make the Descent tensor and take its
    /// <see cref="AsTensorSpan"/>.
    /// </summary>
    /// <example><code>
    /// float[] values = [1f, 2f, 3f, 4f, 5f, 6f];
    /// var t = Tensor.From(values.AsReadOnlyTensorSpan([2, 3])); // shape [2, 3]
    /// </code></example>
    public static Tensor From(ReadOnlyTensorSpan<float> span)
    {
        var shape = Descent.Shape.Validate("From", Dimensions("From", span.Lengths));
        var t = Uninitialized(shape);
        span.FlattenTo(t.DataSpan);
        return t;
    }

    /// <summary>A copy of a writable span, as <see cref="From(ReadOnlyTensorSpan{float})"/>.</summary>
    /// <example><code>
    /// var t = Tensor.From(new float[6].AsTensorSpan([3, 2]));
    /// </code></example>
    public static Tensor From(TensorSpan<float> span) => From((ReadOnlyTensorSpan<float>)span);

    /// <summary>
    /// A new tensor holding a copy of a <see cref="System.Numerics.Tensors.Tensor{T}"/>'s elements with its
    /// shape. A copy because <c>Tensor&lt;T&gt;</c> does not expose the array it wraps, and a Descent
    /// tensor needs one.
    /// </summary>
    /// <example><code>
    /// var source = System.Numerics.Tensors.Tensor.Create(new float[] { 1f, 2f, 3f, 4f }, [2, 2]);
    /// var t = Tensor.From(source);
    /// </code></example>
    public static Tensor From(Tensor<float> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return From(tensor.AsReadOnlyTensorSpan());
    }

    private static nint[] Lengths(int[] shape)
    {
        // An empty lengths span would mean "the rest of the array" to TensorSpan, not a scalar.
        if (shape.Length == 0) return [1];
        var lengths = new nint[shape.Length];
        for (int i = 0; i < shape.Length; i++) lengths[i] = shape[i];
        return lengths;
    }

    private static int[] Dimensions(string op, ReadOnlySpan<nint> lengths)
    {
        var shape = new int[lengths.Length];
        for (int i = 0; i < lengths.Length; i++)
            shape[i] = lengths[i] <= int.MaxValue ? (int)lengths[i]
                : throw new ArgumentException($"{op}: dimension {i} has length {lengths[i]}, more than a Descent tensor's {int.MaxValue}; got lengths [{string.Join(", ", lengths.ToArray())}]");
        return shape;
    }
}

using Descent.Kernels;

namespace Descent;

/// <summary>
/// What <see cref="IntTensor"/> (indices, token ids, class targets) and <see cref="BoolTensor"/> (masks)
/// share: contiguous row-major storage of <typeparamref name="T"/>, a shape, PyTorch's printing, and the ops
/// that only rearrange elements. These tensors take no part in autograd: indices and masks have no
/// gradient in PyTorch either, and keeping them apart from the float <see cref="Tensor"/> lets the compiler
/// refuse a float where indices are required.
/// </summary>
/// <typeparam name="T">The element type: <see cref="long"/> or <see cref="bool"/>.</typeparam>
/// <typeparam name="TSelf">The tensor kind itself, so that every op returns the same kind.</typeparam>
/// <example><code>
/// var ids = IntTensor.FromArray([3L, 1, 4, 1, 5, 9], [2, 3]);
/// var row = ids.Select(0, 1);            // tensor([1, 5, 9])
/// var cols = ids.Transpose(0, 1).Shape;  // [3, 2]
/// </code></example>
public abstract class ValueTensor<T, TSelf>
    where T : unmanaged, IEquatable<T>
    where TSelf : ValueTensor<T, TSelf>
{
    private readonly int[] _shape;

    internal readonly T[] Storage;
    internal readonly int Offset;

    private protected ValueTensor(T[] storage, int offset, int[] shape)
    {
        Storage = storage;
        Offset = offset;
        _shape = shape;
        Numel = Descent.Shape.Numel(shape);
        if (offset < 0 || offset + Numel > storage.Length)
            throw new ArgumentException($"{GetType().Name}: {Numel} elements of shape {Descent.Shape.Format(shape)} do not fit a storage of {storage.Length} from offset {offset}");
    }

    /// <summary>A tensor of this kind over <paramref name="storage"/>; every op makes its results through it.</summary>
    private protected abstract TSelf Make(T[] storage, int offset, int[] shape);

    /// <summary>How one element prints, and the width every element is padded to (PyTorch aligns columns).</summary>
    private protected abstract ValueFormat<T> Formatter(ReadOnlySpan<T> shown);

    /// <summary>The dimensions of this tensor (a copy; a scalar has an empty shape).</summary>
    public int[] Shape => (int[])_shape.Clone();

    internal int[] ShapeRef => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements.</summary>
    public int Numel { get; }

    /// <summary>Size of one dimension; negative indices count from the end.</summary>
    public int Size(int dim)
    {
        if (Rank == 0) throw new ArgumentOutOfRangeException(nameof(dim), $"Size: dimension {dim} was asked of a tensor with no dimensions");
        return _shape[Descent.Shape.NormalizeDim("Size", dim, Rank)];
    }

    /// <summary>The elements, in row-major order, as a read-only span over the storage.</summary>
    public ReadOnlySpan<T> Data => Storage.AsSpan(Offset, Numel);

    /// <summary>The elements as a writable span.</summary>
    public Span<T> DataSpan => Storage.AsSpan(Offset, Numel);

    /// <summary>The value of a one-element tensor.</summary>
    public T Item()
    {
        if (Numel != 1) throw new InvalidOperationException($"Item: only one-element tensors can be converted to a value; got shape {Descent.Shape.Format(_shape)}");
        return Storage[Offset];
    }

    /// <summary>A copy of the elements in row-major order.</summary>
    public T[] ToArray() => Data.ToArray();

    /// <summary>True when both tensors have the same shape and the same elements, like <c>torch.equal</c>.</summary>
    public bool Equal(TSelf other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Descent.Shape.Equal(_shape, other._shape) && Data.SequenceEqual(other.Data);
    }

    /// <summary>A copy with its own storage.</summary>
    public TSelf Clone() => Make(Data.ToArray(), 0, _shape);

    /// <summary>The same elements with a new shape, sharing storage (one dimension may be -1 and is inferred).</summary>
    public TSelf Reshape(params int[] shape) => Make(Storage, Offset, Layout.Reshaped("Reshape", _shape, Numel, shape));

    /// <summary>Same as <see cref="Reshape"/>: storage is always contiguous, so every view is possible.</summary>
    public TSelf View(params int[] shape) => Make(Storage, Offset, Layout.Reshaped("View", _shape, Numel, shape));

    /// <summary>Merges dimensions startDim..endDim into one, like <c>torch.flatten</c>.</summary>
    public TSelf Flatten(int startDim = 0, int endDim = -1) => Make(Storage, Offset, Layout.Flattened(_shape, startDim, endDim));

    /// <summary>Removes every dimension of size 1, or only <paramref name="dim"/> if given (and of size 1).</summary>
    public TSelf Squeeze(int? dim = null) => Make(Storage, Offset, Layout.Squeezed(_shape, dim));

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/>.</summary>
    public TSelf Unsqueeze(int dim) => Make(Storage, Offset, Layout.Unsqueezed(_shape, dim));

    /// <summary>Reorders dimensions (copying): output dimension i is input dimension dims[i].</summary>
    public TSelf Permute(params int[] dims)
    {
        var perm = Layout.Permutation(_shape, dims);
        var result = new T[Numel];
        CopyKernel.Permute<T>(Data, _shape, perm, result);
        return Make(result, 0, perm.Select(p => _shape[p]).ToArray());
    }

    /// <summary>Swaps two dimensions (copying).</summary>
    public TSelf Transpose(int dim0, int dim1) =>
        Rank < 2 && dim0 is 0 or -1 && dim1 is 0 or -1 ? Make(Storage, Offset, _shape) : Permute(Layout.Swap(Rank, dim0, dim1));

    /// <summary>Broadcasts to a larger shape (copying), like <c>expand</c>; -1 keeps an existing dimension's size.</summary>
    public TSelf Expand(params int[] shape)
    {
        shape = Layout.KeepingSizes(_shape, shape);
        var target = Descent.Shape.Broadcast("Expand", _shape, shape);
        if (!Descent.Shape.Equal(target, shape))
            throw new ArgumentException($"Expand: shape {Descent.Shape.Format(_shape)} cannot be expanded to {Descent.Shape.Format(shape)}");
        var result = new T[Descent.Shape.Numel(target)];
        BinaryKernel.BroadcastCopy<T>(Data, _shape, result, target);
        return Make(result, 0, target);
    }

    /// <summary>
    /// Elements start..end-1 (by <paramref name="step"/>) along a dimension, like <c>x[:, start:end:step]</c>
    /// (copying); negative start and end count from the end and are clamped as in Python.
    /// </summary>
    public TSelf Slice(int dim, int start, int end, int step = 1)
    {
        var plan = Layout.Slicing(_shape, dim, start, end, step);
        var result = new T[Descent.Shape.Numel(plan.Shape)];
        plan.Copy<T>(Data, result);
        return Make(result, 0, plan.Shape);
    }

    /// <summary><paramref name="length"/> elements from <paramref name="start"/> along a dimension, like <c>torch.narrow</c>.</summary>
    public TSelf Narrow(int dim, int start, int length)
    {
        int d = Layout.Narrowed(_shape, dim, start, length);
        return Slice(d, start, start + length);
    }

    /// <summary>The sub-tensor at <paramref name="index"/> along a dimension, which is removed, like <c>x[i]</c>.</summary>
    public TSelf Select(int dim, int index)
    {
        var (d, i) = Layout.Selected(_shape, dim, index);
        var sliced = Slice(d, i, i + 1);
        return Make(sliced.Storage, 0, Layout.Squeezed(sliced._shape, d));
    }

    /// <summary>
    /// The sub-tensor picked by one entry per leading dimension, exactly as <see cref="Tensor"/>'s indexer
    /// picks it (an integer or <c>^n</c> removes its dimension, a range keeps it, clamped as in Python), sharing
    /// storage when the selection is one consecutive run of it. Setting writes the value, broadcast to the
    /// selection, in place; to write a single value, use <see cref="IndexPut(T, TensorIndex[])"/>.
    /// </summary>
    /// <example><code>
    /// var ids = IntTensor.FromArray([3L, 1, 4, 1, 5, 9], [2, 3]);
    /// var last = ids[.., ^1];     // tensor([4, 9])
    /// ids[0] = ids[1];            // ids is now [[1, 5, 9], [1, 5, 9]]
    /// </code></example>
    [System.Runtime.CompilerServices.IndexerName("Index")]
    public TSelf this[params TensorIndex[] indices]
    {
        get
        {
            var plan = IndexPlan.Resolve("Index", _shape, indices);
            if (plan.IsView) return Make(Storage, Offset + plan.BlockOffsets[0], plan.Shape);
            var result = new T[Descent.Shape.Numel(plan.Shape)];
            plan.Gather<T>(Data, result);
            return Make(result, 0, plan.Shape);
        }
        set => IndexPut(value, indices);
    }

    /// <summary>Writes <paramref name="value"/>, broadcast to the selection, into the elements the indexer picks; returns this.</summary>
    /// <example><code>
    /// var mask = BoolTensor.Full([2, 3], false);
    /// mask.IndexPut(BoolTensor.Full([3], true), 1);   // mask[1] = True
    /// </code></example>
    public TSelf IndexPut(TSelf value, params TensorIndex[] indices)
    {
        ArgumentNullException.ThrowIfNull(value);
        var plan = IndexPlan.Resolve("IndexPut", _shape, indices);
        plan.Scatter(plan.Broadcast("IndexPut", value.Storage, value.Offset, value._shape, Storage), DataSpan);
        return (TSelf)this;
    }

    /// <summary>Sets the elements the indexer picks to <paramref name="value"/>, like PyTorch's <c>x[:, 0] = 1</c>; returns this.</summary>
    /// <example><code>
    /// var ids = IntTensor.Zeros(2, 3);
    /// ids.IndexPut(7L, .., 0);   // ids[:, 0] = 7
    /// </code></example>
    public TSelf IndexPut(T value, params TensorIndex[] indices)
    {
        IndexPlan.Resolve("IndexPut", _shape, indices).Fill(value, DataSpan);
        return (TSelf)this;
    }

    /// <summary>The element at one index per dimension (negative counts from the end), as a reference to read or assign.</summary>
    /// <example><code>
    /// var ids = IntTensor.FromArray([3L, 1, 4], [3]);
    /// long last = ids.At(-1);   // 4
    /// ids.At(0) = 2;
    /// </code></example>
    public ref T At(params int[] indices) => ref Storage[Offset + IndexPlan.Element("At", _shape, indices)];

    /// <summary>Joins tensors along an existing dimension; all other dimensions must match.</summary>
    public static TSelf Cat(TSelf[] tensors, int dim = 0)
    {
        if (tensors is not { Length: > 0 }) throw new ArgumentException("Cat: expects a non-empty list of tensors");
        var (shape, d) = Layout.Concatenated(tensors.Select(t => t._shape).ToArray(), dim);
        var (outer, total, inner) = Layout.Around(shape, d);
        var result = new T[Descent.Shape.Numel(shape)];
        Layout.CopyConcatenated<T>(tensors.Select(t => t.Storage).ToArray(), tensors.Select(t => t.Offset).ToArray(),
            tensors.Select(t => t._shape[d]).ToArray(), outer, total, inner, result);
        return tensors[0].Make(result, 0, shape);
    }

    /// <summary>Joins tensors of equal shape along a new dimension.</summary>
    public static TSelf Stack(TSelf[] tensors, int dim = 0)
    {
        if (tensors is not { Length: > 0 }) throw new ArgumentException("Stack: expects a non-empty list of tensors");
        int d = Layout.Stacked(tensors.Select(t => t._shape).ToArray(), dim);
        return Cat(tensors.Select(t => t.Unsqueeze(d)).ToArray(), d);
    }

    /// <summary>PyTorch's name of the element type, which it prints only for an empty tensor (no element shows it).</summary>
    private protected abstract string DType { get; }

    /// <summary>Prints like PyTorch: <c>tensor([1, 2, 3])</c>, <c>tensor([ True, False])</c>.</summary>
    public override string ToString() => TensorFormatter.Format(Data, _shape, Formatter, Numel == 0 ? ["dtype=" + DType] : null);
}

namespace Descent;

/// <summary>
/// Where a tensor index (<c>x[.., 0]</c>, <c>x[1..3]</c>) falls in the storage of a tensor of a given shape,
/// resolved once for every kind of tensor: the result's shape and the selected elements as equal-length
/// blocks of consecutive storage. One block (or none) means the selection can be a view.
/// </summary>
internal sealed class IndexPlan
{
    /// <summary>The shape of the result: the ranged and untouched dimensions, without the indexed ones.</summary>
    public int[] Shape { get; }

    /// <summary>The start of each block in the source's storage, relative to the source's offset, in row-major order.</summary>
    public int[] BlockOffsets { get; }

    /// <summary>The length of every block.</summary>
    public int BlockLength { get; }

    /// <summary>True when the selection is one run of storage, so the result can share it.</summary>
    public bool IsView => BlockOffsets.Length == 1;

    private IndexPlan(int[] shape, int[] blockOffsets, int blockLength) =>
        (Shape, BlockOffsets, BlockLength) = (shape, blockOffsets, blockLength);

    /// <summary>Resolves <paramref name="indices"/> (one per leading dimension, or around an Ellipsis) against <paramref name="shape"/>.</summary>
    public static IndexPlan Resolve(string op, int[] shape, TensorIndex[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int rank = shape.Length, named = 0, ellipses = 0;
        foreach (var index in indices)
            if (index.IsEllipsis) ellipses++;
            else if (!index.IsNewAxis) named++;
        if (ellipses > 1)
            throw new ArgumentException($"{op}: an index can have only one Ellipsis; got [{string.Join(", ", indices)}]", nameof(indices));
        if (named > rank)
            throw new ArgumentException($"{op}: too many indices for a tensor of shape {Descent.Shape.Format(shape)}: {rank} dimension(s), {named} indices [{string.Join(", ", indices)}]", nameof(indices));
        var starts = new int[rank];
        var counts = (int[])shape.Clone();
        var result = new List<int>(rank + indices.Length);
        int d = 0;
        foreach (var index in indices)
        {
            if (index.IsNewAxis) result.Add(1);
            else if (index.IsEllipsis)
                for (int k = named; k < rank; k++) result.Add(shape[d++]);
            else
            {
                (starts[d], counts[d]) = index.Resolve(op, shape, d);
                if (index.IsRange) result.Add(counts[d]);
                d++;
            }
        }
        while (d < rank) result.Add(shape[d++]);

        // The block is the run of trailing whole dimensions plus the first partial one before them (a range
        // with step 1 is consecutive); every dimension before that is walked one selected index at a time.
        int numel = Descent.Shape.Numel(counts);
        int j = rank - 1, blockLength = 1;
        while (j >= 0 && counts[j] == shape[j]) blockLength *= shape[j--];
        if (j >= 0) blockLength *= counts[j];
        if (numel == 0) return new IndexPlan(result.ToArray(), [], 0);

        var strides = Descent.Shape.Strides(shape);
        int blocks = numel / blockLength, first = 0;
        for (int k = 0; k < rank; k++) first += starts[k] * strides[k];
        var offsets = new int[blocks];
        var at = new int[Math.Max(j, 0)];
        for (int b = 0; b < blocks; b++)
        {
            int offset = first;
            for (int k = 0; k < at.Length; k++) offset += at[k] * strides[k];
            offsets[b] = offset;
            for (int k = at.Length - 1; k >= 0 && ++at[k] == counts[k]; k--) at[k] = 0;
        }
        return new IndexPlan(result.ToArray(), offsets, blockLength);
    }

    /// <summary>Copies the selected blocks of <paramref name="source"/> (at the source's offset) into <paramref name="destination"/>.</summary>
    public void Gather<T>(ReadOnlySpan<T> source, Span<T> destination)
    {
        for (int b = 0; b < BlockOffsets.Length; b++)
            source.Slice(BlockOffsets[b], BlockLength).CopyTo(destination.Slice(b * BlockLength, BlockLength));
    }

    /// <summary>Copies <paramref name="source"/>, shaped like the result, into the selected blocks of <paramref name="destination"/>.</summary>
    public void Scatter<T>(ReadOnlySpan<T> source, Span<T> destination)
    {
        for (int b = 0; b < BlockOffsets.Length; b++)
            source.Slice(b * BlockLength, BlockLength).CopyTo(destination.Slice(BlockOffsets[b], BlockLength));
    }

    /// <summary>Sets every selected element of <paramref name="destination"/> to <paramref name="value"/>.</summary>
    public void Fill<T>(T value, Span<T> destination)
    {
        foreach (int offset in BlockOffsets) destination.Slice(offset, BlockLength).Fill(value);
    }

    /// <summary>
    /// The value (<paramref name="valueStorage"/> from <paramref name="valueOffset"/>) broadcast to the result's shape, as a span the scatter may read while it writes
    /// <paramref name="target"/>: copied when it shares the target's storage, which a write could overwrite first.
    /// </summary>
    public ReadOnlySpan<T> Broadcast<T>(string op, T[] valueStorage, int valueOffset, int[] valueShape, T[] target)
    {
        // PyTorch drops a value's leading size-1 dimensions first, so x[0] = y[None] works.
        var given = valueShape;
        int drop = 0;
        while (valueShape.Length - drop > Shape.Length && valueShape[drop] == 1) drop++;
        valueShape = valueShape[drop..];
        var shape = Descent.Shape.Broadcast(op, valueShape, Shape);
        if (!Descent.Shape.Equal(shape, Shape))
            throw new ArgumentException($"{op}: a value of shape {Descent.Shape.Format(given)} cannot be broadcast to the indexed shape {Descent.Shape.Format(Shape)}");
        var value = valueStorage.AsSpan(valueOffset, Descent.Shape.Numel(valueShape));
        if (Descent.Shape.Equal(valueShape, Shape) && !ReferenceEquals(valueStorage, target)) return value;
        var copy = new T[Descent.Shape.Numel(Shape)];
        Kernels.BinaryKernel.BroadcastCopy<T>(value, valueShape, copy, Shape);
        return copy;
    }

    /// <summary>The flat storage index of one element (one index per dimension, negative from the end), checked.</summary>
    public static int Element(string op, int[] shape, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Length != shape.Length)
            throw new ArgumentException($"{op}: expected {shape.Length} indices for shape {Descent.Shape.Format(shape)}; got {indices.Length}", nameof(indices));
        int flat = 0;
        for (int d = 0; d < indices.Length; d++) flat = flat * shape[d] + Layout.Index(op, shape, d, indices[d]);
        return flat;
    }
}

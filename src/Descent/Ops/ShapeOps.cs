using Descent.Kernels;

namespace Descent;

// Ops that rearrange elements: reshape, transpose, squeeze, concatenate, slice.
public partial class Tensor
{
    /// <summary>
    /// The same elements with a new shape, sharing storage (one dimension may be -1 and is inferred).
    /// <example><c>x.Reshape(-1, 28, 28)</c></example>
    /// </summary>
    public Tensor Reshape(params int[] shape) => ReshapeAs("Reshape", shape);

    /// <summary>Same as <see cref="Reshape"/>: storage is always contiguous, so every view is possible.</summary>
    public Tensor View(params int[] shape) => ReshapeAs("View", shape);

    private Tensor ReshapeAs(string op, int[] shape)
    {
        var target = Layout.Reshaped(op, _shape, Numel, shape);
        if (Descent.Shape.Equal(target, _shape) && GradFn == null && !RequiresGrad) return this;
        return Graph.RecordNoArrays(new Tensor(this, Offset, target), "Reshape", this, static (n, g) => g.Reshape(n.A._shape));
    }

    /// <summary>
    /// Merges dimensions <paramref name="startDim"/>..<paramref name="endDim"/> (inclusive; negative counts
    /// from the end) into one, sharing storage, like <c>torch.flatten</c>; a 0-d tensor becomes [1].
    /// <example><c>x.Flatten(1)</c> on [N, C, H, W] gives [N, C·H·W]; <c>x.Flatten(-3, -2)</c> on [2, 3, 4, 5] gives [2, 12, 5].</example>
    /// </summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        return Reshape(Layout.Flattened(_shape, startDim, endDim));
    }

    /// <summary>
    /// Broadcasts to a larger shape (copying), like <c>expand</c>: new dimensions go in front, and -1 keeps
    /// an existing dimension's size. The gradient is summed back.
    /// <example><c>x.Expand(4, -1, 5)</c> on shape [3, 1] gives [4, 3, 5].</example>
    /// </summary>
    public Tensor Expand(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape = Layout.KeepingSizes(_shape, shape);
        var target = Descent.Shape.Broadcast("Expand", _shape, shape);
        if (!Descent.Shape.Equal(target, shape))
            throw new ArgumentException($"Expand: shape {Descent.Shape.Format(_shape)} cannot be expanded to {Descent.Shape.Format(shape)}");
        if (Descent.Shape.Equal(target, _shape)) return this;
        var result = new Tensor(target);
        BinaryKernel.BroadcastCopy(Data, _shape, result.DataSpan, target);
        // The engine sums the output-shaped gradient back to this tensor's shape.
        return Graph.RecordNoArrays(result, "Expand", this, static (_, g) => g);
    }

    /// <summary>
    /// Tiles the tensor <paramref name="repeats"/>[i] times along dimension i (copying), like
    /// <c>torch.Tensor.repeat</c>; with more repeats than dimensions, dimensions of size 1 are put in front.
    /// The gradient sums the tiles.
    /// <example><c>x.Repeat(2, 1, 3)</c> on shape [4, 5] gives [2, 4, 15].</example>
    /// </summary>
    public Tensor Repeat(params int[] repeats)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        if (repeats.Length < Rank || repeats.Any(r => r < 0))
            throw new ArgumentException($"Repeat: needs one non-negative count per dimension (at least {Rank}) for shape {Descent.Shape.Format(_shape)}; got [{string.Join(", ", repeats)}]");
        int n = repeats.Length, lead = n - Rank;
        // Each dimension becomes a pair (repeat, size): the input broadcasts along the repeat axes.
        var pairs = new int[2 * n];
        var tiles = new int[2 * n];
        var outShape = new int[n];
        for (int i = 0; i < n; i++)
        {
            int size = i < lead ? 1 : _shape[i - lead];
            (pairs[2 * i], pairs[2 * i + 1]) = (1, size);
            (tiles[2 * i], tiles[2 * i + 1]) = (repeats[i], size);
            outShape[i] = repeats[i] * size;
        }
        Descent.Shape.Validate("Repeat", outShape);
        var result = new Tensor(outShape);
        BinaryKernel.BroadcastCopy(Data, pairs, result.DataSpan, tiles);
        var inShape = _shape;
        var repeatAxes = Enumerable.Range(0, n).Select(i => 2 * i).ToArray();
        // With no dimensions there is nothing to sum (and Sum over no axes would mean all of them).
        return Graph.Record(result, "Repeat", [this], g => [n == 0 ? g : g.Reshape(tiles).Sum(repeatAxes).Reshape(inShape)]);
    }

    /// <summary>Reorders dimensions (copying): output dimension i is input dimension dims[i].</summary>
    public Tensor Permute(params int[] dims)
    {
        var perm = Layout.Permutation(_shape, dims);
        var outShape = perm.Select(p => _shape[p]).ToArray();
        var result = new Tensor(outShape);
        CopyKernel.Permute(Data, _shape, perm, result.DataSpan);
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return Graph.RecordNoArrays(result, "Permute", this, (_, g) => g.Permute(inverse));
    }

    /// <summary>Swaps two dimensions (copying).</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        if (Rank < 2 && dim0 is 0 or -1 && dim1 is 0 or -1) return Reshape(_shape);
        return Permute(Layout.Swap(Rank, dim0, dim1));
    }

    /// <summary>The transpose of a matrix (rank ≤ 2), like <c>x.T</c>.</summary>
    public Tensor T
    {
        get
        {
            if (Rank > 2) throw new InvalidOperationException($"T: expects a tensor of rank <= 2; got shape {Descent.Shape.Format(_shape)}. Use Permute or Transpose.");
            return Rank < 2 ? this : Transpose(0, 1);
        }
    }

    /// <summary>Removes every dimension of size 1, or only <paramref name="dim"/> if given (and of size 1).</summary>
    public Tensor Squeeze(int? dim = null)
    {
        var shape = Layout.Squeezed(_shape, dim);
        return ReferenceEquals(shape, _shape) ? this : Reshape(shape);
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(int dim)
    {
        return Reshape(Layout.Unsqueezed(_shape, dim));
    }

    /// <summary>
    /// Elements start..end-1 (by <paramref name="step"/>) along a dimension, like <c>x[:, start:end:step]</c>.
    /// Negative start and end count from the end; they are clamped to the dimension as in Python.
    /// </summary>
    public Tensor Slice(int dim, int start, int end, int step = 1)
    {
        var plan = Layout.Slicing(_shape, dim, start, end, step);
        var result = new Tensor(plan.Shape);
        plan.Copy(Data, result.DataSpan);
        var inShape = _shape;
        return Graph.RecordNoArrays(result, "Slice", this, (_, g) =>
        {
            var grad = new Tensor(inShape);
            plan.Scatter(g.Data, grad.DataSpan);
            return grad;
        });
    }

    /// <summary><paramref name="length"/> elements from <paramref name="start"/> along a dimension, like <c>torch.narrow</c>.</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        int d = Layout.Narrowed(_shape, dim, start, length);
        return Slice(d, start, start + length);
    }

    /// <summary>The sub-tensor at <paramref name="index"/> along a dimension, which is removed, like <c>x[i]</c>.</summary>
    public Tensor Select(int dim, int index)
    {
        var (d, i) = Layout.Selected(_shape, dim, index);
        return Slice(d, i, i + 1).Squeeze(d);
    }

    /// <summary>Rows (along <paramref name="dim"/>) picked by index, like <c>torch.index_select</c>; repeated indices accumulate gradient.</summary>
    public Tensor IndexSelect(int dim, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (Rank == 0) throw new ArgumentException("IndexSelect: cannot index a scalar (rank 0) tensor");
        int d = Descent.Shape.NormalizeDim("IndexSelect", dim, Rank);
        var (outer, size, inner) = AsOuterLengthInner(d);
        foreach (int ix in indices)
            if (ix < 0 || ix >= size) throw new ArgumentOutOfRangeException(nameof(indices), $"IndexSelect: index {ix} is out of range for dimension {d} of size {size}");
        var outShape = (int[])_shape.Clone();
        outShape[d] = indices.Length;
        var result = new Tensor(outShape);
        var src = Data;
        var dst = result.DataSpan;
        int n = indices.Length;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < n; i++)
                src.Slice((o * size + indices[i]) * inner, inner).CopyTo(dst.Slice((o * n + i) * inner, inner));
        var inShape = _shape;
        return Graph.RecordNoArrays(result, "IndexSelect", this, (_, g) =>
        {
            var grad = new Tensor(inShape);
            var gs = g.Data;
            var gd = grad.DataSpan;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < n; i++)
                {
                    var row = gd.Slice((o * size + indices[i]) * inner, inner);
                    System.Numerics.Tensors.TensorPrimitives.Add(row, gs.Slice((o * n + i) * inner, inner), row);
                }
            return grad;
        });
    }

    /// <summary>Joins tensors along an existing dimension; all other dimensions must match.</summary>
    public static Tensor Cat(Tensor[] tensors, int dim = 0)
    {
        if (tensors is not { Length: > 0 }) throw new ArgumentException("Cat: expects a non-empty list of tensors");
        // The graph keeps its own copy: the caller may reuse the array.
        tensors = (Tensor[])tensors.Clone();
        var (outShape, d) = Layout.Concatenated(tensors.Select(t => t._shape).ToArray(), dim);
        var result = new Tensor(outShape);
        var (outer, total, inner) = Layout.Around(outShape, d);
        var sizes = tensors.Select(t => t._shape[d]).ToArray();
        Layout.CopyConcatenated(tensors.Select(t => t.Storage).ToArray(), tensors.Select(t => t.Offset).ToArray(), sizes, outer, total, inner, result.DataSpan);
        var offsets = new int[tensors.Length];
        for (int k = 1; k < tensors.Length; k++) offsets[k] = offsets[k - 1] + sizes[k - 1];
        return Graph.Record(result, "Cat", tensors, g =>
        {
            var grads = new Tensor?[tensors.Length];
            for (int k = 0; k < tensors.Length; k++)
                if (tensors[k].RequiresGrad) grads[k] = g.Narrow(d, offsets[k], tensors[k]._shape[d]);
            return grads;
        });
    }

    /// <summary>Joins tensors of equal shape along a new dimension.</summary>
    public static Tensor Stack(Tensor[] tensors, int dim = 0)
    {
        if (tensors is not { Length: > 0 }) throw new ArgumentException("Stack: expects a non-empty list of tensors");
        int d = Layout.Stacked(tensors.Select(t => t._shape).ToArray(), dim);
        return Cat(tensors.Select(t => t.Unsqueeze(d)).ToArray(), d);
    }
}

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
        var target = InferShape(op, shape);
        if (Descent.Shape.Equal(target, _shape) && GradFn == null && !RequiresGrad) return this;
        return Graph.RecordNoArrays(new Tensor(Storage, Offset, target), "Reshape", this, static (n, g) => g.Reshape(n.A._shape));
    }

    /// <summary>
    /// Merges dimensions <paramref name="startDim"/>..<paramref name="endDim"/> (inclusive; negative counts
    /// from the end) into one, sharing storage, like <c>torch.flatten</c>; a 0-d tensor becomes [1].
    /// <example><c>x.Flatten(1)</c> on [N, C, H, W] gives [N, C·H·W]; <c>x.Flatten(-3, -2)</c> on [2, 3, 4, 5] gives [2, 12, 5].</example>
    /// </summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Rank == 0) return Reshape(1);
        int s = Descent.Shape.NormalizeDim("Flatten", startDim, Rank), e = Descent.Shape.NormalizeDim("Flatten", endDim, Rank);
        if (s > e) throw new ArgumentException($"Flatten: startDim {startDim} comes after endDim {endDim} for shape {Descent.Shape.Format(_shape)}");
        var shape = new List<int>();
        for (int i = 0; i < s; i++) shape.Add(_shape[i]);
        int merged = 1;
        for (int i = s; i <= e; i++) merged *= _shape[i];
        shape.Add(merged);
        for (int i = e + 1; i < Rank; i++) shape.Add(_shape[i]);
        return Reshape(shape.ToArray());
    }

    private int[] InferShape(string op, int[] shape)
    {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"{op}: only one dimension can be -1; got {Descent.Shape.Format(shape)}");
                infer = i;
            }
            else if (shape[i] < 0) throw new ArgumentException($"{op}: invalid dimension {shape[i]} in {Descent.Shape.Format(shape)}");
            else known *= shape[i];
        }
        var result = (int[])shape.Clone();
        if (infer >= 0)
        {
            if (known == 0 || Numel % known != 0)
                throw new ArgumentException($"{op}: shape {Descent.Shape.Format(shape)} is invalid for input of shape {Descent.Shape.Format(_shape)} ({Numel} elements)");
            result[infer] = (int)(Numel / known);
        }
        else if (known != Numel)
        {
            throw new ArgumentException($"{op}: shape {Descent.Shape.Format(shape)} is invalid for input of shape {Descent.Shape.Format(_shape)} ({Numel} elements)");
        }
        return result;
    }

    /// <summary>
    /// Broadcasts to a larger shape (copying), like <c>expand</c>: new dimensions go in front, and -1 keeps
    /// an existing dimension's size. The gradient is summed back.
    /// <example><c>x.Expand(4, -1, 5)</c> on shape [3, 1] gives [4, 3, 5].</example>
    /// </summary>
    public Tensor Expand(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape = KeepSizes(shape);
        var target = Descent.Shape.Broadcast("Expand", _shape, shape);
        if (!Descent.Shape.Equal(target, shape))
            throw new ArgumentException($"Expand: shape {Descent.Shape.Format(_shape)} cannot be expanded to {Descent.Shape.Format(shape)}");
        if (Descent.Shape.Equal(target, _shape)) return this;
        var result = new Tensor(target);
        BinaryKernel.BroadcastCopy(Data, _shape, result.DataSpan, target);
        // The engine sums the output-shaped gradient back to this tensor's shape.
        return Graph.RecordNoArrays(result, "Expand", this, static (_, g) => g);
    }

    // Expand's -1: the size of the input dimension it lines up with (counted from the end).
    private int[] KeepSizes(int[] shape)
    {
        int lead = shape.Length - Rank;
        if (shape.Any(d => d < -1))
            throw new ArgumentException($"Expand: sizes must be non-negative or -1; got {Descent.Shape.Format(shape)} for shape {Descent.Shape.Format(_shape)}");
        if (!shape.Contains(-1)) return shape;
        var resolved = (int[])shape.Clone();
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] != -1) continue;
            if (i < lead)
                throw new ArgumentException($"Expand: -1 keeps an existing size, so it cannot stand for new leading dimension {i}; got {Descent.Shape.Format(shape)} for shape {Descent.Shape.Format(_shape)}");
            resolved[i] = _shape[i - lead];
        }
        return resolved;
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
        if (dims.Length != Rank)
            throw new ArgumentException($"Permute: expected {Rank} dimensions for shape {Descent.Shape.Format(_shape)}; got [{string.Join(", ", dims)}]");
        var perm = dims.Select(d => Descent.Shape.NormalizeDim("Permute", d, Rank)).ToArray();
        if (perm.Distinct().Count() != perm.Length)
            throw new ArgumentException($"Permute: dimensions must be a permutation; got [{string.Join(", ", dims)}]");
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
        var perm = Enumerable.Range(0, Rank).ToArray();
        int a = Descent.Shape.NormalizeDim("Transpose", dim0, Rank), b = Descent.Shape.NormalizeDim("Transpose", dim1, Rank);
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(perm);
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
        if (dim is int d0)
        {
            if (Rank == 0) return this;
            int d = Descent.Shape.NormalizeDim("Squeeze", d0, Rank);
            if (_shape[d] != 1) return this;
            return Reshape(_shape.Where((_, i) => i != d).ToArray());
        }
        return Reshape(_shape.Where(s => s != 1).ToArray());
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = Descent.Shape.NormalizeDim("Unsqueeze", dim, Rank + 1);
        var shape = _shape.ToList();
        shape.Insert(d, 1);
        return Reshape(shape.ToArray());
    }

    /// <summary>
    /// Elements start..end-1 (by <paramref name="step"/>) along a dimension, like <c>x[:, start:end:step]</c>.
    /// Negative start and end count from the end; they are clamped to the dimension as in Python.
    /// </summary>
    public Tensor Slice(int dim, int start, int end, int step = 1)
    {
        if (Rank == 0) throw new ArgumentException("Slice: cannot slice a scalar (rank 0) tensor");
        int d = Descent.Shape.NormalizeDim("Slice", dim, Rank);
        if (step <= 0) throw new ArgumentOutOfRangeException(nameof(step), $"Slice: step must be positive; got {step}");
        int size = _shape[d];
        int s = Math.Clamp(start < 0 ? start + size : start, 0, size);
        int e = Math.Clamp(end < 0 ? end + size : end, 0, size);
        int count = e > s ? (e - s + step - 1) / step : 0;
        var (outer, _, inner) = AsOuterLengthInner(d);
        var outShape = (int[])_shape.Clone();
        outShape[d] = count;
        var result = new Tensor(outShape);
        var src = Data;
        var dst = result.DataSpan;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < count; i++)
                src.Slice((o * size + s + i * step) * inner, inner).CopyTo(dst.Slice((o * count + i) * inner, inner));
        var inShape = _shape;
        return Graph.RecordNoArrays(result, "Slice", this, (_, g) =>
        {
            var grad = new Tensor(inShape);
            var gs = g.Data;
            var gd = grad.DataSpan;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < count; i++)
                    gs.Slice((o * count + i) * inner, inner).CopyTo(gd.Slice((o * size + s + i * step) * inner, inner));
            return grad;
        });
    }

    /// <summary><paramref name="length"/> elements from <paramref name="start"/> along a dimension, like <c>torch.narrow</c>.</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        int d = Descent.Shape.NormalizeDim("Narrow", dim, Rank);
        if (start < 0 || length < 0 || start + length > _shape[d])
            throw new ArgumentOutOfRangeException(nameof(start), $"Narrow: range {start}..{start + length} is outside dimension {d} of size {_shape[d]} in shape {Descent.Shape.Format(_shape)}");
        return Slice(d, start, start + length);
    }

    /// <summary>The sub-tensor at <paramref name="index"/> along a dimension, which is removed, like <c>x[i]</c>.</summary>
    public Tensor Select(int dim, int index)
    {
        if (Rank == 0) throw new ArgumentException("Select: cannot select from a scalar (rank 0) tensor");
        int d = Descent.Shape.NormalizeDim("Select", dim, Rank);
        int i = index < 0 ? index + _shape[d] : index;
        if (i < 0 || i >= _shape[d])
            throw new ArgumentOutOfRangeException(nameof(index), $"Select: index {index} is out of range for dimension {d} of size {_shape[d]}");
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
        var first = tensors[0];
        if (first.Rank == 0) throw new ArgumentException("Cat: zero-dimensional tensors cannot be concatenated; use Stack");
        int d = Descent.Shape.NormalizeDim("Cat", dim, first.Rank);
        int total = 0;
        foreach (var t in tensors)
        {
            bool ok = t.Rank == first.Rank;
            for (int i = 0; ok && i < t.Rank; i++) ok = i == d || t._shape[i] == first._shape[i];
            if (!ok) throw new ArgumentException($"Cat: sizes must match except in dimension {d}; got {Descent.Shape.Format(first._shape)} and {Descent.Shape.Format(t._shape)}");
            total += t._shape[d];
        }
        var outShape = (int[])first._shape.Clone();
        outShape[d] = total;
        var result = new Tensor(outShape);
        var (outer, _, inner) = result.AsOuterLengthInner(d);
        var dst = result.DataSpan;
        int at = 0;
        var offsets = new int[tensors.Length];
        for (int k = 0; k < tensors.Length; k++)
        {
            var t = tensors[k];
            offsets[k] = at;
            int block = t._shape[d] * inner;
            var src = t.Data;
            for (int o = 0; o < outer; o++)
                src.Slice(o * block, block).CopyTo(dst.Slice((o * total + at) * inner, block));
            at += t._shape[d];
        }
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
        foreach (var t in tensors)
            if (!Descent.Shape.Equal(t._shape, tensors[0]._shape))
                throw new ArgumentException($"Stack: all tensors must have the same shape; got {Descent.Shape.Format(tensors[0]._shape)} and {Descent.Shape.Format(t._shape)}");
        int d = Descent.Shape.NormalizeDim("Stack", dim, tensors[0].Rank + 1);
        return Cat(tensors.Select(t => t.Unsqueeze(d)).ToArray(), d);
    }
}

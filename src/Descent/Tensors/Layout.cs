namespace Descent;

/// <summary>
/// The shape rules of the ops that rearrange elements (reshape, permute, slice, concatenate), checked
/// and computed once for every kind of tensor; each kind then moves its own elements.
/// </summary>
internal static class Layout
{
    /// <summary>The target of a reshape of <paramref name="from"/> to <paramref name="shape"/>, with one -1 inferred.</summary>
    public static int[] Reshaped(string op, int[] from, int numel, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"{op}: only one dimension can be -1; got {Shape.Format(shape)}");
                infer = i;
            }
            else if (shape[i] < 0) throw new ArgumentException($"{op}: invalid dimension {shape[i]} in {Shape.Format(shape)}");
            else known *= shape[i];
        }
        var result = (int[])shape.Clone();
        if (infer >= 0)
        {
            if (known == 0 || numel % known != 0)
                throw new ArgumentException($"{op}: shape {Shape.Format(shape)} is invalid for input of shape {Shape.Format(from)} ({numel} elements)");
            result[infer] = (int)(numel / known);
        }
        else if (known != numel)
        {
            throw new ArgumentException($"{op}: shape {Shape.Format(shape)} is invalid for input of shape {Shape.Format(from)} ({numel} elements)");
        }
        return result;
    }

    /// <summary>The shape with dimensions <paramref name="startDim"/>..<paramref name="endDim"/> merged into one.</summary>
    public static int[] Flattened(int[] shape, int startDim, int endDim)
    {
        if (shape.Length == 0) return [1];
        int s = Shape.NormalizeDim("Flatten", startDim, shape.Length), e = Shape.NormalizeDim("Flatten", endDim, shape.Length);
        if (s > e) throw new ArgumentException($"Flatten: startDim {startDim} comes after endDim {endDim} for shape {Shape.Format(shape)}");
        int merged = 1;
        for (int i = s; i <= e; i++) merged *= shape[i];
        return [.. shape[..s], merged, .. shape[(e + 1)..]];
    }

    /// <summary>The shape without size-1 dimensions, or without <paramref name="dim"/> when it is given and of size 1.</summary>
    public static int[] Squeezed(int[] shape, int? dim)
    {
        if (dim is not int d0) return shape.Where(s => s != 1).ToArray();
        if (shape.Length == 0) return shape;
        int d = Shape.NormalizeDim("Squeeze", d0, shape.Length);
        return shape[d] != 1 ? shape : shape.Where((_, i) => i != d).ToArray();
    }

    /// <summary>The shape with a size-1 dimension inserted at <paramref name="dim"/>.</summary>
    public static int[] Unsqueezed(int[] shape, int dim)
    {
        int d = Shape.NormalizeDim("Unsqueeze", dim, shape.Length + 1);
        return [.. shape[..d], 1, .. shape[d..]];
    }

    /// <summary>
    /// Expand's target with each -1 replaced by the size of the input dimension it lines up with (counted
    /// from the end); -1 cannot stand for a new leading dimension.
    /// </summary>
    public static int[] KeepingSizes(int[] from, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int lead = shape.Length - from.Length;
        if (shape.Any(d => d < -1))
            throw new ArgumentException($"Expand: sizes must be non-negative or -1; got {Shape.Format(shape)} for shape {Shape.Format(from)}");
        if (!shape.Contains(-1)) return shape;
        var resolved = (int[])shape.Clone();
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] != -1) continue;
            if (i < lead)
                throw new ArgumentException($"Expand: -1 keeps an existing size, so it cannot stand for new leading dimension {i}; got {Shape.Format(shape)} for shape {Shape.Format(from)}");
            resolved[i] = from[i - lead];
        }
        return resolved;
    }

    /// <summary>The permutation <paramref name="dims"/> with negative dimensions resolved, checked against <paramref name="shape"/>.</summary>
    public static int[] Permutation(int[] shape, int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length != shape.Length)
            throw new ArgumentException($"Permute: expected {shape.Length} dimensions for shape {Shape.Format(shape)}; got [{string.Join(", ", dims)}]");
        var perm = dims.Select(d => Shape.NormalizeDim("Permute", d, shape.Length)).ToArray();
        if (perm.Distinct().Count() != perm.Length)
            throw new ArgumentException($"Permute: dimensions must be a permutation; got [{string.Join(", ", dims)}]");
        return perm;
    }

    /// <summary>The permutation that swaps two dimensions.</summary>
    public static int[] Swap(int rank, int dim0, int dim1)
    {
        var perm = Enumerable.Range(0, rank).ToArray();
        int a = Shape.NormalizeDim("Transpose", dim0, rank), b = Shape.NormalizeDim("Transpose", dim1, rank);
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return perm;
    }

    /// <summary>Python's slice start:end:step along one dimension, clamped to it, as a plan both directions of copy use.</summary>
    public static SlicePlan Slicing(int[] shape, int dim, int start, int end, int step)
    {
        if (shape.Length == 0) throw new ArgumentException("Slice: cannot slice a scalar (rank 0) tensor");
        int d = Shape.NormalizeDim("Slice", dim, shape.Length);
        if (step <= 0) throw new ArgumentOutOfRangeException(nameof(step), $"Slice: step must be positive; got {step}");
        int size = shape[d];
        int s = Math.Clamp(start < 0 ? start + size : start, 0, size);
        int e = Math.Clamp(end < 0 ? end + size : end, 0, size);
        int count = e > s ? (e - s + step - 1) / step : 0;
        var (outer, _, inner) = Around(shape, d);
        var outShape = (int[])shape.Clone();
        outShape[d] = count;
        return new SlicePlan(s, count, step, outer, size, inner, outShape);
    }

    /// <summary>An index along dimension <paramref name="d"/>, negative from the end, checked.</summary>
    public static int Index(string op, int[] shape, int d, long index)
    {
        int size = shape[d];
        long i = index < 0 ? index + size : index;
        if (i < 0 || i >= size)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{op}: index {index} is out of range for dimension {d} of size {size} in shape {Shape.Format(shape)}");
        return (int)i;
    }

    /// <summary>Narrow's dimension, after checking that start..start + length lies inside it.</summary>
    public static int Narrowed(int[] shape, int dim, int start, int length)
    {
        int d = Shape.NormalizeDim("Narrow", dim, shape.Length);
        if (start < 0 || length < 0 || start + length > shape[d])
            throw new ArgumentOutOfRangeException(nameof(start), $"Narrow: range {start}..{start + length} is outside dimension {d} of size {shape[d]} in shape {Shape.Format(shape)}");
        return d;
    }

    /// <summary>Select's dimension and index (negative from the end), checked.</summary>
    public static (int Dim, int Index) Selected(int[] shape, int dim, int index)
    {
        if (shape.Length == 0) throw new ArgumentException("Select: cannot select from a scalar (rank 0) tensor");
        int d = Shape.NormalizeDim("Select", dim, shape.Length);
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d])
            throw new ArgumentOutOfRangeException(nameof(index), $"Select: index {index} is out of range for dimension {d} of size {shape[d]}");
        return (d, i);
    }

    /// <summary>(outer, size, inner): the element counts before, along and after dimension <paramref name="d"/>.</summary>
    public static (int Outer, int Size, int Inner) Around(int[] shape, int d)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.Length; i++) inner *= shape[i];
        return (outer, shape[d], inner);
    }

    /// <summary>Checks the shapes of a concatenation along <paramref name="dim"/> and gives the result's shape and dimension.</summary>
    public static (int[] Shape, int Dim) Concatenated(IReadOnlyList<int[]> shapes, int dim)
    {
        if (shapes.Count == 0) throw new ArgumentException("Cat: expects a non-empty list of tensors");
        var first = shapes[0];
        if (first.Length == 0) throw new ArgumentException("Cat: zero-dimensional tensors cannot be concatenated; use Stack");
        int d = Shape.NormalizeDim("Cat", dim, first.Length);
        int total = 0;
        foreach (var s in shapes)
        {
            bool ok = s.Length == first.Length;
            for (int i = 0; ok && i < s.Length; i++) ok = i == d || s[i] == first[i];
            if (!ok) throw new ArgumentException($"Cat: sizes must match except in dimension {d}; got {Shape.Format(first)} and {Shape.Format(s)}");
            total += s[d];
        }
        var shape = (int[])first.Clone();
        shape[d] = total;
        return (shape, d);
    }

    /// <summary>Checks that every shape of a stack is equal and gives the new dimension.</summary>
    public static int Stacked(IReadOnlyList<int[]> shapes, int dim)
    {
        if (shapes.Count == 0) throw new ArgumentException("Stack: expects a non-empty list of tensors");
        foreach (var s in shapes)
            if (!Shape.Equal(s, shapes[0]))
                throw new ArgumentException($"Stack: all tensors must have the same shape; got {Shape.Format(shapes[0])} and {Shape.Format(s)}");
        return Shape.NormalizeDim("Stack", dim, shapes[0].Length + 1);
    }

    /// <summary>Copies the pieces of a concatenation into <paramref name="destination"/> (outer, total, inner).</summary>
    public static void CopyConcatenated<T>(IReadOnlyList<T[]> storages, IReadOnlyList<int> offsets, IReadOnlyList<int> sizes, int outer, int total, int inner, Span<T> destination)
    {
        int at = 0;
        for (int k = 0; k < storages.Count; k++)
        {
            int block = sizes[k] * inner;
            var src = storages[k].AsSpan(offsets[k]);
            for (int o = 0; o < outer; o++)
                src.Slice(o * block, block).CopyTo(destination.Slice((o * total + at) * inner, block));
            at += sizes[k];
        }
    }
}

/// <summary>
/// A slice start, start + step, ... (<see cref="Count"/> of them) along the middle of (outer, size, inner):
/// the result's shape and the copies out of the source and, for the gradient, back into it.
/// </summary>
internal readonly record struct SlicePlan(int Start, int Count, int Step, int Outer, int Size, int Inner, int[] Shape)
{
    /// <summary>Copies the sliced elements of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public void Copy<T>(ReadOnlySpan<T> source, Span<T> destination)
    {
        for (int o = 0; o < Outer; o++)
            for (int i = 0; i < Count; i++)
                source.Slice((o * Size + Start + i * Step) * Inner, Inner).CopyTo(destination.Slice((o * Count + i) * Inner, Inner));
    }

    /// <summary>Copies a slice-shaped <paramref name="source"/> back to its positions in <paramref name="destination"/>.</summary>
    public void Scatter<T>(ReadOnlySpan<T> source, Span<T> destination)
    {
        for (int o = 0; o < Outer; o++)
            for (int i = 0; i < Count; i++)
                source.Slice((o * Count + i) * Inner, Inner).CopyTo(destination.Slice((o * Size + Start + i * Step) * Inner, Inner));
    }
}

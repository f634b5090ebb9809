using Descent.Kernels;

namespace Descent;

// The ops that take integer indices along a dimension: Gather picks by per-position indices, Scatter and
// ScatterAdd write by them, IndexSelect picks whole slices. The backward of each moves the gradient back
// through the same flat positions.
public partial class Tensor
{
    /// <summary>
    /// Picks values along <paramref name="dim"/> by index, like <c>torch.gather</c>: for dim 1 of a
    /// rank-3 tensor, out[i, j, k] = x[i, index[i, j, k], k]. The index has the input's rank, holds
    /// values in [0, size of dim), and may be smaller than the input in the other dimensions; the output
    /// has the index's shape. Repeated indices accumulate gradient.
    /// </summary>
    /// <example><code>
    /// var logp = logits.LogSoftmax(1);                          // [N, C]
    /// var picked = logp.Gather(1, classes.Unsqueeze(1));        // [N, 1]: each row's log-probability of its class
    /// </code></example>
    public Tensor Gather(int dim, IntTensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        int d = CheckIndexShapes("Gather", dim, index, null);
        var positions = IndexPositions("Gather", d, index);
        var result = Uninitialized(index.ShapeRef);
        IndexKernel.Gather(Data, positions, result.DataSpan);
        var inShape = _shape;
        return Graph.RecordNoArrays(result, "Gather", this, (_, g) =>
        {
            var grad = new Tensor(inShape);
            IndexKernel.ScatterAdd(g.Data, positions, grad.DataSpan);
            return grad;
        });
    }

    /// <summary>
    /// <see cref="Gather(int, IntTensor)"/> with indices stored as floats (older code); each must be a whole number.
    /// </summary>
    /// <example><code>x.Gather(1, Tensor.FromArray([0f, 2f], 2, 1))</code></example>
    public Tensor Gather(int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Gather(dim, index.AsIndices("Gather"));
    }

    /// <summary>
    /// A copy of this tensor with the values of <paramref name="src"/> written along <paramref name="dim"/>
    /// at the positions <paramref name="index"/> names, like <c>torch.Tensor.scatter</c>: for dim 1 of a
    /// rank-2 tensor, out[i, index[i, j]] = src[i, j]. Index, src and this tensor have one rank; the index
    /// may be no larger than src in any dimension, nor than this tensor outside <paramref name="dim"/>.
    /// Where the index repeats a position, the last write in row-major order of the index wins (PyTorch
    /// leaves the winner unspecified). Gradients follow PyTorch's: zero for this tensor at every written
    /// position; for src, the output's gradient at the position each element was written to (also for
    /// an element a later duplicate overwrote), and zero for src elements the index does not reach.
    /// </summary>
    /// <example><code>
    /// // one-hot rows: out[i, labels[i]] = 1
    /// var oneHot = Tensor.Zeros(3, 4).Scatter(1, IntTensor.FromArray([2, 0, 3], [3, 1]), Tensor.Ones(3, 1));
    /// </code></example>
    public Tensor Scatter(int dim, IntTensor index, Tensor src) => ScatterInto("Scatter", dim, index, src, accumulate: false);

    /// <summary>
    /// A copy of this tensor with the values of <paramref name="src"/> added along <paramref name="dim"/>
    /// at the positions <paramref name="index"/> names, like <c>torch.Tensor.scatter_add</c>: for dim 1 of a
    /// rank-2 tensor, out[i, index[i, j]] += src[i, j]; repeated positions add up (in row-major order of
    /// the index, so the sum is the same bits every run). Shapes as for <see cref="Scatter"/>. The gradient
    /// passes to this tensor unchanged and to src from the position each element was added to.
    /// </summary>
    /// <example><code>
    /// // per-class sums: sums[c] = Σ values[i] over the i where labels[i] == c
    /// var sums = Tensor.Zeros(4).ScatterAdd(0, labels, values);
    /// </code></example>
    public Tensor ScatterAdd(int dim, IntTensor index, Tensor src) => ScatterInto("ScatterAdd", dim, index, src, accumulate: true);

    private Tensor ScatterInto(string op, int dim, IntTensor index, Tensor src, bool accumulate)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(src);
        int d = CheckIndexShapes(op, dim, index, src);
        var targets = IndexPositions(op, d, index);
        var reads = new int[index.Numel];
        var (walk, srcStrides, _) = Walk(index, src._shape, 0);
        IndexKernel.Positions(default, walk, srcStrides, -1, 0, reads);
        var result = Uninitialized(_shape);
        Data.CopyTo(result.DataSpan);
        IndexKernel.Scatter(src.Data, reads, targets, result.DataSpan, accumulate);
        var self = this;
        var srcShape = src._shape;
        return Graph.RecordNoArrays(result, op, this, src, (_, g) =>
        {
            Tensor? selfGrad = null, srcGrad = null;
            if (self.RequiresGrad)
            {
                selfGrad = Uninitialized(g._shape);
                g.Data.CopyTo(selfGrad.DataSpan);
                if (!accumulate) IndexKernel.Fill(targets, 0f, selfGrad.DataSpan);
            }
            if (src.RequiresGrad)
            {
                srcGrad = new Tensor(srcShape);
                IndexKernel.Scatter(g.Data, targets, reads, srcGrad.DataSpan, accumulate: false);
            }
            return (selfGrad, srcGrad);
        });
    }

    /// <summary>
    /// Picks whole slices along <paramref name="dim"/> by the indices in a 0-D or 1-D
    /// <paramref name="index"/>, like <c>torch.index_select</c>; the result has the input's rank, with
    /// index.Numel slices along <paramref name="dim"/>. Repeated indices accumulate gradient.
    /// </summary>
    /// <example><code>
    /// var rows = table.IndexSelect(0, IntTensor.FromArray([4, 0, 4]));   // rows 4, 0 and 4 again
    /// </code></example>
    public Tensor IndexSelect(int dim, IntTensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (Rank == 0) throw new ArgumentException("IndexSelect: cannot index a scalar (rank 0) tensor");
        if (index.Rank > 1)
            throw new ArgumentException($"IndexSelect: index must be 0-D or 1-D; got input {Descent.Shape.Format(_shape)} and index {Descent.Shape.Format(index.ShapeRef)}");
        int d = Descent.Shape.NormalizeDim("IndexSelect", dim, Rank);
        var rows = new int[index.Numel];
        int bad = IndexKernel.Positions(index.Data, [rows.Length], [1], 0, _shape[d], rows);
        if (bad >= 0)
            throw new ArgumentOutOfRangeException(nameof(index), $"IndexSelect: index {index.Data[bad]} at position {bad} is out of range for dimension {d} of size {_shape[d]}");
        return IndexSelect(d, rows);
    }

    /// <summary>Checks ranks and sizes as PyTorch's gather and scatter do; returns the dimension, normalized.</summary>
    private int CheckIndexShapes(string op, int dim, IntTensor index, Tensor? src)
    {
        var ix = index.ShapeRef;
        if (index.Rank != Rank)
            throw new ArgumentException($"{op}: index must have the same rank as the input; got input {Descent.Shape.Format(_shape)} and index {Descent.Shape.Format(ix)}");
        if (src is not null && src.Rank != Rank)
            throw new ArgumentException($"{op}: src must have the same rank as the input; got input {Descent.Shape.Format(_shape)} and src {Descent.Shape.Format(src._shape)}");
        int d = Descent.Shape.NormalizeDim(op, dim, Rank);
        for (int i = 0; i < Rank; i++)
        {
            if (i != d && ix[i] > _shape[i])
                throw new ArgumentException($"{op}: index may not be larger than the input outside dimension {d}, but dimension {i} is {ix[i]} vs {_shape[i]}; got input {Descent.Shape.Format(_shape)} and index {Descent.Shape.Format(ix)}");
            if (src is not null && ix[i] > src._shape[i])
                throw new ArgumentException($"{op}: index may not be larger than src in any dimension, but dimension {i} is {ix[i]} vs {src._shape[i]}; got index {Descent.Shape.Format(ix)} and src {Descent.Shape.Format(src._shape)}");
        }
        return d;
    }

    /// <summary>The flat position in this tensor each index element names, refusing any index out of range.</summary>
    private int[] IndexPositions(string op, int d, IntTensor index)
    {
        var positions = new int[index.Numel];
        var (walk, strides, size) = Walk(index, _shape, d);
        int bad = IndexKernel.Positions(index.Data, walk, strides, d, size, positions);
        if (bad >= 0)
            throw new ArgumentOutOfRangeException(nameof(index), $"{op}: index {index.Data[bad]} at position {Descent.Shape.Format(Coordinate(bad, index.ShapeRef))} is out of range for dimension {d} of size {size}");
        return positions;
    }

    /// <summary>The index's shape and the target's strides and size along d, a 0-D tensor taken as [1].</summary>
    private static (int[] Walk, int[] Strides, int Size) Walk(IntTensor index, int[] target, int d) =>
        target.Length == 0 ? ([1], [1], 1) : (index.ShapeRef, Descent.Shape.Strides(target), target[d]);

    private static int[] Coordinate(int flat, int[] shape)
    {
        var coord = new int[shape.Length];
        for (int k = shape.Length - 1; k >= 0; k--)
        {
            coord[k] = flat % shape[k];
            flat /= shape[k];
        }
        return coord;
    }
}

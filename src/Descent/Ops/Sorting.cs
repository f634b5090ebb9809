using Descent.Kernels;

namespace Descent;

// TopK, Sort and ArgSort: values that stay differentiable, and the int64 positions they came from.
public partial class Tensor
{
    /// <summary>
    /// The <paramref name="k"/> largest (or, with <paramref name="largest"/> false, smallest) elements along a
    /// dimension and their indices, like <c>torch.topk</c>. The values are differentiable: their gradient goes
    /// back to the positions they were taken from. NaN ranks above every number, as in PyTorch. Among tied
    /// values the lower index comes first; PyTorch leaves the choice and order of ties unspecified, so this is
    /// one of the answers it may give. With <paramref name="sorted"/> false PyTorch may return the k elements
    /// in any order; Descent returns them sorted all the same.
    /// </summary>
    /// <example><code>
    /// var scores = Tensor.FromArray([0.1f, 0.7f, 0.2f, 0.9f, 0.3f, 0.4f], 2, 3);
    /// var (values, indices) = scores.TopK(2);    // values [[0.7, 0.2], [0.9, 0.4]], indices [[1, 2], [0, 2]]
    /// </code></example>
    public (Tensor Values, IntTensor Indices) TopK(int k, int dim = -1, bool largest = true, bool sorted = true)
    {
        int d = Descent.Shape.NormalizeDim("TopK", dim, Rank);
        int size = Rank == 0 ? 1 : _shape[d];
        // A 0-d tensor has no dimension to hold zero elements, so it gives its one element or fails.
        if (k < (Rank == 0 ? 1 : 0) || k > size)
            throw new ArgumentException($"TopK: k must be between {(Rank == 0 ? 1 : 0)} and the size of dimension {d}; got k={k} for size {size} in shape {Descent.Shape.Format(_shape)}");
        return SortAlong("TopK", d, k, descending: largest);
    }

    /// <summary>
    /// The elements sorted along a dimension and the indices that sort them, like <c>torch.sort</c>; the values
    /// are differentiable (their gradient goes back to where each came from). NaN sorts above every number,
    /// as in PyTorch. The sort is always stable: tied elements keep their order. PyTorch's
    /// <paramref name="stable"/> = false promises only some order of ties, and the stable one is such an order,
    /// so the flag is accepted and changes nothing.
    /// </summary>
    /// <example><code>
    /// var (values, indices) = Tensor.FromArray([3f, 1f, 2f, 1f]).Sort();    // [1, 1, 2, 3], [1, 3, 2, 0]
    /// var (down, order) = Tensor.FromArray([3f, 1f, 2f]).Sort(descending: true);    // [3, 2, 1], [0, 2, 1]
    /// </code></example>
    public (Tensor Values, IntTensor Indices) Sort(int dim = -1, bool descending = false, bool stable = false)
    {
        int d = Descent.Shape.NormalizeDim("Sort", dim, Rank);
        return SortAlong("Sort", d, Rank == 0 ? 1 : _shape[d], descending);
    }

    /// <summary>
    /// The indices that sort the tensor along a dimension, like <c>torch.argsort</c>: the indices of
    /// <see cref="Sort"/>, stable likewise, with NaN above every number.
    /// </summary>
    /// <example><code>
    /// var order = Tensor.FromArray([0.5f, -1f, 2f]).ArgSort();    // tensor([1, 0, 2])
    /// </code></example>
    public IntTensor ArgSort(int dim = -1, bool descending = false, bool stable = false)
    {
        int d = Descent.Shape.NormalizeDim("ArgSort", dim, Rank);
        return SortAlong("ArgSort", d, Rank == 0 ? 1 : _shape[d], descending, record: false).Indices;
    }

    private (Tensor Values, IntTensor Indices) SortAlong(string op, int d, int k, bool descending, bool record = true)
    {
        var (outer, length, inner) = AsOuterLengthInner(d);
        var outShape = (int[])_shape.Clone();
        if (Rank > 0) outShape[d] = k;
        var values = Uninitialized(outShape);
        var indices = new IntTensor(outShape);
        SortKernel.SortLines(Data, outer, length, inner, k, descending, values.DataSpan, indices.DataSpan);
        if (!record || !Graph.Needs(this)) return (values, indices);
        var x = this;
        Graph.Record(values, op, [this], g =>
        {
            var grad = new Tensor(x._shape);
            SortKernel.ScatterAddLines(g.Data, indices.Data, outer, k, inner, length, grad.DataSpan);
            return [grad];
        });
        return (values, indices);
    }
}

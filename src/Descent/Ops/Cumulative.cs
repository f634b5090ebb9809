using Descent.Kernels;

namespace Descent;

// Running reductions along one dimension.
public partial class Tensor
{
    /// <summary>
    /// Cumulative sum along <paramref name="dim"/> (negative counts from the end): element i is the sum of
    /// elements 0..i, as <c>torch.cumsum</c>. Accumulated in double in a fixed order, as libtorch's CPU
    /// kernel does. The gradient is the reversed cumulative sum of the output's gradient.
    /// </summary>
    /// <example><code>var y = Tensor.FromArray([1f, 2f, 3f]).Cumsum(0); // [1, 3, 6]</code></example>
    public Tensor Cumsum(int dim)
    {
        int d = Descent.Shape.NormalizeDim("Cumsum", dim, Rank);
        var (outer, length, inner) = AsOuterLengthInner(d);
        var result = Uninitialized(_shape);
        CumulativeKernel.Sum(Data, outer, length, inner, reverse: false, result.DataSpan);
        var shape = _shape;
        return Graph.Record(result, "Cumsum", [this], g =>
        {
            var grad = Uninitialized(shape);
            CumulativeKernel.Sum(g.Data, outer, length, inner, reverse: true, grad.DataSpan);
            return [grad];
        });
    }
}

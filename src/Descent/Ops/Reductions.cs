using System.Numerics.Tensors;
using Descent.Kernels;

namespace Descent;

// Sum, Mean, Max, Min, Var, Std over everything or chosen dimensions, and ArgMax/ArgMin.
public partial class Tensor
{
    /// <summary>Sum of all elements, as a scalar tensor.</summary>
    public Tensor Sum()
    {
        var result = Scalar(TensorPrimitives.Sum(Data));
        return Graph.RecordNoArrays(result, "Sum", this, static (n, g) => new Tensor(n.A._shape).Fill(g.Storage[g.Offset]));
    }

    /// <summary>Sum over one dimension.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>Sum over the given dimensions (negative counts from the end).</summary>
    public Tensor Sum(int[] dims, bool keepDim = false)
    {
        var (result, keepShape) = ReduceDims<SumReduce>("Sum", dims, keepDim);
        var shape = _shape;
        return Graph.RecordNoArrays(result, "Sum", this, (_, g) => g.Reshape(keepShape).Expand(shape));
    }

    /// <summary>Mean of all elements.</summary>
    public Tensor Mean()
    {
        if (Numel == 0) return Scalar(float.NaN);
        return Sum().Div(Numel);
    }

    /// <summary>Mean over one dimension.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>Mean over the given dimensions.</summary>
    public Tensor Mean(int[] dims, bool keepDim = false)
    {
        foreach (int d in dims) Descent.Shape.NormalizeDim("Mean", d, Rank);
        var sum = Sum(dims, keepDim);
        int count = sum.Numel == 0 ? 1 : Numel / sum.Numel;
        return sum.Div(count);
    }

    /// <summary>
    /// Variance over the given dimensions (negative counts from the end), or over all elements when
    /// <paramref name="dims"/> is null or empty: Σ(x − mean)² / max(0, N − <paramref name="correction"/>), as
    /// PyTorch's <c>var(dim, correction=, keepdim=)</c>. The default correction 1 is Bessel's (the unbiased
    /// estimate, PyTorch's <c>unbiased=True</c>); 0 gives the population variance (<c>unbiased=False</c>).
    /// </summary>
    /// <remarks>
    /// When N − correction ≤ 0 the divisor is 0, so the result is ∞, or NaN where every deviation is 0 (a
    /// single element), as in PyTorch; the gradient then follows libtorch's formula too. Accumulated in double.
    /// An empty <paramref name="dims"/> reduces over all elements as PyTorch's <c>dim=[]</c> does; its gradient
    /// is the true one, where libtorch's divides by 1 − correction instead of N − correction.
    /// </remarks>
    /// <example><code>
    /// var x = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
    /// var all = x.Var();                              // 1.6666666
    /// var rows = x.Var([1], correction: 0);            // [0.25, 0.25]
    /// </code></example>
    public Tensor Var(int[]? dims = null, int correction = 1, bool keepDim = false) => Deviation("Var", dims, correction, keepDim, sqrt: false);

    /// <summary>Variance over one dimension; see <see cref="Var(int[], int, bool)"/>.</summary>
    /// <example><code>var v = x.Var(-1, keepDim: true);</code></example>
    public Tensor Var(int dim, int correction = 1, bool keepDim = false) => Var([dim], correction, keepDim);

    /// <summary>
    /// Standard deviation, √<see cref="Var(int[], int, bool)"/>, with the same dimensions, correction and
    /// edge cases, as PyTorch's <c>std</c>. Where the result is 0 the gradient is 0, as libtorch masks it.
    /// </summary>
    /// <example><code>var s = Tensor.FromArray([1f, 2f, 3f, 4f]).Std(); // 1.2909944</code></example>
    public Tensor Std(int[]? dims = null, int correction = 1, bool keepDim = false) => Deviation("Std", dims, correction, keepDim, sqrt: true);

    /// <summary>Standard deviation over one dimension; see <see cref="Std(int[], int, bool)"/>.</summary>
    /// <example><code>var s = x.Std(0, correction: 0);</code></example>
    public Tensor Std(int dim, int correction = 1, bool keepDim = false) => Std([dim], correction, keepDim);

    private Tensor Deviation(string op, int[]? dims, int correction, bool keepDim, bool sqrt)
    {
        dims ??= [];
        var given = dims.Select(d => Descent.Shape.NormalizeDim(op, d, Rank)).Distinct().Order().ToArray();
        if (given.Length != dims.Length) throw new ArgumentException($"{op}: dimension repeated in [{string.Join(", ", dims)}]");
        // PyTorch reduces a 0-d tensor, and an empty dimension list, over all elements.
        bool all = dims.Length == 0 || Rank == 0;
        int[] norm = all ? Enumerable.Range(0, Rank).ToArray() : given;
        var keepShape = ReducedShape(norm, keepDim: true);
        var outShape = keepDim ? keepShape : ReducedShape(norm, keepDim: false);

        // The reduced dimensions as one middle axis: in place when they are adjacent, else moved to the end.
        var source = Data;
        int reduced = 1;
        foreach (int d in norm) reduced *= _shape[d];
        int outer = 1, inner = 1;
        if (norm.Length == 0 || norm[^1] - norm[0] == norm.Length - 1)
        {
            for (int i = 0; i < (norm.Length == 0 ? 0 : norm[0]); i++) outer *= _shape[i];
            for (int i = norm.Length == 0 ? 0 : norm[^1] + 1; i < Rank; i++) inner *= _shape[i];
        }
        else
        {
            var perm = Enumerable.Range(0, Rank).Where(d => Array.IndexOf(norm, d) < 0).Concat(norm).ToArray();
            var moved = new float[Numel];
            CopyKernel.Permute(Data, _shape, perm, moved);
            source = moved;
            outer = Descent.Shape.Numel(keepShape);
        }
        var mean = new Tensor(keepShape);
        var result = new Tensor(outShape);
        VarianceKernel.Run(source, outer, reduced, inner, correction, sqrt, mean.DataSpan, result.DataSpan);

        var x = this;
        float scale = (float)(2.0 / ((double)reduced - correction));
        return Graph.Record(result, op, [x], g =>
        {
            var gv = g.Reshape(keepShape);
            // libtorch's std_backward: g / (2·std), masked to 0 where std is 0, then var's backward.
            if (sqrt) gv = Where(result.Reshape(keepShape).Eq(0f), ZerosLike(gv), gv.Div(result.Reshape(keepShape).Mul(2f)));
            if (all && reduced - correction <= 0)
            {
                var grad = Uninitialized(x._shape);
                VarianceKernel.UndefinedGradient(gv.Item(), x.Data, mean.Item(), grad.DataSpan);
                return [grad];
            }
            return [gv.Mul(scale).Mul(x.Sub(mean))];
        });
    }

    /// <summary>Largest element; the gradient is shared evenly among tied maxima, as PyTorch's <c>max()</c>.</summary>
    public Tensor Max() => ExtremeAll("Max", TensorPrimitives.Max);

    /// <summary>Smallest element; the gradient is shared evenly among tied minima.</summary>
    public Tensor Min() => ExtremeAll("Min", TensorPrimitives.Min);

    /// <summary>Largest value along a dimension; the gradient goes to the first maximum, as <c>torch.max(dim)</c>.</summary>
    public Tensor Max(int dim, bool keepDim = false) => ExtremeDim<MaxReduce>("Max", dim, keepDim, max: true);

    /// <summary>Smallest value along a dimension; the gradient goes to the first minimum.</summary>
    public Tensor Min(int dim, bool keepDim = false) => ExtremeDim<MinReduce>("Min", dim, keepDim, max: false);

    /// <summary>
    /// Largest values over the given dimensions (all of them when none are given), as <c>torch.amax</c>.
    /// Unlike <see cref="Max(int, bool)"/>, which sends each gradient to one index, the gradient is split
    /// evenly among the elements tied for the maximum.
    /// </summary>
    /// <example><code>
    /// var x = Tensor.FromArray([1f, 3f, 3f, 0f], 2, 2).RequireGrad();
    /// x.Amax([0, 1]).Backward();   // x.Grad: [0, 0.5, 0.5, 0]; x.Max(1) would give one of the 3s all of it
    /// </code></example>
    public Tensor Amax(int[] dims, bool keepDim = false) => Extremes<MaxReduce>("Amax", dims, keepDim);

    /// <summary>Largest values along one dimension, ties sharing the gradient evenly; see <see cref="Amax(int[], bool)"/>.</summary>
    /// <example><code>var rowMax = x.Amax(1, keepDim: true);</code></example>
    public Tensor Amax(int dim, bool keepDim = false) => Amax([dim], keepDim);

    /// <summary>
    /// Smallest values over the given dimensions (all of them when none are given), as <c>torch.amin</c>;
    /// the gradient is split evenly among the elements tied for the minimum.
    /// </summary>
    /// <example><code>var lowest = Tensor.FromArray([2f, 0f, 0f, 5f], 2, 2).Amin([1]);   // [0, 0]</code></example>
    public Tensor Amin(int[] dims, bool keepDim = false) => Extremes<MinReduce>("Amin", dims, keepDim);

    /// <summary>Smallest values along one dimension, ties sharing the gradient evenly; see <see cref="Amin(int[], bool)"/>.</summary>
    /// <example><code>var colMin = x.Amin(0);</code></example>
    public Tensor Amin(int dim, bool keepDim = false) => Amin([dim], keepDim);

    private Tensor Extremes<TOp>(string op, int[] dims, bool keepDim) where TOp : IReduceOp
    {
        ArgumentNullException.ThrowIfNull(dims);
        // torch.amax(x, dim=()) reduces every dimension.
        if (dims.Length == 0) dims = Enumerable.Range(0, Rank).ToArray();
        var (result, keepShape) = ReduceDims<TOp>(op, dims, keepDim);
        var x = this;
        return Graph.RecordNoArrays(result, op, this, (_, g) =>
        {
            // PyTorch's scale_grad_by_count: mask / count · grad, so a NaN extreme (equal to nothing) gives NaN.
            var mask = x.Eq(result.Reshape(keepShape)).Float();
            return mask.Mul(g.Reshape(keepShape).Div(mask.Sum(dims, keepDim: true)));
        });
    }

    /// <summary>
    /// Index of the largest element of the flattened tensor, as <c>torch.argmax()</c>: the first one on ties,
    /// and the first NaN if there is one (NaN counts as larger than every number).
    /// </summary>
    /// <example><code>
    /// var x = Tensor.FromArray([1f, 3f, 3f, 0f], 2, 2);
    /// long i = x.ArgMax().Item();    // 1
    /// </code></example>
    public IntTensor ArgMax() => IntTensor.Scalar(ReduceKernel.FirstExtreme(CheckNotEmpty("ArgMax").Data, max: true));

    /// <summary>
    /// Index of the smallest element of the flattened tensor, as <c>torch.argmin()</c>: the first one on ties,
    /// and the first NaN if there is one (NaN propagates through min as through max).
    /// </summary>
    /// <example><code>
    /// long i = Tensor.FromArray([2f, 0f, 0f]).ArgMin().Item();    // 1
    /// </code></example>
    public IntTensor ArgMin() => IntTensor.Scalar(ReduceKernel.FirstExtreme(CheckNotEmpty("ArgMin").Data, max: false));

    /// <summary>Indices of the largest elements along a dimension, with <see cref="ArgMax()"/>'s rules for ties and NaN.</summary>
    /// <example><code>
    /// var logits = Tensor.FromArray([0.1f, 2f, -1f, 3f, 0f, 3f], 2, 3);
    /// var classes = logits.ArgMax(1);    // tensor([1, 0])
    /// </code></example>
    public IntTensor ArgMax(int dim, bool keepDim = false) => ArgExtreme("ArgMax", dim, keepDim, max: true);

    /// <summary>Indices of the smallest elements along a dimension, with <see cref="ArgMin()"/>'s rules for ties and NaN.</summary>
    /// <example><code>
    /// var lowest = Tensor.FromArray([3f, 1f, 2f, 0f], 2, 2).ArgMin(0);    // tensor([1, 0])
    /// </code></example>
    public IntTensor ArgMin(int dim, bool keepDim = false) => ArgExtreme("ArgMin", dim, keepDim, max: false);

    private Tensor CheckNotEmpty(string op)
    {
        if (Numel == 0) throw new ArgumentException($"{op}: cannot reduce an empty tensor of shape {Descent.Shape.Format(_shape)}");
        return this;
    }

    private Tensor ExtremeAll(string op, Func<ReadOnlySpan<float>, float> reduce)
    {
        CheckNotEmpty(op);
        var result = Scalar(reduce(Data));
        var x = this;
        return Graph.RecordNoArrays(result, op, this, (_, g) =>
        {
            // A NaN result came from NaN inputs; like PyTorch, the gradient goes to them.
            var mask = (float.IsNaN(result.Item()) ? x.Ne(x) : x.Eq(result)).Float();
            return mask.Mul(g.Div(mask.Sum()));
        });
    }

    private Tensor ExtremeDim<TOp>(string op, int dim, bool keepDim, bool max) where TOp : IReduceOp
    {
        CheckNotEmpty(op);
        var (result, keepShape) = ReduceDims<TOp>(op, [dim], keepDim);
        var x = this;
        return Graph.RecordNoArrays(result, op, this, (_, g) =>
        {
            int d = Descent.Shape.NormalizeDim(op, dim, x.Rank);
            var (outer, length, inner) = x.AsOuterLengthInner(d);
            var indices = new int[outer * inner];
            ReduceKernel.ArgMax(x.Data, outer, length, inner, indices, max);
            var grad = new Tensor(x._shape);
            var gd = g.Data;
            var dst = grad.DataSpan;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                    dst[(o * length + indices[o * inner + i]) * inner + i] = gd[o * inner + i];
            return grad;
        });
    }

    private IntTensor ArgExtreme(string op, int dim, bool keepDim, bool max)
    {
        CheckNotEmpty(op);
        int d = Descent.Shape.NormalizeDim(op, dim, Rank);
        var (outer, length, inner) = AsOuterLengthInner(d);
        var indices = new int[outer * inner];
        ReduceKernel.ArgMax(Data, outer, length, inner, indices, max);
        var result = new IntTensor(ReducedShape([d], keepDim));
        var dst = result.DataSpan;
        for (int i = 0; i < indices.Length; i++) dst[i] = indices[i];
        return result;
    }

    /// <summary>Views the tensor as [outer, size of dim, inner].</summary>
    internal (int Outer, int Length, int Inner) AsOuterLengthInner(int dim)
    {
        if (Rank == 0) return (1, 1, 1);
        return Layout.Around(_shape, dim);
    }

    private int[] ReducedShape(int[] normalizedDims, bool keepDim)
    {
        var shape = new List<int>();
        for (int i = 0; i < _shape.Length; i++)
        {
            if (Array.IndexOf(normalizedDims, i) < 0) shape.Add(_shape[i]);
            else if (keepDim) shape.Add(1);
        }
        return shape.ToArray();
    }

    private (Tensor Result, int[] KeepShape) ReduceDims<TOp>(string op, int[] dims, bool keepDim) where TOp : IReduceOp
    {
        var norm = dims.Select(d => Descent.Shape.NormalizeDim(op, d, Rank)).Distinct().OrderByDescending(d => d).ToArray();
        if (norm.Length != dims.Length) throw new ArgumentException($"{op}: dimension repeated in [{string.Join(", ", dims)}]");
        var keepShape = ReducedShape(norm, keepDim: true);
        // Reduce one dimension at a time, innermost first; each pass is [outer, length, inner].
        float[] current = Storage;
        int currentOffset = Offset;
        var shape = (int[])_shape.Clone();
        if (Rank == 0 || norm.Length == 0)
        {
            if (Rank != 0)
            {
                var copy = new Tensor(_shape);
                Data.CopyTo(copy.DataSpan);
                return (copy, keepShape);
            }
            var scalar = new Tensor(keepShape);
            scalar.Storage[0] = Storage[Offset];
            return (scalar, keepShape);
        }
        foreach (int d in norm)
        {
            int outer = 1, inner = 1;
            for (int i = 0; i < d; i++) outer *= shape[i];
            for (int i = d + 1; i < shape.Length; i++) inner *= shape[i];
            var next = BufferPool.ForTensor(outer * inner);
            if (shape[d] == 0)
            {
                if (typeof(TOp) != typeof(SumReduce)) throw new ArgumentException($"{op}: cannot reduce over an empty dimension {d} of shape {Descent.Shape.Format(_shape)}");
            }
            else
            {
                ReduceKernel.Run<TOp>(current.AsSpan(currentOffset, outer * shape[d] * inner), outer, shape[d], inner, next);
            }
            current = next;
            currentOffset = 0;
            shape[d] = 1;
        }
        var result = OverPooledBuffer(current, keepDim ? keepShape : ReducedShape(norm, keepDim: false));
        return (result, keepShape);
    }
}

using Descent.Kernels;

namespace Descent;

// Elementwise comparisons with broadcasting, giving BoolTensor masks as PyTorch's do (masks carry no
// gradient); and the ops that take a mask: Where and MaskedFill.
public partial class Tensor
{
    /// <summary>True where this == other (broadcast), like <c>torch.eq</c>.</summary>
    /// <example><code>Tensor.FromArray([1f, 2f]).Eq(Tensor.FromArray([1f, 3f])) // tensor([ True, False])</code></example>
    public BoolTensor Eq(Tensor other) => Compare<Kernels.Eq>("Eq", this, other);
    /// <summary>True where this != other (broadcast); NaN differs from everything.</summary>
    /// <example><code>x.Ne(x) // true exactly at the NaNs</code></example>
    public BoolTensor Ne(Tensor other) => Compare<Kernels.Ne>("Ne", this, other);
    /// <summary>True where this &lt; other (broadcast).</summary>
    /// <example><code>a.Lt(b).Float().Mean() // the share of elements where a is smaller</code></example>
    public BoolTensor Lt(Tensor other) => Compare<Kernels.Lt>("Lt", this, other);
    /// <summary>True where this &lt;= other (broadcast).</summary>
    /// <example><code>a.Le(b).All()</code></example>
    public BoolTensor Le(Tensor other) => Compare<Kernels.Le>("Le", this, other);
    /// <summary>True where this &gt; other (broadcast).</summary>
    /// <example><code>Tensor.Where(a.Gt(b), a, b)</code></example>
    public BoolTensor Gt(Tensor other) => Compare<Kernels.Gt>("Gt", this, other);
    /// <summary>True where this &gt;= other (broadcast).</summary>
    /// <example><code>a.Ge(b).CountTrue()</code></example>
    public BoolTensor Ge(Tensor other) => Compare<Kernels.Ge>("Ge", this, other);

    /// <summary>True where this == value.</summary>
    /// <example><code>scores.MaskedFill(mask.Eq(0f), float.NegativeInfinity)</code></example>
    public BoolTensor Eq(float value) => Eq(Scalar(value));
    /// <summary>True where this != value.</summary>
    /// <example><code>x.Ne(0f).CountTrue() // the non-zeros</code></example>
    public BoolTensor Ne(float value) => Ne(Scalar(value));
    /// <summary>True where this &lt; value.</summary>
    /// <example><code>x.Lt(0f)</code></example>
    public BoolTensor Lt(float value) => Lt(Scalar(value));
    /// <summary>True where this &lt;= value.</summary>
    /// <example><code>x.Le(1f)</code></example>
    public BoolTensor Le(float value) => Le(Scalar(value));
    /// <summary>True where this &gt; value.</summary>
    /// <example><code>Tensor.Where(x.Gt(0f), x, x * 0.01f) // leaky ReLU</code></example>
    public BoolTensor Gt(float value) => Gt(Scalar(value));
    /// <summary>True where this &gt;= value.</summary>
    /// <example><code>probabilities.Ge(0.5f).Float() // predicted labels</code></example>
    public BoolTensor Ge(float value) => Ge(Scalar(value));

    private static BoolTensor Compare<TRel>(string op, Tensor a, Tensor b) where TRel : IElementOp<float, float, bool>
    {
        ArgumentNullException.ThrowIfNull(b);
        return BoolTensor.Of(Elementwise.Map<float, float, bool, TRel>(op, a.Data, a._shape, b.Data, b._shape));
    }

    /// <summary>
    /// Picks from <paramref name="x"/> where <paramref name="condition"/> is true and from
    /// <paramref name="y"/> elsewhere, like <c>torch.where</c>; all three broadcast. Gradients flow to the
    /// picked side only (zero, not NaN, on the other side even where the gradient is infinite).
    /// </summary>
    /// <example><code>Tensor.Where(x.Gt(0f), x, x * 0.01f) // leaky ReLU</code></example>
    public static Tensor Where(BoolTensor condition, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var shape = Descent.Shape.Broadcast("Where", Descent.Shape.Broadcast("Where", condition.ShapeRef, x._shape), y._shape);
        var result = Uninitialized(shape);
        var c = BroadcastMask(condition, shape);
        var xs = new float[result.Numel];
        BinaryKernel.BroadcastCopy(x.Data, x._shape, xs, shape);
        BinaryKernel.BroadcastCopy(y.Data, y._shape, result.DataSpan, shape);
        MaskKernel.Select(c, xs, result.Data, result.DataSpan);
        return Graph.RecordNoArrays(result, "Where", x, y, (_, g) =>
            (x.RequiresGrad ? ZeroWhere(g, c, false) : null, y.RequiresGrad ? ZeroWhere(g, c, true) : null));
    }

    /// <summary>
    /// A copy with <paramref name="value"/> wherever <paramref name="mask"/> is true, like
    /// <c>torch.masked_fill</c>; the mask and this tensor broadcast to a common shape. The gradient is zero
    /// where the value was filled in and passes through elsewhere.
    /// </summary>
    /// <example><code>
    /// // attention: positions the mask hides get no weight after softmax
    /// var weights = scores.MaskedFill(mask.Eq(0f), float.NegativeInfinity).Softmax(-1);
    /// </code></example>
    public Tensor MaskedFill(BoolTensor mask, float value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var shape = Descent.Shape.Broadcast("MaskedFill", _shape, mask.ShapeRef);
        var m = BroadcastMask(mask, shape);
        var result = Uninitialized(shape);
        BinaryKernel.BroadcastCopy(Data, _shape, result.DataSpan, shape);
        MaskKernel.Fill(m, true, value, result.Data, result.DataSpan);
        return Graph.RecordNoArrays(result, "MaskedFill", this, (_, g) => ZeroWhere(g, m, true));
    }

    private static bool[] BroadcastMask(BoolTensor mask, int[] shape)
    {
        var m = new bool[Descent.Shape.Numel(shape)];
        BinaryKernel.BroadcastCopy(mask.Data, mask.ShapeRef, m, shape);
        return m;
    }

    /// <summary>A copy of the gradient with zeros where the mask equals <paramref name="when"/>.</summary>
    private static Tensor ZeroWhere(Tensor g, bool[] mask, bool when)
    {
        var grad = Uninitialized(g._shape);
        MaskKernel.Fill(mask, when, 0f, g.Data, grad.DataSpan);
        return grad;
    }
}

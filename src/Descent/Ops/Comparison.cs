using Descent.Kernels;

namespace Descent;

// Elementwise comparisons with broadcasting. Descent's tensors are float32 only, so a comparison gives a mask
// of 1s and 0s; masks carry no gradient.
public partial class Tensor
{
    /// <summary>1 where this == other.</summary>
    public Tensor Eq(Tensor other) => Broadcast<CompareOp<Kernels.Eq>>("Eq", this, other);
    /// <summary>1 where this != other.</summary>
    public Tensor Ne(Tensor other) => Broadcast<CompareOp<Kernels.Ne>>("Ne", this, other);
    /// <summary>1 where this &lt; other.</summary>
    public Tensor Lt(Tensor other) => Broadcast<CompareOp<Kernels.Lt>>("Lt", this, other);
    /// <summary>1 where this &lt;= other.</summary>
    public Tensor Le(Tensor other) => Broadcast<CompareOp<Kernels.Le>>("Le", this, other);
    /// <summary>1 where this &gt; other.</summary>
    public Tensor Gt(Tensor other) => Broadcast<CompareOp<Kernels.Gt>>("Gt", this, other);
    /// <summary>1 where this &gt;= other.</summary>
    public Tensor Ge(Tensor other) => Broadcast<CompareOp<Kernels.Ge>>("Ge", this, other);

    /// <summary>1 where this == value.</summary>
    public Tensor Eq(float value) => Eq(Scalar(value));
    /// <summary>1 where this != value.</summary>
    public Tensor Ne(float value) => Ne(Scalar(value));
    /// <summary>1 where this &lt; value.</summary>
    public Tensor Lt(float value) => Lt(Scalar(value));
    /// <summary>1 where this &lt;= value.</summary>
    public Tensor Le(float value) => Le(Scalar(value));
    /// <summary>1 where this &gt; value.</summary>
    public Tensor Gt(float value) => Gt(Scalar(value));
    /// <summary>1 where this &gt;= value.</summary>
    public Tensor Ge(float value) => Ge(Scalar(value));

    /// <summary>
    /// Picks from <paramref name="x"/> where <paramref name="condition"/> is non-zero and from
    /// <paramref name="y"/> elsewhere; all three broadcast. Gradients flow to the picked side only.
    /// <example><c>Tensor.Where(x.Gt(0f), x, x * 0.01f)</c></example>
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor x, Tensor y)
    {
        var shape = Descent.Shape.Broadcast("Where", Descent.Shape.Broadcast("Where", condition._shape, x._shape), y._shape);
        var result = new Tensor(shape);
        var c = new float[result.Numel];
        var xs = new float[result.Numel];
        BinaryKernel.BroadcastCopy(condition.Data, condition._shape, c, shape);
        BinaryKernel.BroadcastCopy(x.Data, x._shape, xs, shape);
        BinaryKernel.BroadcastCopy(y.Data, y._shape, result.DataSpan, shape);
        var d = result.DataSpan;
        for (int i = 0; i < d.Length; i++) if (c[i] != 0f) d[i] = xs[i];
        return Graph.RecordNoArrays(result, "Where", x, y, (_, g) =>
        {
            var mask = new Tensor(c, 0, shape);
            return (x.RequiresGrad ? g.Mul(mask) : null, y.RequiresGrad ? g.Mul(mask.RSub(1f)) : null);
        });
    }
}

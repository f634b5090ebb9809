using Descent.Kernels;

namespace Descent;

/// <summary>Add, Sub, Mul, Div with NumPy broadcasting and scalar operands; forward and backward side by side.</summary>
public partial class Tensor
{
    internal static Tensor Broadcast<TOp>(string op, Tensor a, Tensor b) where TOp : IBinaryOp
    {
        var shape = Descent.Shape.Broadcast(op, a._shape, b._shape);
        var result = new Tensor(shape);
        BinaryKernel.Run<TOp>(a.Data, a._shape, b.Data, b._shape, result.DataSpan, shape);
        return result;
    }

    internal static Tensor Map(Tensor a, float scalar, ScalarMap map)
    {
        var result = new Tensor(a._shape);
        map(a.Data, scalar, result.DataSpan);
        return result;
    }

    internal delegate void ScalarMap(ReadOnlySpan<float> x, float y, Span<float> destination);

    /// <summary>Elementwise sum with broadcasting.</summary>
    public Tensor Add(Tensor other) =>
        Graph.Record(Broadcast<AddOp>("Add", this, other), "Add", this, other, g => (g, g));

    /// <summary>Adds a scalar to every element.</summary>
    public Tensor Add(float scalar) =>
        Graph.Record(Map(this, scalar, AddOp.Apply), "Add", this, g => g);

    /// <summary>Elementwise difference with broadcasting.</summary>
    public Tensor Sub(Tensor other) =>
        // Which inputs need a gradient is fixed when the op is recorded, as in PyTorch; both closures are static.
        Graph.Record(Broadcast<SubOp>("Sub", this, other), "Sub", this, other,
            other.RequiresGrad ? static g => (g, g.Neg()) : static g => (g, null));

    /// <summary>Subtracts a scalar from every element.</summary>
    public Tensor Sub(float scalar) =>
        Graph.Record(Map(this, scalar, SubOp.Apply), "Sub", this, g => g);

    /// <summary>Elementwise product with broadcasting.</summary>
    public Tensor Mul(Tensor other)
    {
        var a = this;
        return Graph.Record(Broadcast<MulOp>("Mul", a, other), "Mul", a, other,
            g => (a.RequiresGrad ? g.Mul(other) : null, other.RequiresGrad ? g.Mul(a) : null));
    }

    /// <summary>Multiplies every element by a scalar.</summary>
    public Tensor Mul(float scalar) =>
        Graph.Record(Map(this, scalar, MulOp.Apply), "Mul", this, g => g.Mul(scalar));

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public Tensor Div(Tensor other)
    {
        var a = this;
        return Graph.Record(Broadcast<DivOp>("Div", a, other), "Div", a, other,
            g => (a.RequiresGrad ? g.Div(other) : null, other.RequiresGrad ? g.Mul(a).Div(other.Mul(other)).Neg() : null));
    }

    /// <summary>Divides every element by a scalar.</summary>
    public Tensor Div(float scalar) =>
        Graph.Record(Map(this, scalar, DivOp.Apply), "Div", this, g => g.Div(scalar));

    /// <summary><paramref name="scalar"/> minus each element.</summary>
    public Tensor RSub(float scalar)
    {
        var result = new Tensor(_shape);
        SubOp.Apply(scalar, Data, result.DataSpan);
        return Graph.Record(result, "RSub", this, g => g.Neg());
    }

    /// <summary><paramref name="scalar"/> divided by each element.</summary>
    public Tensor RDiv(float scalar)
    {
        var result = new Tensor(_shape);
        DivOp.Apply(scalar, Data, result.DataSpan);
        var x = this;
        return Graph.Record(result, "RDiv", this, g => g.Mul(result).Div(x).Neg());
    }

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator +(Tensor a, float b) => a.Add(b);
    public static Tensor operator +(float a, Tensor b) => b.Add(a);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator -(Tensor a, float b) => a.Sub(b);
    public static Tensor operator -(float a, Tensor b) => b.RSub(a);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator *(Tensor a, float b) => a.Mul(b);
    public static Tensor operator *(float a, Tensor b) => b.Mul(a);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator /(Tensor a, float b) => a.Div(b);
    public static Tensor operator /(float a, Tensor b) => b.RDiv(a);
    public static Tensor operator -(Tensor a) => a.Neg();
}

using Descent.Kernels;

namespace Descent;

// Add, Sub, Mul, Div with NumPy broadcasting and scalar operands; forward and backward side by side.
public partial class Tensor
{
    internal static Tensor Broadcast<TOp>(string op, Tensor a, Tensor b) where TOp : IBinaryOp
    {
        var shape = BroadcastShape(op, a._shape, b._shape);
        // The kernel writes every element, so the buffer need not be cleared first.
        var result = Uninitialized(shape);
        BinaryKernel.RunNew<TOp>(a.Data, a._shape, b.Data, b._shape, result.DataSpan, shape);
        return result;
    }

    /// <summary>
    /// The broadcast shape, reusing an operand's (immutable) shape array when the result has its shape,
    /// the common case, so an elementwise op allocates no shape.
    /// </summary>
    internal static int[] BroadcastShape(string op, int[] a, int[] b)
    {
        if (Covers(b, a)) return b;
        if (Covers(a, b)) return a;
        return Descent.Shape.Broadcast(op, a, b);
    }

    /// <summary>Whether <paramref name="small"/> broadcasts to exactly <paramref name="big"/>.</summary>
    private static bool Covers(int[] big, int[] small)
    {
        int lead = big.Length - small.Length;
        if (lead < 0) return false;
        for (int i = 0; i < small.Length; i++)
            if (small[i] != 1 && small[i] != big[i + lead]) return false;
        return true;
    }

    internal static Tensor Map(Tensor a, float scalar, ScalarMap map)
    {
        var result = Uninitialized(a._shape);
        map(a.Data, scalar, result.DataSpan);
        return result;
    }

    internal delegate void ScalarMap(ReadOnlySpan<float> x, float y, Span<float> destination);

    /// <summary>Elementwise sum with broadcasting.</summary>
    public Tensor Add(Tensor other) =>
        Graph.RecordNoArrays(Broadcast<AddOp>("Add", this, other), "Add", this, other, static (_, g) => (g, g));

    /// <summary>Adds a scalar to every element.</summary>
    public Tensor Add(float scalar) =>
        Graph.RecordNoArrays(Map(this, scalar, AddOp.Apply), "Add", this, static (_, g) => g);

    /// <summary>Elementwise difference with broadcasting.</summary>
    public Tensor Sub(Tensor other) =>
        // Which inputs need a gradient is fixed when the op is recorded, as in PyTorch; both closures are static.
        Graph.RecordNoArrays(Broadcast<SubOp>("Sub", this, other), "Sub", this, other,
            other.RequiresGrad ? static (_, g) => (g, g.Neg()) : static (_, g) => (g, null));

    /// <summary>Subtracts a scalar from every element.</summary>
    public Tensor Sub(float scalar) =>
        Graph.RecordNoArrays(Map(this, scalar, SubOp.Apply), "Sub", this, static (_, g) => g);

    /// <summary>Elementwise product with broadcasting.</summary>
    public Tensor Mul(Tensor other) =>
        Graph.RecordNoArrays(Broadcast<MulOp>("Mul", this, other), "Mul", this, other,
            static (n, g) => (n.A.RequiresGrad ? ProductGrad(g, n.B, n.A) : null, n.B.RequiresGrad ? ProductGrad(g, n.A, n.B) : null));

    /// <summary>
    /// g·other, the gradient of a product for <paramref name="input"/>. When the input was broadcast (a
    /// scalar weight times a batch, say), the product goes to pooled scratch and is summed straight down
    /// to the input's shape, as the engine would, without a full-size gradient tensor.
    /// </summary>
    private static Tensor ProductGrad(Tensor g, Tensor other, Tensor input)
    {
        if (!Descent.Shape.Equal(other._shape, g._shape) || Descent.Shape.Equal(input._shape, g._shape)) return g.Mul(other);
        var scratch = BufferPool.RentScratch(g.Numel);
        try
        {
            MulOp.Apply(g.Data, other.Data, scratch);
            return Engine.SumTo(g._shape, scratch.AsSpan(0, g.Numel), input._shape);
        }
        finally
        {
            BufferPool.Return(scratch);
        }
    }

    /// <summary>Multiplies every element by a scalar.</summary>
    public Tensor Mul(float scalar) =>
        Graph.RecordNoArrays(Map(this, scalar, MulOp.Apply), "Mul", this, static (n, g) => g.Mul(n.Scalar), scalar: scalar);

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public Tensor Div(Tensor other) =>
        Graph.RecordNoArrays(Broadcast<DivOp>("Div", this, other), "Div", this, other,
            static (n, g) => (n.A.RequiresGrad ? g.Div(n.B) : null, n.B.RequiresGrad ? g.Mul(n.A).Div(n.B.Mul(n.B)).Neg() : null));

    /// <summary>Divides every element by a scalar.</summary>
    public Tensor Div(float scalar) =>
        Graph.RecordNoArrays(Map(this, scalar, DivOp.Apply), "Div", this, static (n, g) => g.Div(n.Scalar), scalar: scalar);

    /// <summary><paramref name="scalar"/> minus each element.</summary>
    public Tensor RSub(float scalar)
    {
        var result = new Tensor(_shape);
        SubOp.Apply(scalar, Data, result.DataSpan);
        return Graph.RecordNoArrays(result, "RSub", this, static (_, g) => g.Neg());
    }

    /// <summary><paramref name="scalar"/> divided by each element.</summary>
    public Tensor RDiv(float scalar)
    {
        var result = new Tensor(_shape);
        DivOp.Apply(scalar, Data, result.DataSpan);
        return Graph.RecordNoArrays(result, "RDiv", this, static (n, g) => g.Mul(n.Saved!).Div(n.A).Neg(), saved: result);
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

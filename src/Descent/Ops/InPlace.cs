using System.Numerics.Tensors;
using Descent.Kernels;

namespace Descent;

// In-place updates for optimizers and hand-written training loops. They are not recorded, so they refuse to
// touch a tensor that requires grad while recording is on: wrap updates in Autograd.NoGrad, as in PyTorch.
public partial class Tensor
{
    private void CheckInPlace(string op)
    {
        if (RequiresGrad && Autograd.IsEnabled)
            throw new InvalidOperationException($"{op}: a tensor that requires grad cannot be changed in place while autograd records; wrap the update in Autograd.NoGrad().");
    }

    private Tensor InPlace<TOp>(string op, Tensor other) where TOp : IBinaryOp
    {
        CheckInPlace(op);
        var shape = Descent.Shape.Broadcast(op, _shape, other._shape);
        if (!Descent.Shape.Equal(shape, _shape))
            throw new ArgumentException($"{op}: the other operand must broadcast to this tensor's shape; got {Descent.Shape.Format(_shape)} and {Descent.Shape.Format(other._shape)}");
        BinaryKernel.Run<TOp>(Data, _shape, other.Data, other._shape, DataSpan, _shape);
        return this;
    }

    /// <summary>this += other (broadcast to this shape); returns this.</summary>
    public Tensor AddInPlace(Tensor other) => InPlace<AddOp>("AddInPlace", other);

    /// <summary>this += alpha · other (same shape), a fused multiply-add; returns this.</summary>
    public Tensor AddInPlace(Tensor other, float alpha)
    {
        CheckInPlace("AddInPlace");
        if (!Descent.Shape.Equal(_shape, other._shape))
            throw new ArgumentException($"AddInPlace: shapes must match; got {Descent.Shape.Format(_shape)} and {Descent.Shape.Format(other._shape)}");
        TensorPrimitives.MultiplyAdd(other.Data, alpha, Data, DataSpan);
        return this;
    }

    /// <summary>this += scalar; returns this.</summary>
    public Tensor AddInPlace(float scalar)
    {
        CheckInPlace("AddInPlace");
        TensorPrimitives.Add(Data, scalar, DataSpan);
        return this;
    }

    /// <summary>this -= other (broadcast to this shape); returns this.</summary>
    public Tensor SubInPlace(Tensor other) => InPlace<SubOp>("SubInPlace", other);

    /// <summary>this *= other (broadcast to this shape); returns this.</summary>
    public Tensor MulInPlace(Tensor other) => InPlace<MulOp>("MulInPlace", other);

    /// <summary>this *= scalar; returns this.</summary>
    public Tensor MulInPlace(float scalar)
    {
        CheckInPlace("MulInPlace");
        TensorPrimitives.Multiply(Data, scalar, DataSpan);
        return this;
    }

    /// <summary>this /= other (broadcast to this shape); returns this.</summary>
    public Tensor DivInPlace(Tensor other) => InPlace<DivOp>("DivInPlace", other);
}

using System.Numerics.Tensors;
using Descent.Kernels;

namespace Descent;

// Elementwise unary ops; forward and backward side by side.
public partial class Tensor
{
    private Tensor MapUnary(ReadOnlySpanAction map)
    {
        // Every map writes its whole destination, so the buffer needs no clearing.
        var result = Uninitialized(_shape);
        map(Data, result.DataSpan);
        return result;
    }

    internal delegate void ReadOnlySpanAction(ReadOnlySpan<float> x, Span<float> destination);

    /// <summary>-x.</summary>
    public Tensor Neg() => Graph.RecordNoArrays(MapUnary(TensorPrimitives.Negate), "Neg", this, static (_, g) => g.Neg());

    /// <summary>x raised to a scalar power; the gradient is p·x^(p-1).</summary>
    public Tensor Pow(float exponent)
    {
        Tensor result;
        if (exponent == 2f) result = MapUnary(static (s, d) => TensorPrimitives.Multiply(s, s, d));
        else if (exponent == 1f) result = MapUnary(static (s, d) => s.CopyTo(d));
        else
        {
            result = new Tensor(_shape);
            TensorPrimitives.Pow(Data, exponent, result.DataSpan);
        }
        return Graph.RecordNoArrays(result, "Pow", this, static (n, g) => n.Scalar switch
        {
            0f => ZerosLike(n.A),
            1f => g,
            2f => TwiceProduct(g, n.A),
            float p => g.Mul(n.A.Pow(p - 1f)).Mul(p),
        }, scalar: exponent);
    }

    /// <summary>(g·x)·2 in one buffer, rounded exactly as <c>g.Mul(x).Mul(2f)</c>.</summary>
    private static Tensor TwiceProduct(Tensor g, Tensor x)
    {
        var result = new Tensor(x._shape);
        TensorPrimitives.Multiply(g.Data, x.Data, result.DataSpan);
        TensorPrimitives.Multiply(result.Data, 2f, result.DataSpan);
        return result;
    }

    /// <summary>x².</summary>
    public Tensor Square() => Pow(2f);

    /// <summary>eˣ.</summary>
    public Tensor Exp()
    {
        var result = MapUnary(TensorPrimitives.Exp);
        return Graph.RecordNoArrays(result, "Exp", this, static (n, g) => g.Mul(n.Saved!), saved: result);
    }

    /// <summary>Natural logarithm.</summary>
    public Tensor Log()
    {
        return Graph.RecordNoArrays(MapUnary(TensorPrimitives.Log), "Log", this, static (n, g) => g.Div(n.A));
    }

    /// <summary>Square root.</summary>
    public Tensor Sqrt()
    {
        var result = MapUnary(TensorPrimitives.Sqrt);
        return Graph.RecordNoArrays(result, "Sqrt", this, static (n, g) => g.Div(n.Saved!).Mul(0.5f), saved: result);
    }

    /// <summary>1/√x, elementwise; 0 gives ∞ and a negative x gives NaN, as <c>torch.rsqrt</c>.</summary>
    /// <remarks>The gradient is −½·g·(1/√x)³, computed from the result as PyTorch does.</remarks>
    /// <example><code>var y = Tensor.FromArray([4f, 0.25f]).RSqrt(); // [0.5, 2]</code></example>
    public Tensor RSqrt()
    {
        var result = MapUnary(TensorPrimitives.ReciprocalSqrt);
        return Graph.Record(result, "RSqrt", [this], g =>
        {
            var grad = Uninitialized(result._shape);
            UnaryKernel.RSqrtBackward(g.Data, result.Data, grad.DataSpan);
            return [grad];
        });
    }

    /// <summary>The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, elementwise, as <c>torch.erf</c>.</summary>
    /// <remarks>Computed in double and rounded once; the gradient is g·2/√π·e^(−x²).</remarks>
    /// <example><code>var y = Tensor.FromArray([0f, 1f]).Erf(); // [0, 0.8427008]</code></example>
    public Tensor Erf()
    {
        var x = this;
        return Graph.Record(MapUnary(UnaryKernel.Erf), "Erf", [x], g =>
        {
            var grad = Uninitialized(x._shape);
            UnaryKernel.ErfBackward(g.Data, x.Data, grad.DataSpan);
            return [grad];
        });
    }

    /// <summary>|x|; the gradient is sign(x), 0 at 0 (as PyTorch).</summary>
    public Tensor Abs()
    {
        var x = this;
        return Graph.RecordNoArrays(MapUnary(TensorPrimitives.Abs), "Abs", this, (_, g) => g.Mul(x.Sign()));
    }

    /// <summary>-1, 0 or 1 by the sign of each element (no gradient).</summary>
    public Tensor Sign()
    {
        var result = new Tensor(_shape);
        var s = Data;
        var d = result.DataSpan;
        for (int i = 0; i < d.Length; i++) d[i] = s[i] > 0 ? 1f : s[i] < 0 ? -1f : s[i];
        return result;
    }

    /// <summary>
    /// Limits every element to [min, max] (either bound may be null). The gradient passes where the
    /// input lies inside the bounds, bounds included, as in PyTorch.
    /// </summary>
    public Tensor Clamp(float? min = null, float? max = null)
    {
        if (min is float lo && max is float hi && lo > hi)
            throw new ArgumentOutOfRangeException(nameof(min), $"Clamp: min must not exceed max; got min={lo}, max={hi}");
        var result = new Tensor(_shape);
        Data.CopyTo(result.DataSpan);
        if (min is float mn) TensorPrimitives.Max(result.Data, mn, result.DataSpan);
        if (max is float mx) TensorPrimitives.Min(result.Data, mx, result.DataSpan);
        var x = this;
        return Graph.RecordNoArrays(result, "Clamp", this, (_, g) =>
        {
            var mask = new Tensor(x._shape);
            var s = x.Data;
            var m = mask.DataSpan;
            float lo = min ?? float.NegativeInfinity, hi = max ?? float.PositiveInfinity;
            for (int i = 0; i < m.Length; i++) m[i] = s[i] >= lo && s[i] <= hi ? 1f : 0f;
            return g.Mul(mask);
        });
    }

    /// <summary>Elementwise maximum with broadcasting; on ties the gradient is split evenly, as PyTorch does.</summary>
    public Tensor Maximum(Tensor other) => Extremum<MaxOp>("Maximum", other, isMax: true);

    /// <summary>Elementwise minimum with broadcasting; on ties the gradient is split evenly.</summary>
    public Tensor Minimum(Tensor other) => Extremum<MinOp>("Minimum", other, isMax: false);

    private Tensor Extremum<TOp>(string op, Tensor other, bool isMax) where TOp : IBinaryOp
    {
        var a = this;
        var result = Broadcast<TOp>(op, a, other);
        return Graph.RecordNoArrays(result, op, a, other, (_, g) =>
        {
            var wins = (isMax ? a.Gt(other) : a.Lt(other)).Float();
            var share = wins.Add(a.Eq(other).Float().Mul(0.5f));
            return (g.Mul(share), g.Mul(share.RSub(1f)));
        });
    }
}

using System.Numerics.Tensors;
using Descent.Kernels;

namespace Descent;

// Linear followed by ReLU or GELU as one op: the activation runs in the GEMM's write and its derivative in the
// pass that sums the bias gradient, with the unfused pair's bits (what Sequential and the transformer blocks run).
public partial class Tensor
{
    /// <summary><c>Affine(weight, bias).Relu()</c> as one op, with the same bits (<see cref="AffineActivation"/>).</summary>
    /// <example><code>var h = x.AffineRelu(linear.Weight, linear.Bias);</code></example>
    internal Tensor AffineRelu(Tensor weight, Tensor? bias) => AffineActivation(weight, bias, GemmActivation.Relu);

    /// <summary><c>Affine(weight, bias).Gelu(approximate)</c> as one op, with the same bits (<see cref="AffineActivation"/>).</summary>
    /// <example><code>var h = x.AffineGelu(linear.Weight, linear.Bias, "tanh");</code></example>
    internal Tensor AffineGelu(Tensor weight, Tensor? bias, string approximate = "none") => approximate switch
    {
        "none" => AffineActivation(weight, bias, GemmActivation.GeluExact),
        "tanh" => AffineActivation(weight, bias, GemmActivation.GeluTanh),
        _ => throw new ArgumentOutOfRangeException(nameof(approximate), approximate, "Gelu: approximate must be \"none\" or \"tanh\""),
    };

    /// <summary>
    /// act(x·Wᵀ + b), the bits of <c>Affine(weight, bias)</c> followed by <c>Relu()</c> or <c>Gelu(...)</c>,
    /// forward and backward: the activation is applied while the product's tile is in cache, and the backward
    /// applies its derivative to the incoming gradient in the same pass that sums the bias gradient, then runs
    /// Linear's two GEMMs on the result. The node is named for the activation, as the unfused output's is.
    /// </summary>
    /// <example><code>var h = x.AffineActivation(linear.Weight, linear.Bias, GemmActivation.Relu);</code></example>
    private Tensor AffineActivation(Tensor weight, Tensor? bias, GemmActivation activation)
    {
        if (activation == GemmActivation.None) return Affine(weight, bias);
        bool record = Autograd.IsEnabled && (RequiresGrad || weight.RequiresGrad || bias is { RequiresGrad: true });
        // ReLU's backward reads its output, GELU's its input: only GELU needs the sum kept apart.
        bool keepPre = record && activation != GemmActivation.Relu;
        var result = AffineForward(weight, bias, activation, keepPre, out var pre);
        if (!record) return result;
        string name = activation == GemmActivation.Relu ? "Relu" : "Gelu";
        // Static closures reading the operands, the saved tensor and the activation (as the scalar) from the
        // node: a step records no closure or arrays for the fused pair.
        if (bias == null)
        {
            return Graph.RecordNoArrays(result, name, this, weight, static (n, g) =>
            {
                var (gx, gw, _) = AffineActivationGrad(n, g, null);
                return (gx, gw);
            }, pre ?? result, (float)activation);
        }
        return Graph.RecordNoArrays(result, name, this, weight, bias, static (n, g) => AffineActivationGrad(n, g, n.C), pre ?? result, (float)activation);
    }

    /// <summary>The input, weight and bias gradients of act(x·Wᵀ + b) from the node that recorded it.</summary>
    private static (Tensor? X, Tensor? Weight, Tensor? Bias) AffineActivationGrad(Node n, Tensor g, Tensor? bias)
    {
        Tensor x = n.A, weight = n.B;
        var activation = (GemmActivation)(int)n.Scalar;
        var dz = Uninitialized(g._shape);
        Tensor? biasGrad = null;
        if (bias is { RequiresGrad: true })
        {
            // Straight into the parameter's own buffer (Engine.WriteGradient), so the pair costs no
            // bias-gradient tensor per step; the kernel only writes, so an accumulation goes through scratch.
            biasGrad = Engine.WriteGradient(bias, (G: g, Saved: n.Saved!, Activation: activation, Dz: dz, N: weight._shape[0]), static (s, gb, accumulate) =>
            {
                if (!accumulate)
                {
                    EpilogueBackward(s.G, s.Saved, s.Activation, s.N, s.Dz, gb);
                    return;
                }
                var sum = BufferPool.RentScratch(s.N);
                EpilogueBackward(s.G, s.Saved, s.Activation, s.N, s.Dz, sum.AsSpan(0, s.N));
                TensorPrimitives.Add(gb, sum.AsSpan(0, s.N), gb);
                BufferPool.Return(sum);
            });
        }
        else
        {
            EpilogueBackward(g, n.Saved!, activation, weight._shape[0], dz, default);
        }
        var gx = x.RequiresGrad ? AffineInputGrad(dz, weight, x._shape, AffineRows(x)) : null;
        var gw = weight.RequiresGrad ? AffineWeightGrad(dz, x, weight, AffineRows(x)) : null;
        return (gx, gw, biasGrad);
    }

    /// <summary>dZ = dY∘act'(saved), and the bias gradient (column sums of dZ) when <paramref name="biasGrad"/> is not empty.</summary>
    private static void EpilogueBackward(Tensor g, Tensor saved, GemmActivation activation, int n, Tensor dz, Span<float> biasGrad) =>
        EpilogueBackwardKernel.Run(g.Data, saved.Data, activation, g._shape.AsSpan(0, g.Rank - 1), n, dz.DataSpan, biasGrad);
}

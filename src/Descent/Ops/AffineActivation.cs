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
        var result = AffineForward(weight, bias, activation, keepPre, out int rows, out var pre);
        if (!record) return result;
        var x = this;
        var saved = pre ?? result;
        string name = activation == GemmActivation.Relu ? "Relu" : "Gelu";
        return Graph.Record(result, name, bias == null ? [x, weight] : [x, weight, bias], g =>
        {
            var dz = Uninitialized(g._shape);
            var biasGrad = bias is { RequiresGrad: true } ? Uninitialized(bias._shape) : null;
            EpilogueBackwardKernel.Run(g.Data, saved.Data, activation, g._shape.AsSpan(0, g.Rank - 1), weight._shape[0],
                dz.DataSpan, biasGrad != null ? biasGrad.DataSpan : default);
            var gx = x.RequiresGrad ? AffineInputGrad(dz, weight, x._shape, rows) : null;
            var gw = weight.RequiresGrad ? AffineWeightGrad(dz, x, weight, rows) : null;
            return bias == null ? [gx, gw] : [gx, gw, biasGrad];
        });
    }
}

using System.Numerics.Tensors;
using Descent.Kernels;

namespace Descent;

// Activation functions with PyTorch's formulas and gradients (including their values at kinks: Relu's
// gradient at 0 is 0, LeakyRelu's is the slope, Elu's is alpha). Each forward and its backward sit side by
// side; the backward runs under NoGrad, so it works on spans directly.
public partial class Tensor
{
    private delegate void SpanZip(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination);

    /// <summary>Applies <paramref name="zip"/> to two same-shaped tensors into a new one shaped like <paramref name="a"/>.</summary>
    private static Tensor Zip(Tensor a, Tensor b, SpanZip zip)
    {
        // Every zip writes its whole destination, so the buffer needs no clearing.
        var result = Uninitialized(a._shape);
        zip(a.Data, b.Data, result.DataSpan);
        return result;
    }

    /// <summary>max(x, 0), like <c>torch.relu</c>.</summary>
    /// <example><code>var y = Tensor.FromArray([-1f, 0f, 2f]).Relu(); // [0, 0, 2]</code></example>
    public Tensor Relu()
    {
        var result = Uninitialized(_shape);
        ActivationKernel.ReluForward(Data, result.DataSpan);
        // PyTorch's threshold_backward zeroes the gradient where the result is <= 0, so at x = 0 too.
        return Graph.RecordNoArrays(result, "Relu", this, static (n, g) =>
        {
            var grad = Uninitialized(n.Saved!._shape);
            ActivationKernel.ReluBackward(g.Data, n.Saved!.Data, grad.DataSpan);
            return grad;
        }, saved: result);
    }

    /// <summary>x for x &gt; 0, else negativeSlope·x, like <c>torch.nn.functional.leaky_relu</c>.</summary>
    public Tensor LeakyRelu(float negativeSlope = 0.01f)
    {
        var result = Uninitialized(_shape);
        ActivationKernel.LeakyReluForward(Data, negativeSlope, result.DataSpan);
        // At x = 0 the gradient is the slope, as in PyTorch's leaky_relu_backward (x > 0 ? g : g·slope).
        return Graph.RecordNoArrays(result, "LeakyRelu", this, static (n, g) =>
        {
            var grad = Uninitialized(n.A._shape);
            ActivationKernel.LeakyReluBackward(g.Data, n.A.Data, n.Scalar, grad.DataSpan);
            return grad;
        }, scalar: negativeSlope);
    }

    /// <summary>x for x &gt; 0, else alpha·(eˣ − 1), like <c>torch.nn.functional.elu</c>.</summary>
    public Tensor Elu(float alpha = 1f)
    {
        var result = Uninitialized(_shape);
        ActivationKernel.EluForward(Data, alpha, result.DataSpan);
        // PyTorch's elu_backward takes the exponential branch for x <= 0, so the gradient at 0 is alpha.
        return Graph.RecordNoArrays(result, "Elu", this, static (n, g) =>
        {
            var grad = Uninitialized(n.A._shape);
            ActivationKernel.EluBackward(g.Data, n.A.Data, n.Scalar, grad.DataSpan);
            return grad;
        }, scalar: alpha);
    }

    /// <summary>1 / (1 + e⁻ˣ); the gradient is y·(1 − y).</summary>
    public Tensor Sigmoid()
    {
        var result = MapUnary(TensorPrimitives.Sigmoid);
        return Graph.RecordNoArrays(result, "Sigmoid", this, static (n, g) => Zip(g, n.Saved!, ActivationKernel.SigmoidBackward), saved: result);
    }

    /// <summary>Hyperbolic tangent; the gradient is 1 − y².</summary>
    public Tensor Tanh()
    {
        var result = MapUnary(TensorPrimitives.Tanh);
        return Graph.RecordNoArrays(result, "Tanh", this, static (n, g) => Zip(g, n.Saved!, ActivationKernel.TanhBackward), saved: result);
    }

    /// <summary>x·sigmoid(x) (also called swish), like <c>torch.nn.functional.silu</c>.</summary>
    public Tensor Silu()
    {
        var sigmoid = MapUnary(TensorPrimitives.Sigmoid);
        var result = new Tensor(_shape);
        TensorPrimitives.Multiply(Data, sigmoid.Data, result.DataSpan);
        return Graph.RecordNoArrays(result, "Silu", this, static (n, g) =>
        {
            var grad = Uninitialized(n.A._shape);
            ActivationKernel.SiluBackward(g.Data, n.A.Data, n.Saved!.Data, grad.DataSpan);
            return grad;
        }, saved: sigmoid);
    }

    /// <summary>
    /// log(1 + e^(beta·x)) / beta, reverting to x where beta·x &gt; threshold (as PyTorch does, for
    /// stability), like <c>torch.nn.functional.softplus</c>.
    /// </summary>
    public Tensor Softplus(float beta = 1f, float threshold = 20f)
    {
        if (beta == 0f || !float.IsFinite(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "Softplus: beta must be finite and non-zero");
        var result = Uninitialized(_shape);
        ActivationKernel.SoftplusForward(Data, beta, threshold, result.DataSpan);
        return Graph.RecordNoArrays(result, "Softplus", this, (n, g) =>
        {
            var grad = Uninitialized(n.A._shape);
            ActivationKernel.SoftplusBackward(g.Data, n.A.Data, beta, threshold, grad.DataSpan);
            return grad;
        });
    }

    /// <summary>
    /// Gaussian error linear unit x·Φ(x), like <c>torch.nn.functional.gelu</c>. With
    /// <paramref name="approximate"/> "none" Φ is computed exactly through erf; with "tanh", as
    /// 0.5·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    /// </summary>
    /// <example><code>var y = x.Gelu(approximate: "tanh");</code></example>
    public Tensor Gelu(string approximate = "none")
    {
        bool tanh = approximate switch
        {
            "none" => false,
            "tanh" => true,
            _ => throw new ArgumentOutOfRangeException(nameof(approximate), approximate, "Gelu: approximate must be \"none\" or \"tanh\""),
        };
        var result = Uninitialized(_shape);
        ActivationKernel.GeluForward(Data, tanh, result.DataSpan);
        // The flag rides in the node's scalar, so the closure captures nothing.
        return Graph.RecordNoArrays(result, "Gelu", this, static (n, g) =>
        {
            var grad = Uninitialized(n.A._shape);
            ActivationKernel.GeluBackward(g.Data, n.A.Data, n.Scalar != 0f, grad.DataSpan);
            return grad;
        }, scalar: tanh ? 1f : 0f);
    }
}

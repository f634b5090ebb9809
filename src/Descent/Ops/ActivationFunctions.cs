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

    /// <summary>An elementwise activation with one scalar parameter, differentiated from its input.</summary>
    private interface IScalarActivation
    {
        static abstract void Forward(ReadOnlySpan<float> x, float scalar, Span<float> destination);
        static abstract void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float scalar, Span<float> destination);
    }

    /// <summary>Runs <typeparamref name="TOp"/>; the node carries the scalar, so the closure is static per op.</summary>
    private Tensor Activation<TOp>(string name, float scalar) where TOp : struct, IScalarActivation
    {
        var result = Uninitialized(_shape);
        TOp.Forward(Data, scalar, result.DataSpan);
        return Graph.RecordNoArrays(result, name, this, static (n, g) =>
        {
            var grad = Uninitialized(n.A._shape);
            TOp.Backward(g.Data, n.A.Data, n.Scalar, grad.DataSpan);
            return grad;
        }, scalar: scalar);
    }

    // At x = 0 the gradient is the slope, as in PyTorch's leaky_relu_backward (x > 0 ? g : g·slope).
    private readonly struct LeakyReluOp : IScalarActivation
    {
        public static void Forward(ReadOnlySpan<float> x, float slope, Span<float> d) => ActivationKernel.LeakyReluForward(x, slope, d);
        public static void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float slope, Span<float> d) => ActivationKernel.LeakyReluBackward(g, x, slope, d);
    }

    // PyTorch's elu_backward takes the exponential branch for x <= 0, so the gradient at 0 is alpha.
    private readonly struct EluOp : IScalarActivation
    {
        public static void Forward(ReadOnlySpan<float> x, float alpha, Span<float> d) => ActivationKernel.EluForward(x, alpha, d);
        public static void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float alpha, Span<float> d) => ActivationKernel.EluBackward(g, x, alpha, d);
    }

    // The scalar is the tanh flag (1) or exact erf (0).
    private readonly struct GeluOp : IScalarActivation
    {
        public static void Forward(ReadOnlySpan<float> x, float tanh, Span<float> d) => ActivationKernel.GeluForward(x, tanh != 0f, d);
        public static void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float tanh, Span<float> d) => ActivationKernel.GeluBackward(g, x, tanh != 0f, d);
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
    public Tensor LeakyRelu(float negativeSlope = 0.01f) => Activation<LeakyReluOp>("LeakyRelu", negativeSlope);

    /// <summary>x for x &gt; 0, else alpha·(eˣ − 1), like <c>torch.nn.functional.elu</c>.</summary>
    public Tensor Elu(float alpha = 1f) => Activation<EluOp>("Elu", alpha);

    /// <summary>1 / (1 + e⁻ˣ); the gradient is y·(1 − y).</summary>
    /// <remarks>Within 3 ulp, through the recurrent gates' single-precision kernel (<c>GateFunctions</c>).</remarks>
    /// <example><code>var y = Tensor.FromArray([0f, 2f]).Sigmoid(); // [0.5, 0.8807971]</code></example>
    public Tensor Sigmoid()
    {
        var result = MapUnary(GateFunctions.Sigmoid);
        return Graph.RecordNoArrays(result, "Sigmoid", this, static (n, g) => Zip(g, n.Saved!, ActivationKernel.SigmoidBackward), saved: result);
    }

    /// <summary>Hyperbolic tangent; the gradient is 1 − y².</summary>
    /// <remarks>
    /// Within 3 ulp, relative accuracy kept near 0, through the recurrent gates' kernel (<c>GateFunctions</c>):
    /// TensorPrimitives' AVX-512 tanh gave tanh(0) = −6e-8 and tanh(−0.012) 45 ulp off.
    /// </remarks>
    /// <example><code>var y = Tensor.FromArray([0f, 1e-6f]).Tanh(); // [0, 1E-06]</code></example>
    public Tensor Tanh()
    {
        var result = MapUnary(GateFunctions.Tanh);
        return Graph.RecordNoArrays(result, "Tanh", this, static (n, g) => Zip(g, n.Saved!, ActivationKernel.TanhBackward), saved: result);
    }

    /// <summary>x·sigmoid(x) (also called swish), like <c>torch.nn.functional.silu</c>.</summary>
    public Tensor Silu()
    {
        var sigmoid = MapUnary(GateFunctions.Sigmoid);
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
        return Activation<GeluOp>("Gelu", tanh ? 1f : 0f);
    }
}

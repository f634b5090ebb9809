using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// The activation kernels without the ops around them: against their formulas element by element (the
/// scalar references below are written independently, in the same precision), at the kinks PyTorch
/// defines, and their backward passes against central differences of their forward passes.
/// </summary>
public class ActivationKernelTests
{
    // Kinks, thresholds, the saturated tails and odd lengths (vector bodies plus scalar tails).
    private static readonly float[] Edges = [-1e4f, -100f, -20f, -5f, -1f, -1e-3f, -0f, 0f, 1e-3f, 1f, 5f, 19.99f, 20f, 20.01f, 100f, 1e4f];

    private static float[] Inputs(int n, ulong seed)
    {
        var random = Reference.RandomData(new Generator(seed), n);
        return Edges.Concat(random.Select(v => v * 6f)).ToArray();
    }

    private static float[] Apply(Action<float[], float[]> kernel, float[] x)
    {
        var d = new float[x.Length];
        kernel(x, d);
        return d;
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0.7f)]
    public void EluFollowsItsFormulaWithGradientAlphaAtZero(float alpha)
    {
        var x = Inputs(37, 1);
        var g = Reference.RandomData(new Generator(2), x.Length);
        var y = Apply((s, d) => ActivationKernel.EluForward(s, alpha, d), x);
        var dx = Apply((s, d) => ActivationKernel.EluBackward(g, s, alpha, d), x);
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] > 0f) Assert.Equal(x[i], y[i]);
            else Assert.Equal(alpha * (Math.Exp(x[i]) - 1), y[i], 1e-6);
            Assert.Equal(x[i] <= 0f ? g[i] * alpha * MathF.Exp(x[i]) : g[i], dx[i]);
        }
        Assert.Equal(g[Array.IndexOf(x, 0f)] * alpha, dx[Array.IndexOf(x, 0f)]);
    }

    [Fact]
    public void SiluBackwardIsTheDerivativeOfXTimesSigmoid()
    {
        var x = Inputs(41, 3);
        var g = Reference.RandomData(new Generator(4), x.Length);
        var s = x.Select(v => 1f / (1f + MathF.Exp(-v))).ToArray();
        var dx = new float[x.Length];
        ActivationKernel.SiluBackward(g, x, s, dx);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(g[i] * s[i] * (1f + x[i] * (1f - s[i])), dx[i]);
            double sd = 1 / (1 + Math.Exp(-(double)x[i]));
            Assert.Equal(g[i] * sd * (1 + x[i] * (1 - sd)), dx[i], 1e-5 * (1 + Math.Abs(x[i])));
        }
    }

    [Theory]
    [InlineData(1f, 20f)]
    [InlineData(2f, 5f)]
    [InlineData(-0.5f, 3f)]
    public void SoftplusRevertsToTheIdentityPastTheThresholdAndDifferentiatesToASigmoid(float beta, float threshold)
    {
        var x = Inputs(29, 5);
        var g = Reference.RandomData(new Generator(6), x.Length);
        var y = Apply((s, d) => ActivationKernel.SoftplusForward(s, beta, threshold, d), x);
        var dx = Apply((s, d) => ActivationKernel.SoftplusBackward(g, s, beta, threshold, d), x);
        for (int i = 0; i < x.Length; i++)
        {
            double bx = (double)x[i] * beta;
            if (bx > threshold)
            {
                Assert.Equal(x[i], y[i]);
                Assert.Equal(g[i], dx[i]);
                continue;
            }
            Assert.Equal(Math.Log(1 + Math.Exp(bx)) / beta, y[i], 1e-6 * (1 + Math.Abs(y[i])));
            Assert.Equal(g[i] / (1 + Math.Exp(-bx)), dx[i], 1e-6 * (1 + Math.Abs(g[i])));
        }
        // Far below the threshold the value is e^(beta·x)/beta, not a rounded-away 0.
        if (beta > 0) Assert.True(Apply((s, d) => ActivationKernel.SoftplusForward(s, beta, threshold, d), [-30f / beta])[0] > 0f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GeluBackwardMatchesCentralDifferencesOfItsForward(bool tanh)
    {
        var x = Inputs(33, 7).Where(v => Math.Abs(v) < 50f).ToArray();
        var ones = Enumerable.Repeat(1f, x.Length).ToArray();
        var slope = Apply((s, d) => ActivationKernel.GeluBackward(ones, s, tanh, d), x);
        const float h = 1e-2f;
        var up = Apply((s, d) => ActivationKernel.GeluForward(s, tanh, d), x.Select(v => v + h).ToArray());
        var down = Apply((s, d) => ActivationKernel.GeluForward(s, tanh, d), x.Select(v => v - h).ToArray());
        for (int i = 0; i < x.Length; i++)
        {
            // Steps of h in float are exact only up to rounding of x ± h, hence the loose tolerance.
            double numeric = ((double)up[i] - down[i]) / ((double)(x[i] + h) - (x[i] - h));
            Assert.Equal(numeric, slope[i], 2e-3 * (1 + Math.Abs(x[i])));
        }
        var y = Apply((s, d) => ActivationKernel.GeluForward(s, tanh, d), [0f, 100f, -100f]);
        Assert.Equal([0f, 100f, 0f], y.Select(v => v == 0f ? 0f : v).ToArray());
    }

    [Fact]
    public void GeluExactAndTanhAgreeToTheApproximationsAccuracy()
    {
        var x = Inputs(40, 8).Where(v => Math.Abs(v) < 10f).ToArray();
        var exact = Apply((s, d) => ActivationKernel.GeluForward(s, false, d), x);
        var approx = Apply((s, d) => ActivationKernel.GeluForward(s, true, d), x);
        for (int i = 0; i < x.Length; i++) Assert.Equal(exact[i], approx[i], 1e-3);
    }
}

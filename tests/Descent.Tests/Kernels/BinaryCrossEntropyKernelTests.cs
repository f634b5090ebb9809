using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>The binary cross-entropy kernels against their formulas in double, at the edges PyTorch defines.</summary>
public class BinaryCrossEntropyKernelTests
{
    [Fact]
    public void NegLogSigmoidIsFiniteForHugeLogitsAndHasSlopeMinusAHalfAtZero()
    {
        float[] x = [-1e4f, -30f, -5f, -1f, -1e-3f, 0f, 1e-3f, 1f, 5f, 30f, 1e4f];
        var y = new float[x.Length];
        BinaryCrossEntropyKernel.NegLogSigmoidForward(x, y);
        var g = Enumerable.Repeat(2f, x.Length).ToArray();
        var dx = new float[x.Length];
        BinaryCrossEntropyKernel.NegLogSigmoidBackward(g, x, dx);
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double expected = v < 0 ? -v + Math.Log(1 + Math.Exp(v)) : Math.Log(1 + Math.Exp(-v));
            Assert.Equal(expected, y[i], 1e-6 * (1 + Math.Abs(expected)));
            Assert.Equal(-2 / (1 + Math.Exp(v)), dx[i], 1e-6);
        }
        Assert.Equal(-1f, dx[Array.IndexOf(x, 0f)]);
        Assert.Equal(1e4f, y[0]);
        Assert.True(y[^1] is >= 0f and < 1e-30f);
    }

    [Fact]
    public void BinaryCrossEntropyClampsItsLogsAtMinusOneHundred()
    {
        float[] p = [0f, 0f, 1f, 1f, 0.5f];
        float[] t = [0f, 1f, 0f, 1f, 0.5f];
        var loss = new float[p.Length];
        BinaryCrossEntropyKernel.Forward(p, t, loss);
        Assert.Equal([0f, 100f, 100f, 0f, (float)Math.Log(2)], loss);
        var g = Enumerable.Repeat(1f, p.Length).ToArray();
        var dp = new float[p.Length];
        BinaryCrossEntropyKernel.BackwardInput(g, p, t, dp);
        // (p - y) / max(p(1 - p), 1e-12): the denominator floor keeps the edges finite, and zero where p = y.
        Assert.Equal([0f, -1e12f, 1e12f, 0f, 0f], dp);
    }

    [Fact]
    public void BinaryCrossEntropyAndItsGradientsFollowTheirFormulasInside()
    {
        var gen = new Generator(3);
        var p = Enumerable.Range(0, 37).Select(_ => (float)(0.01 + 0.98 * gen.NextDouble())).ToArray();
        var t = Enumerable.Range(0, 37).Select(_ => (float)gen.NextDouble()).ToArray();
        var g = Reference.RandomData(gen, 37);
        var loss = new float[37];
        var dp = new float[37];
        var dt = new float[37];
        BinaryCrossEntropyKernel.Forward(p, t, loss);
        BinaryCrossEntropyKernel.BackwardInput(g, p, t, dp);
        BinaryCrossEntropyKernel.BackwardTarget(g, p, dt);
        for (int i = 0; i < p.Length; i++)
        {
            double pv = p[i], tv = t[i];
            Assert.Equal(-(tv * Math.Log(pv) + (1 - tv) * Math.Log(1 - pv)), loss[i], 1e-5);
            Assert.Equal(g[i] * (pv - tv) / (pv * (1 - pv)), dp[i], 1e-4 * (1 + Math.Abs(dp[i])));
            Assert.Equal(g[i] * (Math.Log(1 - pv) - Math.Log(pv)), dt[i], 1e-5 * (1 + Math.Abs(dt[i])));
        }
    }
}

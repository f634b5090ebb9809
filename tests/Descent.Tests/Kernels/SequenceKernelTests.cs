using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>The kernels of Cumsum, Var/Std, Tril/Triu and Erf against naive loops, over the reduction layouts.</summary>
public class SequenceKernelTests
{
    [Theory, MemberData(nameof(ReduceKernelTests.Layouts), MemberType = typeof(ReduceKernelTests))]
    public void CumulativeSumMatchesANaiveLoopBothWays(int outer, int length, int inner)
    {
        var x = Reference.RandomData(new Generator((ulong)(outer * 1000 + length * 10 + inner)), outer * length * inner);
        var forward = new float[x.Length];
        var reverse = new float[x.Length];
        CumulativeKernel.Sum(x, outer, length, inner, reverse: false, forward);
        CumulativeKernel.Sum(x, outer, length, inner, reverse: true, reverse);
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
                for (int l = 0; l < length; l++)
                {
                    double before = 0, after = 0;
                    for (int k = 0; k < length; k++)
                    {
                        double v = x[(o * length + k) * inner + i];
                        if (k <= l) before += v;
                        if (k >= l) after += v;
                    }
                    int at = (o * length + l) * inner + i;
                    Assert.Equal((float)before, forward[at]);
                    Assert.Equal((float)after, reverse[at]);
                }
    }

    [Theory, MemberData(nameof(ReduceKernelTests.Layouts), MemberType = typeof(ReduceKernelTests))]
    public void VarianceMatchesTwoPassesInDouble(int outer, int length, int inner)
    {
        var x = Reference.RandomData(new Generator((ulong)(outer * 999 + length * 10 + inner)), outer * length * inner);
        foreach (int correction in new[] { 0, 1, 2 })
        {
            var mean = new float[outer * inner];
            var variance = new float[outer * inner];
            var std = new float[outer * inner];
            VarianceKernel.Run(x, outer, length, inner, correction, sqrt: false, mean, variance);
            VarianceKernel.Run(x, outer, length, inner, correction, sqrt: true, mean, std);
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    double m = 0, m2 = 0;
                    for (int l = 0; l < length; l++) m += x[(o * length + l) * inner + i];
                    m /= length;
                    for (int l = 0; l < length; l++) m2 += Math.Pow(x[(o * length + l) * inner + i] - m, 2);
                    double v = m2 / Math.Max(0, length - correction);
                    Assert.Equal((float)m, mean[o * inner + i]);
                    Assert.Equal((float)v, variance[o * inner + i]);
                    Assert.Equal((float)Math.Sqrt(v), std[o * inner + i]);
                }
        }
    }

    [Theory]
    [InlineData(1, 3, 3, 0)]
    [InlineData(2, 4, 6, 2)]
    [InlineData(3, 6, 4, -3)]
    [InlineData(1, 2, 2, 100)]
    [InlineData(1, 2, 2, -100)]
    public void TriangleKeepsOneSideOfTheDiagonal(int batch, int rows, int cols, int diagonal)
    {
        var x = Reference.RandomData(new Generator(9), batch * rows * cols);
        var lower = new float[x.Length];
        var upper = new float[x.Length];
        lower.AsSpan().Fill(float.NaN);
        upper.AsSpan().Fill(float.NaN);
        TriangleKernel.Run(x, batch, rows, cols, diagonal, lower: true, lower);
        TriangleKernel.Run(x, batch, rows, cols, diagonal, lower: false, upper);
        for (int k = 0; k < x.Length; k++)
        {
            int r = k / cols % rows, c = k % cols;
            Assert.Equal(c - r <= diagonal ? x[k] : 0f, lower[k]);
            Assert.Equal(c - r >= diagonal ? x[k] : 0f, upper[k]);
        }
    }

    [Fact]
    public void ErfIsOddAndItsSlopeIsTheGaussian()
    {
        float[] x = [-3f, -0.5f, 0f, 0.5f, 3f];
        var y = new float[5];
        var slope = new float[5];
        UnaryKernel.Erf(x, y);
        UnaryKernel.ErfBackward([1, 1, 1, 1, 1], x, slope);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(-y[4 - i], y[i]);
            Assert.Equal((float)(2 / Math.Sqrt(Math.PI) * Math.Exp(-x[i] * x[i])), slope[i]);
        }
        Assert.Equal(0.520499878f, y[3]);
    }
}

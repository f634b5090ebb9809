using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>The squared-error kernel against its formula in double, and its sum's bits across thread counts.</summary>
[Collection(nameof(ThreadCountCollection))]
public class SquaredErrorKernelTests
{
    private static (float[] X, float[] Y) Operands(int length, ulong seed)
    {
        var g = new Generator(seed);
        return (Tensor.Randn([length], g).ToArray(), Tensor.Randn([length], g).ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(SquaredErrorKernel.BlockLength + 67)]
    [InlineData(5 * SquaredErrorKernel.ElementsPerThread + 13)]
    public void SumMatchesTheFormulaInDouble(int length)
    {
        var (x, y) = Operands(length, (ulong)length + 1);
        double expected = 0;
        for (int i = 0; i < length; i++) expected += (double)(x[i] - y[i]) * (x[i] - y[i]);
        float sum = SquaredErrorKernel.SumOfSquares(x, y);
        Assert.Equal(expected, sum, 1e-6 * Math.Max(1, expected));
    }

    [Fact]
    public void SumIsBitIdenticalOnOneTwoAndThreeThreads()
    {
        var (x, y) = Operands(7 * SquaredErrorKernel.ElementsPerThread + 1001, 5);
        int saved = Threads.Count;
        try
        {
            var sums = new[] { 1, 2, 3 }.Select(t => { Threads.Count = t; return SquaredErrorKernel.SumOfSquares(x, y); }).ToArray();
            Assert.Equal(BitConverter.SingleToInt32Bits(sums[0]), BitConverter.SingleToInt32Bits(sums[1]));
            Assert.Equal(BitConverter.SingleToInt32Bits(sums[0]), BitConverter.SingleToInt32Bits(sums[2]));
        }
        finally
        {
            Threads.Count = saved;
        }
    }

    [Theory]
    [InlineData(13)]
    [InlineData(3 * SquaredErrorKernel.ElementsPerThread + 5)]
    public void SquaresAndGradientsAreRoundedAsTheComposedOps(int length)
    {
        var (x, y) = Operands(length, 9);
        var g = Tensor.Randn([length], new Generator(10)).ToArray();
        var squares = new float[length];
        SquaredErrorKernel.Squares(x, y, squares);
        var gx = new float[length];
        var gy = new float[length];
        SquaredErrorKernel.Backward(x, y, g, gx, gy);
        var sx = new float[length];
        SquaredErrorKernel.Backward(x, y, 0.37f, sx, default);
        for (int i = 0; i < length; i++)
        {
            float d = x[i] - y[i];
            Assert.Equal(d * d, squares[i]);
            Assert.Equal(g[i] * d * 2f, gx[i]);
            Assert.Equal(-(g[i] * d * 2f), gy[i]);
            Assert.Equal(0.37f * d * 2f, sx[i]);
        }
    }

    [Fact]
    public void MismatchedLengthsAreRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => SquaredErrorKernel.SumOfSquares(new float[3], new float[4]));
        Assert.Contains("SquaredErrorKernel", ex.Message);
        Assert.Throws<ArgumentException>(() => SquaredErrorKernel.Backward(new float[3], new float[3], 1f, new float[2], default));
    }
}

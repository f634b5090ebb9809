using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// Kernels the transformer step splits across threads: a same-shape binary op (the residual adds) by ranges of
/// elements, LayerNorm by rows and its affine gradients by columns. Two threads must give the bits of one.
/// </summary>
[Collection(nameof(ThreadCountCollection))]
public class SplitElementwiseTests
{
    [Fact]
    public void SameShapeAddOnTwoThreadsEqualsTheElementwiseSum()
    {
        // An odd length, so the split's last range is not a whole number of vectors.
        const int n = 3 * BinaryKernel.ElementsPerThread + 5;
        var g = new Generator(31);
        var a = Tensor.Randn([n], g).ToArray();
        var b = Tensor.Randn([n], g).ToArray();
        Assert.Equal(2, ThreadCountCollection.With(2, () => ParallelPartition.Parts(n, BinaryKernel.ElementsPerThread, int.MaxValue)));
        var d = ThreadCountCollection.With(2, () =>
        {
            var d = new float[n];
            BinaryKernel.Run<AddOp>(a, [n], b, [n], d, [n]);
            return d;
        });
        for (int i = 0; i < n; i++) Assert.Equal(a[i] + b[i], d[i]);
    }

    [Theory]
    [InlineData(768, 128)]
    // 40 columns split 24 / 16: a column's sums go through the 16-lane loop in one split and the scalar one in the other.
    [InlineData(2000, 40)]
    public void LayerNormOnTwoThreadsIsBitIdenticalToOne(int rows, int d)
    {
        var g = new Generator((ulong)(rows + d));
        var x = Tensor.Randn([rows, d], g).ToArray();
        var grad = Tensor.Randn([rows, d], g).ToArray();
        var w = Tensor.Uniform([d], 0.5f, 1.5f, g).ToArray();
        var b = Tensor.Randn([d], g).ToArray();
        var run = () => LayerNormKernelTests.RunAll(x, grad, w, b, rows, d, 1e-5f);
        Assert.Equal(2, ThreadCountCollection.With(2, () => ParallelPartition.Parts((long)rows * d, NormPasses.MinElementsPerPart, d)));
        var one = ThreadCountCollection.With(1, run);
        var two = ThreadCountCollection.With(2, run);
        Assert.Equal(one.Mean, two.Mean);
        Assert.Equal(one.Rstd, two.Rstd);
        Assert.Equal(one.Y, two.Y);
        Assert.Equal(one.Dx, two.Dx);
        Assert.Equal(one.Dw, two.Dw);
        Assert.Equal(one.Db, two.Db);
    }
}

using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// Kernels the transformer step splits across threads: a same-shape binary op (the residual adds) by ranges of
/// elements, LayerNorm by rows and its affine gradients by columns. Two threads must give the bits of one.
/// </summary>
[Collection(nameof(ThreadCountCollection))]
public class SplitElementwiseTests
{
    private static T OnThreads<T>(int threads, Func<T> run)
    {
        int saved = Threads.Count;
        try
        {
            Threads.Count = threads;
            return run();
        }
        finally
        {
            Threads.Count = saved;
        }
    }

    [Fact]
    public void SameShapeAddOnTwoThreadsEqualsTheElementwiseSum()
    {
        // An odd length, so the split's last range is not a whole number of vectors.
        const int n = 3 * BinaryKernel.ElementsPerThread + 5;
        var g = new Generator(31);
        var a = Tensor.Randn([n], g).ToArray();
        var b = Tensor.Randn([n], g).ToArray();
        Assert.Equal(2, OnThreads(2, () => ParallelPartition.Parts(n, BinaryKernel.ElementsPerThread, int.MaxValue)));
        var d = OnThreads(2, () =>
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
        (float[], float[], float[], float[]) Run()
        {
            var mean = new float[rows];
            var rstd = new float[rows];
            var y = new float[rows * d];
            var dx = new float[rows * d];
            var dw = new float[d];
            var db = new float[d];
            LayerNormKernel.Forward(x, rows, d, w, b, 1e-5f, mean, rstd, y);
            LayerNormKernel.BackwardInput(grad, x, rows, d, w, mean, rstd, dx);
            LayerNormKernel.BackwardAffine(grad, x, rows, d, mean, rstd, dw, db);
            return (y, dx, dw, db);
        }
        Assert.Equal(2, OnThreads(2, () => ParallelPartition.Parts((long)rows * d, NormPasses.MinElementsPerPart, d)));
        var one = OnThreads(1, Run);
        var two = OnThreads(2, Run);
        Assert.Equal(one.Item1, two.Item1);
        Assert.Equal(one.Item2, two.Item2);
        Assert.Equal(one.Item3, two.Item3);
        Assert.Equal(one.Item4, two.Item4);
    }
}

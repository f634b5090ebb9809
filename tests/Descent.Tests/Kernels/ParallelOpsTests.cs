using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>Convolution and batched MatMul split whole images or products across threads: same bits every run.</summary>
[Collection(nameof(ThreadCountCollection))]
public class ParallelOpsTests
{
    private static (float[] Y, float[] Gx, float[] Gw, float[] Gb) ConvStep(int threads)
    {
        int saved = Threads.Count;
        try
        {
            Threads.Count = threads;
            if (threads == 2)
                Assert.Equal(2, ParallelPartition.Parts(41L * 8 * 27 * 255, Gemm.MacsPerThread, 41));
            var g = new Generator(21);
            var x = Tensor.Randn([41, 3, 17, 15], g).RequireGrad();
            var w = Tensor.Randn([8, 3, 3, 3], g).RequireGrad();
            var b = Tensor.Randn([8], g).RequireGrad();
            var y = x.Conv2d(w, b, padding: 1);
            y.Backward(Tensor.Randn(y.Shape, g));
            return (y.ToArray(), x.Grad!.ToArray(), w.Grad!.ToArray(), b.Grad!.ToArray());
        }
        finally
        {
            Threads.Count = saved;
        }
    }

    [Fact]
    public void ConvolutionOnTwoThreadsIsBitIdenticalRunToRun()
    {
        var first = ConvStep(2);
        var second = ConvStep(2);
        Assert.Equal(first.Y, second.Y);
        Assert.Equal(first.Gx, second.Gx);
        Assert.Equal(first.Gw, second.Gw);
        Assert.Equal(first.Gb, second.Gb);
        // Output and input gradient are per image, so they do not depend on the split at all.
        var one = ConvStep(1);
        Assert.Equal(one.Y, first.Y);
        Assert.Equal(one.Gx, first.Gx);
        Assert.Equal(one.Gw.Length, first.Gw.Length);
        for (int i = 0; i < one.Gw.Length; i++) Assert.Equal(one.Gw[i], first.Gw[i], 1e-3f);
    }

    [Fact]
    public void BatchedMatMulOnTwoThreadsEqualsTheSerialLoop()
    {
        var g = new Generator(4);
        var a = Tensor.Randn([3, 40, 32, 64], g);
        var b = Tensor.Randn([40, 64, 32], g);
        int saved = Threads.Count;
        try
        {
            Threads.Count = 2;
            Assert.Equal(2, ParallelPartition.Parts(120L * 32 * 64 * 32, Gemm.MacsPerThread, 120));
            var y = a.MatMul(b);
            var want = new float[120 * 32 * 32];
            for (int t = 0; t < 120; t++)
                Gemm.Run(false, false, 32, 32, 64, a.Data.Slice(t * 2048, 2048), b.Data.Slice(t % 40 * 2048, 2048), want.AsSpan(t * 1024, 1024));
            Assert.Equal(want, y.ToArray());
        }
        finally
        {
            Threads.Count = saved;
        }
    }

    private static (float[] Y, float[] Ga, float[] Gb) TransposedMatMulStep(int threads, bool ta, bool tb, int[] a, int[] b)
    {
        int saved = Threads.Count;
        try
        {
            Threads.Count = threads;
            var g = new Generator(22);
            var x = Tensor.Randn(a, g).RequireGrad();
            var y = Tensor.Randn(b, g).RequireGrad();
            var z = x.MatMul(y, ta, tb);
            z.Backward(Tensor.Randn(z.Shape, g));
            return (z.ToArray(), x.Grad!.ToArray(), y.Grad!.ToArray());
        }
        finally
        {
            Threads.Count = saved;
        }
    }

    // Attention-sized heads (split by whole products) and one large broadcast product (split inside the GEMM).
    [Theory]
    [InlineData(false, true, new[] { 2, 4, 32, 64 }, new[] { 2, 4, 32, 64 })]
    [InlineData(true, false, new[] { 2, 4, 32, 64 }, new[] { 2, 4, 32, 64 })]
    [InlineData(true, true, new[] { 3, 200, 150 }, new[] { 170, 200 })]
    [InlineData(false, false, new[] { 3, 150, 200 }, new[] { 200, 170 })]
    public void TransposedMatMulIsBitIdenticalOnOneAndTwoThreads(bool ta, bool tb, int[] a, int[] b)
    {
        var one = TransposedMatMulStep(1, ta, tb, a, b);
        var two = TransposedMatMulStep(2, ta, tb, a, b);
        Assert.Equal(one.Y, two.Y);
        Assert.Equal(one.Ga, two.Ga);
        Assert.Equal(one.Gb, two.Gb);
    }
}

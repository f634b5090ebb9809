using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// The 2×2/2 pooling fast paths (vector and scalar tail) and the split across planes against a plain
/// reference of PyTorch's window rules: ties go to the first element in row order, a NaN wins (the last one).
/// </summary>
public class PoolFastPathTests
{
    private static ConvGeometry Halving(int h, int w) => new(1, h, w, 2, 2, 2, 2, 0, 0, 1, 1, h / 2, w / 2);

    /// <summary>Small integers (many ties) with NaNs and infinities sprinkled in.</summary>
    private static float[] Tricky(int count, ulong seed)
    {
        var r = Tensor.RandInt(0, 7, [count], new Generator(seed)).ToArray();
        for (int i = 0; i < count; i++)
        {
            if (i % 13 == 5) r[i] = float.NaN;
            else if (i % 17 == 3) r[i] = float.NegativeInfinity;
            else if (i % 19 == 7) r[i] = float.PositiveInfinity;
        }
        return r;
    }

    [Theory]
    [InlineData(1, 2, 2)]
    [InlineData(3, 5, 37)]
    [InlineData(2, 8, 16)]
    [InlineData(3, 14, 14)]
    [InlineData(2, 4, 9)]
    [InlineData(2, 6, 8)]
    [InlineData(2, 7, 15)]
    [InlineData(40, 28, 28)]
    public void MaxForwardMatchesTheReference(int planes, int h, int w)
    {
        var g = Halving(h, w);
        var x = Tricky(planes * h * w, 3);
        var y = new float[planes * g.OutPlane];
        var ix = new int[y.Length];
        PoolKernel.MaxForward(x, planes, g, y, ix);
        for (int p = 0; p < planes; p++)
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                {
                    float best = float.NegativeInfinity;
                    int at = 2 * oh * w + 2 * ow;
                    for (int dh = 0; dh < 2; dh++)
                        for (int dw = 0; dw < 2; dw++)
                        {
                            int i = (2 * oh + dh) * w + 2 * ow + dw;
                            float v = x[p * h * w + i];
                            if (v > best || float.IsNaN(v)) { best = v; at = i; }
                        }
                    int o = p * g.OutPlane + oh * g.OW + ow;
                    Assert.Equal(at, ix[o]);
                    Assert.Equal(best, y[o]);
                }
    }

    [Theory]
    [InlineData(3, 5, 37)]
    [InlineData(40, 28, 28)]
    public void AvgForwardAndBackwardMatchTheReference(int planes, int h, int w)
    {
        var g = Halving(h, w);
        var x = Tensor.Randn([planes * h * w], new Generator(5)).ToArray();
        var y = new float[planes * g.OutPlane];
        PoolKernel.AvgForward(x, planes, g, countIncludePad: true, divisorOverride: 0, y);
        var dy = Tensor.Randn([y.Length], new Generator(6)).ToArray();
        var dx = new float[x.Length];
        PoolKernel.AvgBackward(dy, planes, g, countIncludePad: true, divisorOverride: 0, dx);
        for (int p = 0; p < planes; p++)
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int o = p * g.OutPlane + oh * g.OW + ow, i = p * h * w + 2 * oh * w + 2 * ow;
                    Assert.Equal((0f + x[i] + x[i + 1] + x[i + w] + x[i + w + 1]) / 4f, y[o]);
                    Assert.Equal(dy[o] / 4f, dx[i + w + 1]);
                }
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        var g = Halving(28, 28);
        var x = Tricky(64 * 28 * 28, 9);
        float[] Run(int threads)
        {
            int saved = Threads.Count;
            Threads.Count = threads;
            try
            {
                var y = new float[64 * g.OutPlane];
                PoolKernel.MaxForward(x, 64, g, y, new int[y.Length]);
                return y;
            }
            finally { Threads.Count = saved; }
        }
        Assert.Equal(Run(1), Run(2));
    }
}

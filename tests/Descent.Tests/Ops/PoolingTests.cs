namespace Descent.Tests.Ops;

public class PoolingTests
{
    /// <summary>Distinct values 0.1 apart in random order, so a finite-difference step never changes a window's winner.</summary>
    private static Tensor NoTies(int[] shape, ulong seed)
    {
        var g = new Generator(seed);
        int count = Shape.Numel(shape);
        var values = Enumerable.Range(0, count).Select(i => (float)(0.1 * (i - count / 2))).ToArray();
        for (int i = count - 1; i > 0; i--)
        {
            int j = g.NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
        return Tensor.FromArray(values, shape);
    }

    [Fact]
    public void MaxAndAvgMatchDirectEnumeration()
    {
        ulong seed = 1;
        foreach (var (n, c, h, w) in new[] { (1, 1, 5, 7), (2, 3, 7, 5), (1, 5, 4, 9), (3, 1, 1, 6) })
            foreach (var k in new Size2[] { 1, 2, 3, (2, 3), (3, 1) })
                foreach (var s in new Size2[] { 1, 2, 3, (1, 2) })
                    foreach (var p in new Size2[] { 0, 1, (1, 0) })
                    {
                        if (p.H > k.H / 2 || p.W > k.W / 2) continue;
                        var x = Tensor.Randn([n, c, h, w], new Generator(seed++));
                        int oh = ConvReference.OutLength(h, k.H, s.H, p.H, 1), ow = ConvReference.OutLength(w, k.W, s.W, p.W, 1);
                        string context = $"x [{n}, {c}, {h}, {w}], kernel {k}, stride {s}, padding {p}";
                        if (oh <= 0 || ow <= 0)
                        {
                            Assert.Throws<ArgumentException>(() => x.MaxPool2d(k, s, p));
                            continue;
                        }
                        var max = x.MaxPool2d(k, s, p);
                        Assert.Equal(new[] { n, c, oh, ow }, max.Shape);
                        ConvReference.AssertClose(ConvReference.Pool(x.ToArray(), n * c, h, w, k, s, p, true, true, out _, out _), max.Data, 0f, "max " + context);
                        foreach (bool include in new[] { true, false })
                        {
                            var avg = x.AvgPool2d(k, s, p, include);
                            ConvReference.AssertClose(ConvReference.Pool(x.ToArray(), n * c, h, w, k, s, p, false, include, out _, out _), avg.Data, 1e-5f, $"avg (countIncludePad {include}) " + context);
                        }
                    }
    }

    [Fact]
    public void MaxPoolByHand()
    {
        var x = Tensor.FromArray([1, 5, 2, 0, 3, 4, 8, 1, 9, 0, 2, 3, 1, 7, 6, 4], 1, 1, 4, 4);
        Assert.Equal(new[] { 5f, 8f, 9f, 6f }, x.MaxPool2d(2).ToArray());
        // Stride 1: every 2x2 window of the 4x4 image.
        Assert.Equal(new[] { 5f, 8f, 8f, 9f, 8f, 8f, 9f, 7f, 6f }, x.MaxPool2d(2, stride: 1).ToArray());
        // Padding 1 with kernel 3, stride 2: windows centred on (0, 0), (0, 2), (2, 0), (2, 2).
        Assert.Equal(new[] { 5f, 8f, 9f, 8f }, x.MaxPool2d(3, stride: 2, padding: 1).ToArray());
    }

    [Fact]
    public void MaxPoolPaddingIsMinusInfinityNotZero()
    {
        var x = Tensor.Full([1, 1, 2, 2], -3f);
        var y = x.MaxPool2d(2, stride: 1, padding: 1);
        Assert.Equal(new[] { 1, 1, 3, 3 }, y.Shape);
        Assert.All(y.ToArray(), v => Assert.Equal(-3f, v));
    }

    [Fact]
    public void MaxPoolGradientGoesToTheWinner()
    {
        var x = Tensor.FromArray([1, 5, 2, 0, 3, 4, 8, 1, 9, 0, 2, 3, 1, 7, 6, 4], 1, 1, 4, 4).RequireGrad();
        x.MaxPool2d(2, stride: 1).Sum().Backward();
        // Winners of the nine windows: 5, 8, 8, 9, 8, 8, 9, 7, 6; 8 wins four times, 9 twice.
        Assert.Equal(new[] { 0f, 1, 0, 0, 0, 0, 4, 0, 2, 0, 0, 0, 0, 1, 1, 0 }, x.Grad!.ToArray());
    }

    [Fact]
    public void MaxPoolPropagatesNaN()
    {
        var x = Tensor.FromArray([1, float.NaN, 2, 3], 1, 1, 2, 2);
        Assert.True(float.IsNaN(x.MaxPool2d(2).Item()));
    }

    [Fact]
    public void AvgPoolDivisorFollowsCountIncludePad()
    {
        var x = Tensor.Ones(1, 1, 3, 3);
        // Kernel 3, padding 1, stride 1: the corner window covers 4 real ones out of 9 cells.
        var incl = x.AvgPool2d(3, stride: 1, padding: 1);
        Assert.Equal(4f / 9f, incl.At(0, 0, 0, 0), 6);
        Assert.Equal(6f / 9f, incl.At(0, 0, 0, 1), 6);
        Assert.Equal(1f, incl.At(0, 0, 1, 1), 6);
        var excl = x.AvgPool2d(3, stride: 1, padding: 1, countIncludePad: false);
        Assert.All(excl.ToArray(), v => Assert.Equal(1f, v, 6));
    }

    [Fact]
    public void AdaptiveAvgPoolMatchesPyTorchBins()
    {
        // 7 -> 3: bins [0, 3), [2, 5), [4, 7), overlapping at rows 2 and 4.
        var x = Tensor.Arange(7).Reshape(1, 1, 1, 7);
        Assert.Equal(new[] { 1f, 3f, 5f }, x.AdaptiveAvgPool2d((1, 3)).ToArray());
        var g = new Generator(4);
        foreach (var (h, w, oh, ow) in new[] { (7, 5, 3, 2), (5, 7, 5, 7), (6, 4, 4, 3), (1, 9, 1, 4), (4, 4, 8, 6), (3, 5, 1, 1) })
        {
            var t = Tensor.Randn([2, 3, h, w], g);
            var y = t.AdaptiveAvgPool2d((oh, ow));
            Assert.Equal(new[] { 2, 3, oh, ow }, y.Shape);
            ConvReference.AssertClose(ConvReference.AdaptiveAvg(t.ToArray(), 6, h, w, oh, ow), y.Data, 1e-5f, $"{h}x{w} -> {oh}x{ow}");
        }
    }

    [Fact]
    public void GlobalAveragePoolIsTheMeanOfEachPlane()
    {
        var x = Tensor.Randn([2, 3, 5, 7], new Generator(9));
        var y = x.AdaptiveAvgPool2d(1);
        ConvReference.AssertClose(x.Mean([2, 3]).ToArray(), y.Data, 1e-5f, "global average");
    }

    [Theory]
    [InlineData(1, 1, 4, 4, 2, 2, 0)]
    [InlineData(2, 3, 5, 7, 3, 2, 1)]
    [InlineData(1, 2, 7, 5, 2, 1, 1)]
    [InlineData(1, 1, 1, 5, 1, 1, 0)]
    public void GradCheckMaxPool(int n, int c, int h, int w, int k, int s, int p)
    {
        var x = NoTies([n, c, h, w], (ulong)(h * 10 + w)).RequireGrad();
        GradCheck.Assert(t => t[0].MaxPool2d(k, s, p), x);
    }

    [Fact]
    public void GradCheckMaxPoolPerAxisAndUnbatched()
    {
        var x = NoTies([3, 5, 7], 3).RequireGrad();
        GradCheck.Assert(t => t[0].MaxPool2d((3, 2), stride: (2, 1), padding: (1, 0)), x);
    }

    [Theory]
    [InlineData(2, 3, 5, 7, 3, 2, 1, true)]
    [InlineData(2, 3, 5, 7, 3, 2, 1, false)]
    [InlineData(1, 2, 4, 6, 2, 2, 0, true)]
    [InlineData(1, 1, 7, 5, 3, 1, 1, false)]
    [InlineData(1, 1, 1, 4, 1, 3, 0, true)]
    public void GradCheckAvgPool(int n, int c, int h, int w, int k, int s, int p, bool countIncludePad)
    {
        var x = Tensor.Randn([n, c, h, w], new Generator((ulong)(h * 10 + w))).RequireGrad();
        GradCheck.Assert(t => t[0].AvgPool2d(k, s, p, countIncludePad), x);
    }

    [Theory]
    [InlineData(1, 1, 7, 7, 2, 2, 0, 1, true)]
    [InlineData(2, 2, 8, 9, 3, 2, 1, 2, true)]
    [InlineData(1, 1, 9, 7, 3, 1, 1, 3, false)]
    [InlineData(1, 2, 5, 5, 2, 3, 1, 1, true)]
    public void GradCheckMaxPoolDilationAndCeilMode(int n, int c, int h, int w, int k, int s, int p, int d, bool ceil)
    {
        var x = NoTies([n, c, h, w], (ulong)(h * 11 + w)).RequireGrad();
        GradCheck.Assert(t => t[0].MaxPool2d(k, s, p, d, ceil), x);
    }

    [Theory]
    [InlineData(1, 1, 7, 7, 2, 2, 0, true, null)]
    [InlineData(2, 2, 8, 9, 3, 2, 1, false, null)]
    [InlineData(1, 1, 9, 7, 3, 2, 1, true, 2)]
    [InlineData(1, 2, 5, 5, 2, 3, 1, false, -4)]
    public void GradCheckAvgPoolCeilModeAndDivisorOverride(int n, int c, int h, int w, int k, int s, int p, bool countIncludePad, int? divisor)
    {
        var x = Tensor.Randn([n, c, h, w], new Generator((ulong)(h * 11 + w))).RequireGrad();
        GradCheck.Assert(t => t[0].AvgPool2d(k, s, p, countIncludePad, ceilMode: true, divisorOverride: divisor), x);
    }

    [Fact]
    public void CeilModeAddsAWindowOnlyWhereItStartsInsideTheInputOrLeftPadding()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 25).Select(i => (float)i).ToArray(), 1, 1, 5, 5);
        Assert.Equal([1, 1, 3, 3], x.MaxPool2d(2, ceilMode: true).Shape);
        // Stride 3 with padding 1: a third window would start at 5 = H + left padding, in the right padding only.
        Assert.Equal([1, 1, 2, 2], x.AvgPool2d(2, stride: 3, padding: 1, ceilMode: true).Shape);
        // The clipped last window of 5x5 in 2x2 windows holds x[4, 4] alone; its divisor is the clipped size.
        Assert.Equal(24f, x.MaxPool2d(2, ceilMode: true).ToArray()[^1]);
        Assert.Equal(24f, x.AvgPool2d(2, ceilMode: true).ToArray()[^1]);
        Assert.Equal(12f, x.AvgPool2d(2, ceilMode: true, divisorOverride: 2).ToArray()[^1]);
    }

    [Fact]
    public void DilatedMaxPoolReadsSpacedTaps()
    {
        // 1x5 row, kernel 2 dilation 3: windows {0, 3} and {1, 4}.
        var x = Tensor.FromArray([5f, 9f, 1f, 2f, 3f], 1, 1, 1, 5);
        Assert.Equal([5f, 9f], x.MaxPool2d((1, 2), stride: 1, dilation: (1, 3)).ToArray());
    }

    [Fact]
    public void PoolOptionErrorsNameTheOpAndRule()
    {
        var x = Tensor.Zeros(1, 1, 6, 6);
        var dil = Assert.Throws<ArgumentOutOfRangeException>(() => x.MaxPool2d(2, dilation: (1, 0)));
        Assert.Equal("dilation", dil.ParamName);
        Assert.Contains("MaxPool2d: dilation must be positive", dil.Message);
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => x.AvgPool2d(2, divisorOverride: 0));
        Assert.Contains("AvgPool2d: divisorOverride must not be zero", zero.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Descent.Nn.AvgPool2d(2, divisorOverride: 0));
        var small = Assert.Throws<ArgumentException>(() => Tensor.Zeros(1, 1, 3, 3).MaxPool2d(2, stride: 1, dilation: 3));
        Assert.Equal("MaxPool2d: output size is too small: input [1, 1, 3, 3] with kernel (2, 2), stride (1, 1), padding (0, 0), dilation (3, 3) gives 0x0", small.Message);
    }

    [Theory]
    [InlineData(7, 7, 3, 3)]
    [InlineData(5, 7, 3, 4)]
    [InlineData(4, 3, 6, 5)]
    [InlineData(1, 6, 1, 4)]
    [InlineData(6, 6, 1, 1)]
    public void GradCheckAdaptiveAvgPool(int h, int w, int oh, int ow)
    {
        var x = Tensor.Randn([2, 2, h, w], new Generator((ulong)(h * 10 + w))).RequireGrad();
        GradCheck.Assert(t => t[0].AdaptiveAvgPool2d((oh, ow)), x);
    }

    [Fact]
    public void BadInputsNameTheOpAndShapes()
    {
        var rank = Assert.Throws<ArgumentException>(() => Tensor.Zeros(4, 4).MaxPool2d(2));
        Assert.Equal("MaxPool2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input for kernel (2, 2); got input [4, 4]", rank.Message);
        var small = Assert.Throws<ArgumentException>(() => Tensor.Zeros(1, 1, 2, 5).AvgPool2d(3));
        Assert.Equal("AvgPool2d: output size is too small: input [1, 1, 2, 5] with kernel (3, 3), stride (3, 3), padding (0, 0) gives 0x1", small.Message);
        var empty = Assert.Throws<ArgumentException>(() => Tensor.Zeros(1, 0, 4, 4).AdaptiveAvgPool2d(2));
        Assert.Contains("AdaptiveAvgPool2d: expected non-zero channel, height and width", empty.Message);
        Assert.Contains("[1, 0, 4, 4]", empty.Message);
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(5).AdaptiveAvgPool2d(2));
    }

    [Fact]
    public void InvalidHyperParametersThrowOutOfRange()
    {
        var x = Tensor.Zeros(1, 1, 6, 6);
        Assert.Equal("kernelSize", Assert.Throws<ArgumentOutOfRangeException>(() => x.MaxPool2d(0)).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => x.AvgPool2d(2, stride: (1, 0))).ParamName);
        var pad = Assert.Throws<ArgumentOutOfRangeException>(() => x.MaxPool2d(3, padding: 2));
        Assert.Equal("padding", pad.ParamName);
        Assert.Contains("padding should be at most half of kernel size", pad.Message);
        Assert.Equal("outputSize", Assert.Throws<ArgumentOutOfRangeException>(() => x.AdaptiveAvgPool2d((0, 2))).ParamName);
    }
}

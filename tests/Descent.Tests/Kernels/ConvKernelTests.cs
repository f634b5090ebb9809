using Descent.Kernels;
using Descent.Tests.Ops;

namespace Descent.Tests.Kernels;

public class ConvKernelTests
{
    private static ConvGeometry Geometry(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) =>
        new(c, h, w, kh, kw, sh, sw, ph, pw, dh, dw,
            ConvGeometry.OutputLength(h, kh, sh, ph, dh), ConvGeometry.OutputLength(w, kw, sw, pw, dw));

    private static float[] Random(int count, ulong seed) => Tensor.Randn([count], new Generator(seed)).ToArray();

    public static IEnumerable<object[]> Geometries =>
    [
        // c, h, w, kh, kw, sh, sw, ph, pw, dh, dw
        new object[] { 1, 5, 7, 3, 3, 1, 1, 0, 0, 1, 1 },
        new object[] { 3, 5, 7, 3, 2, 2, 3, 1, 2, 1, 1 },
        new object[] { 2, 7, 5, 5, 3, 1, 2, 2, 1, 2, 1 },
        new object[] { 1, 1, 9, 1, 5, 1, 1, 0, 2, 1, 2 },
        new object[] { 4, 6, 6, 1, 1, 1, 1, 0, 0, 1, 1 },
        new object[] { 2, 3, 4, 5, 5, 3, 3, 2, 2, 1, 1 },
        new object[] { 1, 4, 4, 2, 2, 1, 1, 1, 1, 3, 3 },
        // Stride 1, no padding, no dilation (the copy-per-row path) with output rows of 1-7, 8-15,
        // 16-31 and 32+ pixels: LeNet's 28 -> 26 and 13 -> 11 included.
        new object[] { 1, 28, 28, 3, 3, 1, 1, 0, 0, 1, 1 },
        new object[] { 8, 13, 13, 3, 3, 1, 1, 0, 0, 1, 1 },
        new object[] { 2, 6, 9, 2, 4, 1, 1, 0, 0, 1, 1 },
        new object[] { 3, 5, 40, 3, 2, 1, 1, 0, 0, 1, 1 },
        new object[] { 1, 4, 17, 2, 9, 1, 1, 0, 0, 1, 1 },
    ];

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Im2ColPicksTheTapUnderEachKernelPosition(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw)
    {
        var g = Geometry(c, h, w, kh, kw, sh, sw, ph, pw, dh, dw);
        var image = Random(c * h * w, 1);
        var cols = new float[g.ColRows * g.OutPlane];
        cols.AsSpan().Fill(float.NaN);
        Conv2dKernel.Im2Col(image, g, cols);
        for (int ch = 0; ch < c; ch++)
            for (int ki = 0; ki < kh; ki++)
                for (int kj = 0; kj < kw; kj++)
                    for (int oh = 0; oh < g.OH; oh++)
                        for (int ow = 0; ow < g.OW; ow++)
                        {
                            int r = oh * sh - ph + ki * dh, s = ow * sw - pw + kj * dw;
                            float expected = r < 0 || r >= h || s < 0 || s >= w ? 0f : image[(ch * h + r) * w + s];
                            int row = (ch * kh + ki) * kw + kj;
                            Assert.Equal(expected, cols[row * g.OutPlane + oh * g.OW + ow]);
                        }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Col2ImIsTheAdjointOfIm2Col(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw)
    {
        // <Im2Col(x), y> = <x, Col2Im(y)> for all x, y defines the adjoint, which is what backward needs.
        var g = Geometry(c, h, w, kh, kw, sh, sw, ph, pw, dh, dw);
        var x = Random(c * h * w, 2);
        var y = Random(g.ColRows * g.OutPlane, 3);
        var cols = new float[y.Length];
        Conv2dKernel.Im2Col(x, g, cols);
        var back = new float[x.Length];
        Conv2dKernel.Col2Im(y, g, back);
        double left = 0, right = 0;
        for (int i = 0; i < y.Length; i++) left += (double)cols[i] * y[i];
        for (int i = 0; i < x.Length; i++) right += (double)x[i] * back[i];
        Assert.Equal(left, right, 1e-3);
    }

    [Fact]
    public void Col2ImAccumulatesIntoTheImage()
    {
        var g = Geometry(1, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1);
        var cols = Enumerable.Repeat(1f, g.ColRows * g.OutPlane).ToArray();
        var image = Enumerable.Repeat(10f, 9).ToArray();
        Conv2dKernel.Col2Im(cols, g, image);
        // With a 3x3 kernel and padding 1 on a 3x3 image, pixel (i, j) is read by one tap per output
        // position whose window covers it: 4 for corners, 6 for edges, 9 for the centre.
        Assert.Equal(new[] { 14f, 16f, 14f, 16f, 19f, 16f, 14f, 16f, 14f }, image);
    }

    [Theory]
    [InlineData(2, 3, 5, 7, 4, 3, 2, 1, 1, 1, 1)]
    [InlineData(1, 6, 5, 5, 4, 1, 1, 1, 0, 1, 2)]
    [InlineData(3, 4, 7, 5, 2, 2, 3, 2, 1, 2, 2)]
    public void ForwardMatchesDirectConvolution(int n, int c, int h, int w, int o, int kh, int kw, int stride, int padding, int dilation, int groups)
    {
        var g = Geometry(c, h, w, kh, kw, stride, stride, padding, padding, dilation, dilation);
        var x = Random(n * c * h * w, 4);
        var wt = Random(o * (c / groups) * kh * kw, 5);
        var b = Random(o, 6);
        var y = new float[n * o * g.OutPlane];
        Conv2dKernel.Forward(x, wt, b, n, o, groups, g, y);
        var expected = ConvReference.Conv2d(x, n, c, h, w, wt, o, kh, kw, b, stride, padding, dilation, groups, out _, out _);
        ConvReference.AssertClose(expected, y, 1e-5f, "kernel forward");
    }

    [Fact]
    public void BackwardKernelsAccumulate()
    {
        var g = Geometry(2, 4, 5, 3, 3, 1, 1, 1, 1, 1, 1);
        int n = 2, o = 3;
        var x = Random(n * g.ImageSize, 7);
        var wt = Random(o * g.ColRows, 8);
        var dy = Random(n * o * g.OutPlane, 9);
        var once = new float[wt.Length];
        Conv2dKernel.BackwardWeight(dy, x, n, o, 1, g, once);
        var twice = once.ToArray();
        Conv2dKernel.BackwardWeight(dy, x, n, o, 1, g, twice);
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], twice[i], 4);
        var dx = new float[x.Length];
        Conv2dKernel.BackwardInput(dy, wt, n, o, 1, g, dx);
        var dx2 = dx.ToArray();
        Conv2dKernel.BackwardInput(dy, wt, n, o, 1, g, dx2);
        for (int i = 0; i < dx.Length; i++) Assert.Equal(2 * dx[i], dx2[i], 4);
        var db = new float[o];
        Conv2dKernel.BackwardBias(dy, n, o, g.OutPlane, db);
        for (int k = 0; k < o; k++)
        {
            double sum = 0;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < g.OutPlane; i++) sum += dy[(b * o + k) * g.OutPlane + i];
            Assert.Equal(sum, db[k], 4);
        }
    }

    [Theory]
    [InlineData(5, 3, 1, 0, 1, 3)]
    [InlineData(5, 3, 2, 1, 1, 3)]
    [InlineData(7, 3, 3, 2, 2, 3)]
    [InlineData(4, 3, 1, 0, 2, 0)]
    [InlineData(2, 3, 3, 0, 1, 0)]
    [InlineData(1, 1, 1, 0, 1, 1)]
    public void OutputLengthIsPyTorchsFormula(int input, int kernel, int stride, int padding, int dilation, int expected) =>
        Assert.Equal(expected, ConvGeometry.OutputLength(input, kernel, stride, padding, dilation));

    [Fact]
    public void ValidRangeKeepsExactlyTheInBoundsTaps()
    {
        for (int offset = -5; offset <= 5; offset++)
            for (int stride = 1; stride <= 3; stride++)
                for (int length = 1; length <= 6; length++)
                    for (int outLength = 1; outLength <= 6; outLength++)
                    {
                        var (start, end) = ConvGeometry.ValidRange(offset, stride, length, outLength);
                        for (int o = 0; o < outLength; o++)
                        {
                            int tap = o * stride + offset;
                            bool inside = tap >= 0 && tap < length;
                            Assert.True(inside == (o >= start && o < end), $"offset {offset}, stride {stride}, length {length}, out {outLength}: o = {o}");
                        }
                    }
    }

    [Theory]
    [InlineData(7, 3, new[] { 0, 3, 2, 5, 4, 7 })]
    [InlineData(5, 5, new[] { 0, 1, 1, 2, 2, 3, 3, 4, 4, 5 })]
    [InlineData(4, 6, new[] { 0, 1, 0, 2, 1, 2, 2, 3, 2, 4, 3, 4 })]
    [InlineData(10, 1, new[] { 0, 10 })]
    public void AdaptiveBinsFollowFloorAndCeil(int input, int output, int[] expected)
    {
        var bins = Enumerable.Range(0, output).SelectMany(i =>
        {
            var (s, e) = PoolKernel.AdaptiveBin(i, input, output);
            return new[] { s, e };
        });
        Assert.Equal(expected, bins);
    }

    [Fact]
    public void MaxPoolIndicesAreFlatPositionsWithinThePlane()
    {
        var g = Geometry(1, 3, 4, 2, 2, 2, 2, 0, 0, 1, 1);
        var x = new float[] { 0, 9, 1, 2, 3, 4, 8, 5, 6, 7, 1, 1, /* second plane */ 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0 };
        var y = new float[4];
        var ix = new int[4];
        PoolKernel.MaxForward(x, 2, g, y, ix);
        Assert.Equal(new[] { 9f, 8f, 6f, 8f }, y);
        Assert.Equal(new[] { 1, 6, 5, 7 }, ix);
        var dx = new float[x.Length];
        PoolKernel.MaxBackward(new float[] { 1, 2, 3, 4 }, ix, 2, g, dx);
        Assert.Equal(1f, dx[1]);
        Assert.Equal(2f, dx[6]);
        Assert.Equal(3f, dx[12 + 5]);
        Assert.Equal(4f, dx[12 + 7]);
        Assert.Equal(10f, dx.Sum());
    }

    [Theory]
    [InlineData(6, 8)]
    [InlineData(7, 9)]   // a last row and column no 2x2 window covers
    [InlineData(13, 13)]
    public void HalvingMaxPoolBackwardOverwritesEveryInputLikeClearThenScatter(int h, int w)
    {
        var g = Geometry(1, h, w, 2, 2, 2, 2, 0, 0, 1, 1);
        int planes = 3, outPlane = g.OutPlane;
        var rnd = new Random(h * 31 + w);
        var x = Enumerable.Range(0, planes * h * w).Select(_ => (float)rnd.Next(-4, 5)).ToArray();   // ties included
        var y = new float[planes * outPlane];
        var ix = new int[planes * outPlane];
        PoolKernel.MaxForward(x, planes, g, y, ix);
        var dy = Enumerable.Range(0, y.Length).Select(i => i % 5 == 0 ? -0f : (float)rnd.NextDouble() - 0.5f).ToArray();
        var dx = Enumerable.Repeat(float.NaN, x.Length).ToArray();   // stale contents must all be overwritten
        PoolKernel.MaxBackward(dy, ix, planes, g, dx);
        var expected = new float[x.Length];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < outPlane; i++) expected[p * h * w + ix[p * outPlane + i]] += dy[p * outPlane + i];
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), dx.Select(BitConverter.SingleToInt32Bits));
    }
}

namespace Descent.Tests.Ops;

public class ConvolutionTests
{
    private static (Tensor X, Tensor W, Tensor B) Make(int n, int c, int h, int w, int o, int kh, int kw, int groups, ulong seed)
    {
        var g = new Generator(seed);
        return (Tensor.Randn([n, c, h, w], g), Tensor.Randn([o, c / groups, kh, kw], g), Tensor.Randn([o], g));
    }

    private static void CheckAgainstReference(int n, int c, int h, int w, int o, int kh, int kw, Size2 stride, Size2 padding, Size2 dilation, int groups, bool withBias, ulong seed)
    {
        var (x, wt, b) = Make(n, c, h, w, o, kh, kw, groups, seed);
        var bias = withBias ? b : null;
        var expected = ConvReference.Conv2d(x.ToArray(), n, c, h, w, wt.ToArray(), o, kh, kw, bias?.ToArray(), stride, padding, dilation, groups, out int oh, out int ow);
        string context = $"x [{n}, {c}, {h}, {w}], w [{o}, {c / groups}, {kh}, {kw}], stride {stride}, padding {padding}, dilation {dilation}, groups {groups}";
        if (oh <= 0 || ow <= 0)
        {
            Assert.Throws<ArgumentException>(() => x.Conv2d(wt, bias, stride, padding, dilation, groups));
            return;
        }
        var y = x.Conv2d(wt, bias, stride, padding, dilation, groups);
        Assert.Equal([n, o, oh, ow], y.Shape);
        ConvReference.AssertClose(expected, y.Data, 1e-5f, context);
    }

    [Fact]
    public void ForwardMatchesDirectConvolutionOverManyConfigurations()
    {
        ulong seed = 1;
        int checkedCount = 0;
        foreach (var (c, o) in new[] { (1, 1), (3, 5), (5, 3), (7, 2) })
            foreach (int k in new[] { 1, 2, 3, 5 })
                foreach (int s in new[] { 1, 2, 3 })
                    foreach (int p in new[] { 0, 1, 2 })
                        foreach (int d in new[] { 1, 2 })
                        {
                            CheckAgainstReference(2, c, 5, 7, o, k, k, s, p, d, 1, withBias: (seed & 1) == 0, seed++);
                            checkedCount++;
                        }
        Assert.Equal(4 * 4 * 3 * 3 * 2, checkedCount);
    }

    [Theory]
    [InlineData(1, 3, 5, 7, 4, 3, 1, 2, 1, 0, 1, 1, 1, 1)]
    [InlineData(2, 5, 7, 5, 3, 1, 3, 1, 3, 0, 2, 1, 2, 1)]
    [InlineData(1, 2, 9, 6, 2, 2, 5, 3, 2, 2, 1, 2, 1, 1)]
    [InlineData(3, 1, 1, 7, 2, 1, 3, 1, 1, 0, 1, 1, 1, 1)]
    [InlineData(2, 4, 6, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2)]
    [InlineData(1, 6, 5, 7, 3, 2, 3, 2, 1, 1, 0, 1, 2, 3)]
    public void ForwardMatchesDirectConvolutionWithPerAxisSettings(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups) =>
        CheckAgainstReference(n, c, h, w, o, kh, kw, (sh, sw), (ph, pw), (dh, dw), groups, withBias: true, seed: (ulong)(h * 31 + w));

    [Fact]
    public void EdgeFilterOnAKnownImage()
    {
        // A vertical edge: columns 0-1 dark (0), columns 2-3 bright (1). The Sobel-x filter
        // [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] answers 4 where the edge is under its centre column
        // and 0 on flat ground.
        var image = Tensor.FromArray([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1], 1, 1, 4, 4);
        var sobel = Tensor.FromArray([-1, 0, 1, -2, 0, 2, -1, 0, 1], 1, 1, 3, 3);
        var y = image.Conv2d(sobel);
        Assert.Equal([1, 1, 2, 2], y.Shape);
        Assert.Equal([4f, 4f, 4f, 4f], y.ToArray());

        // With padding 1 the border sees zeros: column 0 reads the zero padding on its left and dark
        // pixels on its right (0); column 3 has bright on the left and padding on the right (-4·1 in the
        // middle row, -3 at the corners where one row is padding).
        var padded = image.Conv2d(sobel, padding: 1);
        Assert.Equal([0f, 3f, 3f, -3f, 0f, 4f, 4f, -4f, 0f, 4f, 4f, -4f, 0f, 3f, 3f, -3f], padded.ToArray());
    }

    [Fact]
    public void BiasStrideAndDilationByHand()
    {
        // x[i, j] = 5i + j in a 5x5 image; a 2x2 kernel of ones with dilation 2 sums x[i, j] + x[i, j+2]
        // + x[i+2, j] + x[i+2, j+2] = 4·x[i, j] + 24. The output is floor((5 - 2·1 - 1) / 2) + 1 = 2 per
        // axis, at positions (0, 0), (0, 2), (2, 0), (2, 2) where x is 0, 2, 10, 12; the bias adds 0.5.
        var x = Tensor.Arange(25).Reshape(1, 1, 5, 5);
        var w = Tensor.Ones(1, 1, 2, 2);
        var y = x.Conv2d(w, Tensor.FromArray([0.5f]), stride: 2, dilation: 2);
        Assert.Equal([1, 1, 2, 2], y.Shape);
        Assert.Equal([24.5f, 32.5f, 64.5f, 72.5f], y.ToArray());
    }

    [Fact]
    public void UnbatchedInputGivesUnbatchedOutputAndGradients()
    {
        var g = new Generator(3);
        var x = Tensor.Randn([3, 5, 7], g).RequireGrad();
        var w = Tensor.Randn([4, 3, 3, 3], g).RequireGrad();
        var y = x.Conv2d(w, padding: 1);
        Assert.Equal([4, 5, 7], y.Shape);
        var batched = x.Detach().Reshape(1, 3, 5, 7).Conv2d(w.Detach(), padding: 1);
        Assert.Equal(batched.ToArray(), y.ToArray());
        y.Sum().Backward();
        Assert.Equal([3, 5, 7], x.Grad!.Shape);
        Assert.Equal([4, 3, 3, 3], w.Grad!.Shape);
    }

    public static IEnumerable<object[]> GradConfigs =>
    [
        // n, c, h, w, o, k, stride, padding, dilation, groups, bias (1/0)
        new object[] { 1, 1, 3, 3, 1, 1, 1, 0, 1, 1, 1 },
        new object[] { 2, 3, 5, 4, 2, 3, 1, 1, 1, 1, 1 },
        new object[] { 1, 2, 5, 7, 3, 2, 2, 0, 1, 1, 0 },
        new object[] { 2, 1, 7, 5, 2, 3, 3, 2, 1, 1, 1 },
        new object[] { 1, 3, 7, 6, 2, 3, 1, 2, 2, 1, 1 },
        new object[] { 1, 4, 5, 5, 4, 3, 2, 1, 1, 2, 1 },
        new object[] { 3, 2, 1, 6, 1, 1, 2, 0, 1, 1, 1 },
    ];

    [Theory]
    [MemberData(nameof(GradConfigs))]
    public void GradCheckInputWeightAndBias(int n, int c, int h, int w, int o, int k, int stride, int padding, int dilation, int groups, int bias)
    {
        var (x, wt, b) = Make(n, c, h, w, o, k, k, groups, (ulong)(n * 100 + c * 10 + h));
        x.RequireGrad();
        wt.RequireGrad();
        b.RequireGrad();
        if (bias == 1)
            GradCheck.Assert(t => t[0].Conv2d(t[1], t[2], stride, padding, dilation, groups), x, wt, b);
        else
            GradCheck.Assert(t => t[0].Conv2d(t[1], null, stride, padding, dilation, groups), x, wt);
    }

    [Fact]
    public void GradCheckNonSquareKernelAndPerAxisSettings()
    {
        var (x, w, b) = Make(2, 2, 6, 5, 3, 3, 2, 1, 11);
        GradCheck.Assert(t => t[0].Conv2d(t[1], t[2], stride: (2, 1), padding: (1, 0), dilation: (1, 2)),
            x.RequireGrad(), w.RequireGrad(), b.RequireGrad());
    }

    [Fact]
    public void GradCheckOnlyTheInput()
    {
        // The weight is a constant here, so only the input's gradient is computed and checked.
        var (x, w, _) = Make(1, 2, 4, 5, 2, 3, 3, 1, 12);
        GradCheck.Assert(t => t[0].Conv2d(t[1], padding: 1), x.RequireGrad(), w);
    }

    [Fact]
    public void BackwardMatchesTheAdjointOnALargerInput()
    {
        // Too large for element-wise finite differences. Without bias, conv(x, w) is linear in x and in
        // w, so L = <dy, conv(x, w)> equals <dL/dw, w> and <dL/dx, x> (Euler's identity for functions
        // homogeneous of degree 1): a wrong gradient anywhere breaks the equality.
        var g = new Generator(21);
        var x = Tensor.Randn([4, 5, 13, 11], g).RequireGrad();
        var w = Tensor.Randn([6, 5, 3, 3], g).RequireGrad();
        var dy = Tensor.Randn([4, 6, 7, 6], g);
        var y = x.Conv2d(w, stride: 2, padding: 1);
        Assert.Equal(dy.Shape, y.Shape);
        y.Backward(dy);
        double inner = Dot(dy.Data, y.Data), tolerance = Math.Abs(inner) * 1e-4 + 1e-3;
        Assert.Equal(inner, Dot(w.Grad!.Data, w.Data), tolerance);
        Assert.Equal(inner, Dot(x.Grad!.Data, x.Data), tolerance);
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    [Fact]
    public void BiasGradientIsTheSumOverBatchAndPositions()
    {
        var (x, w, b) = Make(3, 2, 4, 5, 2, 2, 2, 1, 5);
        b.RequireGrad();
        var y = x.Conv2d(w, b);
        var dy = Tensor.Randn(y.Shape, new Generator(6));
        y.Backward(dy);
        var expected = dy.Sum([0, 2, 3]);
        ConvReference.AssertClose(expected.ToArray(), b.Grad!.Data, 1e-5f, "bias grad");
    }

    [Fact]
    public void ChannelMismatchNamesBothShapes()
    {
        var x = Tensor.Zeros(2, 1, 28, 28);
        var w = Tensor.Zeros(8, 3, 3, 3);
        var e = Assert.Throws<ArgumentException>(() => x.Conv2d(w));
        Assert.Equal("Conv2d: expected input with 3 channels to match weight [8, 3, 3, 3]; got input [2, 1, 28, 28]", e.Message);
    }

    [Fact]
    public void WrongRanksAreRejectedNamingTheShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(28, 28).Conv2d(Tensor.Zeros(8, 1, 3, 3)));
        Assert.Equal("Conv2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input for weight [8, 1, 3, 3]; got input [28, 28]", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Tensor.Zeros(1, 1, 28, 28).Conv2d(Tensor.Zeros(8, 9)));
        Assert.Contains("expected a 4-D weight", e2.Message);
        Assert.Contains("[8, 9]", e2.Message);
        Assert.Contains("[1, 1, 28, 28]", e2.Message);
    }

    [Fact]
    public void BadBiasAndGroupsAreRejected()
    {
        var x = Tensor.Zeros(1, 4, 5, 5);
        var e = Assert.Throws<ArgumentException>(() => x.Conv2d(Tensor.Zeros(6, 4, 3, 3), Tensor.Zeros(5)));
        Assert.Equal("Conv2d: expected bias of shape [6] to match weight [6, 4, 3, 3]; got bias [5]", e.Message);
        var g = Assert.Throws<ArgumentException>(() => x.Conv2d(Tensor.Zeros(6, 1, 3, 3), groups: 2));
        Assert.Equal("Conv2d: expected input with 2 channels (2 groups of 1) to match weight [6, 1, 3, 3]; got input [1, 4, 5, 5]", g.Message);
        var d = Assert.Throws<ArgumentException>(() => x.Conv2d(Tensor.Zeros(5, 2, 3, 3), groups: 2));
        Assert.Contains("out_channels 5 of weight [5, 2, 3, 3] must be divisible by groups 2", d.Message);
    }

    [Fact]
    public void TooSmallInputSaysWhy()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(1, 1, 4, 4).Conv2d(Tensor.Zeros(1, 1, 3, 3), dilation: 2));
        Assert.Equal("Conv2d: input [1, 1, 4, 4] padded to 4x4 is smaller than the kernel of weight [1, 1, 3, 3] (dilated to 5x5); the output would be 0x0", e.Message);
        Assert.Equal([1, 1, 2, 2], Tensor.Zeros(1, 1, 4, 4).Conv2d(Tensor.Zeros(1, 1, 3, 3), padding: 1, dilation: 2).Shape);
    }

    [Fact]
    public void InvalidHyperParametersThrowOutOfRangeNamingTheParameter()
    {
        var x = Tensor.Zeros(1, 1, 5, 5);
        var w = Tensor.Zeros(1, 1, 3, 3);
        Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => x.Conv2d(w, stride: 0)).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => x.Conv2d(w, stride: (1, -1))).ParamName);
        Assert.Equal("padding", Assert.Throws<ArgumentOutOfRangeException>(() => x.Conv2d(w, padding: -1)).ParamName);
        Assert.Equal("dilation", Assert.Throws<ArgumentOutOfRangeException>(() => x.Conv2d(w, dilation: (0, 1))).ParamName);
        var gr = Assert.Throws<ArgumentOutOfRangeException>(() => x.Conv2d(w, groups: 0));
        Assert.Equal("groups", gr.ParamName);
        Assert.Contains("(0, 1)", Assert.Throws<ArgumentOutOfRangeException>(() => x.Conv2d(w, dilation: (0, 1))).Message);
    }

    [Fact]
    public void NoGradScopeRecordsNothing()
    {
        var (x, w, _) = Make(1, 1, 3, 3, 1, 2, 2, 1, 8);
        w.RequireGrad();
        using (Descent.Autograd.NoGrad())
        {
            Assert.False(x.Conv2d(w).RequiresGrad);
        }
        Assert.True(x.Conv2d(w).RequiresGrad);
    }
}

using Descent.Nn;

namespace Descent.Tests.Nn;

public class ConvModuleTests
{
    [Fact]
    public void Conv2dRegistersWeightAndBiasWithPyTorchNamesAndShapes()
    {
        var conv = new Conv2d(3, 8, 3, generator: new Generator(0));
        var named = conv.NamedParameters().ToList();
        Assert.Equal(new[] { "weight", "bias" }, named.Select(p => p.Name));
        Assert.Equal(new[] { 8, 3, 3, 3 }, conv.Weight.Shape);
        Assert.Equal(new[] { 8 }, conv.Bias!.Shape);
        Assert.True(conv.Weight.RequiresGrad);
        Assert.Equal(new[] { "weight", "bias" }, conv.StateDict().Keys);
    }

    [Fact]
    public void Conv2dWithoutBiasHasOnlyAWeight()
    {
        var conv = new Conv2d(4, 6, (3, 1), groups: 2, bias: false, generator: new Generator(0));
        Assert.Null(conv.Bias);
        Assert.Equal(new[] { "weight" }, conv.StateDict().Keys);
        Assert.Equal(new[] { 6, 2, 3, 1 }, conv.Weight.Shape);
    }

    [Fact]
    public void Conv2dDefaultInitIsUniformWithinOneOverSqrtFanIn()
    {
        // fan_in = in/groups·kH·kW = 4·5·3 = 60, so weight and bias are drawn from U(-1/√60, 1/√60).
        var conv = new Conv2d(4, 16, (5, 3), generator: new Generator(7));
        float bound = 1f / MathF.Sqrt(60f);
        Assert.All(conv.Weight.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.All(conv.Bias!.ToArray(), v => Assert.InRange(v, -bound, bound));
        // The weights spread over the range rather than sitting at one value.
        Assert.True(conv.Weight.ToArray().Max() > bound / 2 && conv.Weight.ToArray().Min() < -bound / 2);
        var same = new Conv2d(4, 16, (5, 3), generator: new Generator(7));
        Assert.Equal(conv.Weight.ToArray(), same.Weight.ToArray());
        Assert.Equal(conv.Bias.ToArray(), same.Bias!.ToArray());
    }

    [Fact]
    public void Conv2dForwardEqualsTheOpWithItsParameters()
    {
        var g = new Generator(2);
        var conv = new Conv2d(3, 5, 3, stride: 2, padding: (1, 2), dilation: (2, 1), generator: g);
        var x = Tensor.Randn([2, 3, 9, 8], g);
        var y = conv.Forward(x);
        var expected = x.Conv2d(conv.Weight, conv.Bias, stride: 2, padding: (1, 2), dilation: (2, 1));
        Assert.Equal(expected.Shape, y.Shape);
        Assert.Equal(expected.ToArray(), y.ToArray());
        Assert.Equal(new[] { 2, 5, 4, 5 }, y.Shape);
    }

    [Fact]
    public void Conv2dTrainsItsParameters()
    {
        var g = new Generator(3);
        var conv = new Conv2d(2, 3, 3, padding: 1, generator: g);
        var x = Tensor.Randn([2, 2, 5, 5], g);
        conv.Forward(x).Square().Mean().Backward();
        Assert.Equal(conv.Weight.Shape, conv.Weight.Grad!.Shape);
        Assert.Equal(new[] { 3 }, conv.Bias!.Grad!.Shape);
        Assert.Contains(conv.Weight.Grad.ToArray(), v => v != 0f);
    }

    [Fact]
    public void Conv2dErrorsNameTheLayerAndBothShapes()
    {
        var conv = new Conv2d(3, 8, 3, generator: new Generator(0));
        var e = Assert.Throws<ArgumentException>(() => conv.Forward(Tensor.Zeros(2, 1, 28, 28)));
        Assert.Equal("Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1)): expected input with 3 channels to match weight [8, 3, 3, 3]; got input [2, 1, 28, 28]", e.Message);
        var rank = Assert.Throws<ArgumentException>(() => conv.Forward(Tensor.Zeros(28, 28)));
        Assert.Equal("Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1)): expected a 3-D [C, H, W] or 4-D [N, C, H, W] input for weight [8, 3, 3, 3]; got input [28, 28]", rank.Message);
        var small = Assert.Throws<ArgumentException>(() => conv.Forward(Tensor.Zeros(1, 3, 2, 9)));
        Assert.StartsWith("Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1)): input [1, 3, 2, 9]", small.Message);
    }

    [Fact]
    public void Conv2dDescribesItselfLikePyTorch()
    {
        Assert.Equal("Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))", new Conv2d(3, 8, 3).ToString());
        Assert.Equal("Conv2d(4, 8, kernel_size=(3, 5), stride=(2, 2), padding=(1, 2), dilation=(2, 2), groups=2, bias=False)",
            new Conv2d(4, 8, (3, 5), stride: 2, padding: (1, 2), dilation: 2, groups: 2, bias: false).ToString());
    }

    [Theory]
    [InlineData(PaddingMode.Reflect, false)]
    [InlineData(PaddingMode.Replicate, false)]
    [InlineData(PaddingMode.Circular, false)]
    [InlineData(PaddingMode.Zeros, true)]
    [InlineData(PaddingMode.Reflect, true)]
    [InlineData(PaddingMode.Circular, true)]
    public void Conv2dPaddingModesAndSameMatchFiniteDifferences(PaddingMode mode, bool same)
    {
        var conv = same
            ? new Conv2d(2, 3, (2, 3), padding: "same", dilation: (1, 2), paddingMode: mode, generator: new Generator(3))
            : new Conv2d(2, 3, 3, stride: (2, 1), padding: (2, 1), paddingMode: mode, generator: new Generator(3));
        var x = Tensor.Randn([2, 2, 5, 4], new Generator(4)).RequireGrad();
        ModuleGradCheck.Assert(conv, x);
        if (same) Assert.Equal([2, 3, 5, 4], conv.Forward(x).Shape);
    }

    [Fact]
    public void Conv2dPaddingModesFillTheBorderAsPyTorch()
    {
        // A 1x1 kernel of weight 1 shows the padded input itself: [a, b, c] = [1, 2, 3] padded by 2 each side.
        var x = Tensor.FromArray([1f, 2f, 3f], 1, 1, 1, 3);
        float[] Padded(PaddingMode mode)
        {
            var conv = new Conv2d(1, 1, 1, padding: (0, 2), bias: false, paddingMode: mode);
            conv.Weight.DataSpan[0] = 1f;
            return conv.Forward(x).ToArray();
        }
        Assert.Equal([3f, 2f, 1f, 2f, 3f, 2f, 1f], Padded(PaddingMode.Reflect));
        Assert.Equal([1f, 1f, 1f, 2f, 3f, 3f, 3f], Padded(PaddingMode.Replicate));
        Assert.Equal([2f, 3f, 1f, 2f, 3f, 1f, 2f], Padded(PaddingMode.Circular));
        Assert.Equal([0f, 0f, 1f, 2f, 3f, 0f, 0f], Padded(PaddingMode.Zeros));
    }

    [Fact]
    public void Conv2dPaddingOptionsRefuseWhatPyTorchRefuses()
    {
        var strided = Assert.Throws<ArgumentException>(() => new Conv2d(1, 1, 3, stride: 2, padding: "same"));
        Assert.Contains("Conv2d: padding \"same\" is not supported for strided convolutions; got stride (2, 2)", strided.Message);
        var word = Assert.Throws<ArgumentException>(() => new Conv2d(1, 1, 3, padding: "full"));
        Assert.Contains("Conv2d: padding must be an int, an (h, w) pair, \"same\" or \"valid\"; got \"full\"", word.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(1, 1, 3, paddingMode: (PaddingMode)7));
        var reflect = Assert.Throws<ArgumentException>(() => new Conv2d(1, 1, 3, padding: 3, paddingMode: PaddingMode.Reflect).Forward(Tensor.Zeros(1, 1, 3, 5)));
        Assert.Contains("Conv2d(1, 1, kernel_size=(3, 3), stride=(1, 1), padding=(3, 3), padding_mode=reflect): reflect padding must be less than the input height 3; got padding (3, 3) for input [1, 1, 3, 5]", reflect.Message);
        var circular = Assert.Throws<ArgumentException>(() => new Conv2d(1, 1, 5, padding: (0, 4), paddingMode: PaddingMode.Circular).Forward(Tensor.Zeros(1, 5, 3)));
        Assert.Contains("circular padding may wrap around at most once, so at most the input width 3", circular.Message);
        Assert.Equal([1, 1, 3, 3], new Conv2d(1, 1, 3, padding: "valid").Forward(Tensor.Zeros(1, 1, 5, 5)).Shape);
    }

    [Fact]
    public void Conv2dDescribesItsPaddingOptionsLikePyTorch()
    {
        Assert.Equal("Conv2d(3, 8, kernel_size=(4, 4), stride=(1, 1), padding=same)", new Conv2d(3, 8, 4, padding: "same").ToString());
        Assert.Equal("Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False, padding_mode=circular)",
            new Conv2d(3, 8, 3, padding: 1, bias: false, paddingMode: PaddingMode.Circular).ToString());
    }

    [Fact]
    public void Conv2dRejectsInvalidHyperParameters()
    {
        Assert.Equal("inChannels", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(0, 8, 3)).ParamName);
        Assert.Equal("outChannels", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(3, -1, 3)).ParamName);
        Assert.Equal("kernelSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(3, 8, (3, 0))).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(3, 8, 3, stride: 0)).ParamName);
        Assert.Equal("padding", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(3, 8, 3, padding: (-1, 0))).ParamName);
        Assert.Equal("dilation", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(3, 8, 3, dilation: 0)).ParamName);
        var groups = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(3, 8, 3, groups: 2));
        Assert.Equal("groups", groups.ParamName);
        Assert.Contains("inChannels 3 and outChannels 8 must both be divisible by groups 2", groups.Message);
    }

    [Fact]
    public void Conv2dLoadStateDictRoundTrips()
    {
        var a = new Conv2d(2, 4, 3, generator: new Generator(1));
        var b = new Conv2d(2, 4, 3, generator: new Generator(2));
        b.LoadStateDict(a.StateDict());
        Assert.Equal(a.Weight.ToArray(), b.Weight.ToArray());
        Assert.Equal(a.Bias!.ToArray(), b.Bias!.ToArray());
        var wrong = new Conv2d(2, 4, 5, generator: new Generator(3));
        var e = Assert.Throws<StateDictMismatchException>(() => wrong.LoadStateDict(a.StateDict()));
        Assert.Contains("weight: expected [4, 2, 5, 5], got [4, 2, 3, 3]", e.Message);
    }

    [Fact]
    public void PoolingModulesMatchTheOpsAndHaveNoParameters()
    {
        var x = Tensor.Randn([2, 3, 7, 6], new Generator(4));
        var max = new MaxPool2d(3, stride: 2, padding: 1);
        var avg = new AvgPool2d((2, 3), padding: (1, 0), countIncludePad: false);
        var adaptive = new AdaptiveAvgPool2d((3, 2));
        Assert.Equal(x.MaxPool2d(3, 2, 1).ToArray(), max.Forward(x).ToArray());
        Assert.Equal(x.AvgPool2d((2, 3), padding: (1, 0), countIncludePad: false).ToArray(), avg.Forward(x).ToArray());
        Assert.Equal(x.AdaptiveAvgPool2d((3, 2)).ToArray(), adaptive.Forward(x).ToArray());
        Assert.Equal(new[] { 2, 3, 4, 2 }, avg.Forward(x).Shape);
        Assert.Empty(max.Parameters());
        Assert.Empty(avg.StateDict());
        Assert.Empty(adaptive.Parameters());
        Assert.Equal(new Size2(2, 3), avg.Stride);
    }

    [Fact]
    public void PoolingModulesDescribeThemselvesAndNameThemselvesInErrors()
    {
        var max = new MaxPool2d(2);
        Assert.Equal("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", max.ToString());
        Assert.Equal("AvgPool2d(kernel_size=(2, 3), stride=1, padding=0)", new AvgPool2d((2, 3), stride: 1, countIncludePad: false).ToString());
        Assert.Equal("AdaptiveAvgPool2d(output_size=1)", new AdaptiveAvgPool2d(1).ToString());
        Assert.Equal("MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)", new MaxPool2d(3, 2, 1, dilation: 2, ceilMode: true).ToString());
        // As torch's extra_repr, AvgPool2d leaves ceil mode, counting and divisor out.
        Assert.Equal("AvgPool2d(kernel_size=2, stride=2, padding=0)", new AvgPool2d(2, ceilMode: true, divisorOverride: 3).ToString());
        var e = Assert.Throws<ArgumentException>(() => max.Forward(Tensor.Zeros(8, 8)));
        Assert.Equal("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False): expected a 3-D [C, H, W] or 4-D [N, C, H, W] input for kernel (2, 2); got input [8, 8]", e.Message);
        var a = Assert.Throws<ArgumentException>(() => new AdaptiveAvgPool2d(2).Forward(Tensor.Zeros(3)));
        Assert.StartsWith("AdaptiveAvgPool2d(output_size=2): expected a 3-D", a.Message);
    }

    [Fact]
    public void PoolingModulesRejectInvalidHyperParameters()
    {
        Assert.Equal("kernelSize", Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(0)).ParamName);
        Assert.Equal("padding", Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(2, padding: 2)).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => new AvgPool2d(2, stride: -1)).ParamName);
        Assert.Equal("outputSize", Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveAvgPool2d((1, 0))).ParamName);
    }

    [Fact]
    public void LeNetStyleStackRunsForwardAndBackward()
    {
        var g = new Generator(5);
        var conv1 = new Conv2d(1, 4, 3, generator: g);
        var conv2 = new Conv2d(4, 6, 3, generator: g);
        var pool = new MaxPool2d(2);
        var x = Tensor.Randn([3, 1, 12, 12], g);
        var h = pool.Forward(conv1.Forward(x).Maximum(Tensor.Scalar(0f)));
        var y = new AdaptiveAvgPool2d(1).Forward(pool.Forward(conv2.Forward(h)));
        Assert.Equal(new[] { 3, 6, 1, 1 }, y.Shape);
        y.Sum().Backward();
        Assert.NotNull(conv1.Weight.Grad);
        Assert.NotNull(conv2.Bias!.Grad);
    }
}

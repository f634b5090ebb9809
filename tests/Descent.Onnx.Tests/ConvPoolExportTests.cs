using Descent.IO.Onnx;
using Descent.Nn;

namespace Descent.Onnx.Tests;

public class ConvPoolExportTests
{
    [Fact]
    public void Conv2dWithBiasMatches() =>
        OnnxCheck.Matches(new Conv2d(3, 5, 3, generator: new Generator(1)), [2, 3, 9, 8], [2, 3, 9, 8]);

    [Fact]
    public void Conv2dWithStridePaddingDilationGroupsAndNoBiasMatches() =>
        OnnxCheck.Matches(
            new Conv2d(4, 6, (3, 2), stride: (2, 1), padding: (1, 2), dilation: (1, 2), groups: 2, bias: false, generator: new Generator(2)),
            [-1, 4, 11, 7], [3, 4, 11, 7]);

    [Fact]
    public void SymbolicBatchRunsAtAnyBatchSize()
    {
        var conv = new Conv2d(1, 2, 3, padding: 1, generator: new Generator(3));
        var bytes = OnnxCheck.Matches(conv, [-1, 1, 5, 5], [1, 1, 5, 5]);
        foreach (int n in new[] { 2, 7 })
        {
            var x = Tensor.Randn([n, 1, 5, 5], new Generator((ulong)n));
            var (shape, values) = OnnxCheck.Run(bytes, x);
            Tensor expected;
            using (Autograd.NoGrad()) expected = conv.Forward(x);
            Assert.Equal(expected.Shape, shape);
            OnnxCheck.AssertClose(expected.ToArray(), values);
        }
    }

    [Theory]
    [InlineData(2, 2, 0)]
    [InlineData(3, 2, 1)]
    [InlineData(3, 1, 1)]
    public void MaxPool2dMatches(int kernel, int stride, int padding) =>
        OnnxCheck.Matches(new MaxPool2d(kernel, stride, padding), [2, 3, 9, 10], [2, 3, 9, 10], seed: kernel * 10 + padding);

    [Fact]
    public void MaxPool2dWithRectangularWindowMatches() =>
        OnnxCheck.Matches(new MaxPool2d((2, 3), (1, 2), (1, 0)), [-1, 2, 6, 7], [3, 2, 6, 7]);

    [Theory]
    [InlineData(2, 2, 0, true)]
    [InlineData(3, 2, 1, true)]
    [InlineData(3, 2, 1, false)]
    [InlineData(3, 1, 1, false)]
    public void AvgPool2dMatches(int kernel, int stride, int padding, bool countIncludePad) =>
        OnnxCheck.Matches(new AvgPool2d(kernel, stride, padding, countIncludePad), [2, 3, 9, 10], [2, 3, 9, 10], seed: kernel + padding);

    [Theory]
    [InlineData(3, 2, 1, 2, true)]
    [InlineData(2, 2, 0, 1, true)]
    [InlineData(3, 1, 1, 2, false)]
    public void MaxPool2dWithDilationAndCeilModeMatches(int kernel, int stride, int padding, int dilation, bool ceil) =>
        OnnxCheck.Matches(new MaxPool2d(kernel, stride, padding, dilation, ceil), [2, 3, 9, 10], [2, 3, 9, 10], seed: kernel * 7 + dilation);

    [Theory]
    [InlineData(2, 2, 0, true)]
    [InlineData(3, 2, 1, false)]
    public void AvgPool2dInCeilModeMatches(int kernel, int stride, int padding, bool countIncludePad) =>
        OnnxCheck.Matches(new AvgPool2d(kernel, stride, padding, countIncludePad, ceilMode: true), [2, 3, 9, 10], [2, 3, 9, 10], seed: kernel + 3);

    [Fact]
    public void AvgPool2dWithADivisorOverrideSaysONNXHasNone()
    {
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(new AvgPool2d(2, divisorOverride: 3), [1, 2, 6, 6]));
        Assert.Contains("AvgPool2d", e.Message);
        Assert.Contains("divisorOverride", e.Message);
    }

    [Fact]
    public void Conv2dWithSamePaddingMatches() =>
        OnnxCheck.Matches(new Conv2d(3, 4, (4, 3), padding: "same", dilation: (1, 2), generator: new Generator(5)), [2, 3, 9, 8], [2, 3, 9, 8]);

    [Fact]
    public void Conv2dWithAPaddingModeOtherThanZerosSaysSo()
    {
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(new Conv2d(3, 4, 3, padding: 1, paddingMode: PaddingMode.Reflect), [1, 3, 8, 8]));
        Assert.Contains("padding mode Reflect", e.Message);
    }

    [Fact]
    public void AdaptiveAvgPool2dToOneIsGlobalAveragePooling()
    {
        var bytes = OnnxCheck.Matches(new AdaptiveAvgPool2d(1), [-1, 4, 7, 5], [3, 4, 7, 5]);
        Assert.Contains("GlobalAveragePool", System.Text.Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void AdaptiveAvgPool2dWithDivisibleInputMatches() =>
        OnnxCheck.Matches(new AdaptiveAvgPool2d((2, 3)), [2, 3, 8, 9], [2, 3, 8, 9]);

    [Fact]
    public void AdaptiveAvgPool2dWithIndivisibleInputThrowsNamingTheSizes()
    {
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(new AdaptiveAvgPool2d(3), [1, 2, 7, 7]));
        Assert.Contains("AdaptiveAvgPool2d", e.Message);
        Assert.Contains("7x7", e.Message);
        Assert.Contains("3x3", e.Message);
    }

    [Fact]
    public void UnbatchedImageInputThrowsNamingTheRankRule()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(new Conv2d(3, 4, 3), [3, 8, 8]));
        Assert.Contains("Conv2d", e.Message);
        Assert.Contains("4-D", e.Message);
        Assert.Contains("[3, 8, 8]", e.Message);
    }

    [Fact]
    public void WrongChannelCountThrowsNamingTheModuleAndShape()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(new Conv2d(3, 4, 3), [1, 2, 8, 8]));
        Assert.Contains("'(root)' (Conv2d)", e.Message);
        Assert.Contains("[1, 2, 8, 8]", e.Message);
    }
}

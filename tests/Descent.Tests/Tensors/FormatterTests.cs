namespace Descent.Tests.Tensors;

/// <summary>Expected strings are what PyTorch 2.x prints for the same tensors with default print options.</summary>
public class FormatterTests
{
    private static Tensor V(params float[] values) => Tensor.FromArray(values);

    [Fact]
    public void IntegersPrintWithATrailingPoint()
    {
        Assert.Equal("tensor([1., 2., 3.])", V(1, 2, 3).ToString());
        Assert.Equal("tensor([   1., 1000.])", V(1, 1000).ToString());
        Assert.Equal("tensor([0., 0.])", V(0, 0).ToString());
        Assert.Equal("tensor([-0.])", V(-0f).ToString());
    }

    [Fact]
    public void FractionsPrintWithFourDecimalsRoundedHalfToEven()
    {
        Assert.Equal("tensor([1.5000, 2.2500])", V(1.5f, 2.25f).ToString());
        Assert.Equal("tensor([-1.0000,  2.5000])", V(-1f, 2.5f).ToString());
        Assert.Equal("tensor([0.0312, 0.0938])", V(0.03125f, 0.09375f).ToString());
        // 1.00005f is 1.0000499486..., so it rounds down (float formatting in .NET would give 1.0001).
        Assert.Equal("tensor([1.0000, 0.5000])", V(1.00005f, 0.5f).ToString());
    }

    [Fact]
    public void WideRangesPrintInScientificNotation()
    {
        Assert.Equal("tensor([1.0000e-05, 1.0000e+00])", V(1e-5f, 1f).ToString());
        Assert.Equal("tensor([-1.0000e-05,  1.0000e+00])", V(-1e-5f, 1f).ToString());
        Assert.Equal("tensor([1.0000e+00, 1.0000e+04])", V(1f, 10000f).ToString());
        Assert.Equal("tensor([1.0000e+10])", V(1e10f).ToString());
        Assert.Equal("tensor([1.2346e+08, 5.0000e-01])", V(123456789f, 0.5f).ToString());
    }

    [Fact]
    public void NonFiniteValuesTakeNoPartInTheWidth()
    {
        Assert.Equal("tensor([inf, 1.])", V(float.PositiveInfinity, 1f).ToString());
        Assert.Equal("tensor([   nan, 1.5000])", V(float.NaN, 1.5f).ToString());
        Assert.Equal("tensor([  -inf, 0.5000, 0.0000])", V(float.NegativeInfinity, 0.5f, 0f).ToString());
        Assert.Equal("tensor([nan])", V(float.NaN).ToString());
    }

    [Fact]
    public void Scalars()
    {
        Assert.Equal("tensor(3.5000)", Tensor.Scalar(3.5f).ToString());
        Assert.Equal("tensor(2.)", Tensor.Scalar(2f).ToString());
        Assert.Equal("tensor(1.0000e-05)", Tensor.Scalar(1e-5f).ToString());
        Assert.Equal("tensor(nan)", Tensor.Scalar(float.NaN).ToString());
    }

    [Fact]
    public void EmptyTensorsShowTheirSize()
    {
        Assert.Equal("tensor([])", Tensor.Zeros(0).ToString());
        Assert.Equal("tensor([], size=(0, 3))", Tensor.Zeros(0, 3).ToString());
    }

    [Fact]
    public void GradSuffixes()
    {
        var x = V(1, 2).RequireGrad();
        Assert.Equal("tensor([1., 2.], requires_grad=True)", x.ToString());
        Assert.Equal("tensor([2., 4.], grad_fn=<MulBackward0>)", (x * 2f).ToString());
        Assert.Equal("tensor(3.5000, requires_grad=True)", Tensor.Scalar(3.5f).RequireGrad().ToString());
        Assert.Equal("tensor([2., 4.])", x.Detach().Mul(2f).ToString());
    }

    [Fact]
    public void SuffixWrapsWhenTheLineIsFull()
    {
        var x = Tensor.Arange(14).RequireGrad();
        Assert.Equal("tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.],\n       requires_grad=True)", x.ToString());
    }

    [Fact]
    public void MatricesAndHigherRanks()
    {
        Assert.Equal("tensor([[1., 2.],\n        [3., 4.]])", Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2).ToString());
        Assert.Equal("tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])", Tensor.Arange(8).Reshape(2, 2, 2).ToString());
        Assert.Equal("tensor([[ 0.5000, -1.2500]])", V(0.5f, -1.25f).Reshape(1, 2).ToString());
    }

    [Fact]
    public void LongRowsWrapAt80Columns()
    {
        Assert.Equal("tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19.])",
            Tensor.Arange(20).ToString());
    }

    [Fact]
    public void LargeVectorsAreSummarizedAndFormattedFromTheShownItems()
    {
        Assert.Equal("tensor([1., 1., 1.,  ..., 1., 1., 1.])", Tensor.Ones(2000).ToString());
        // Only 0, 1, 2, 1997, 1998, 1999 are shown; their range exceeds 1000, so PyTorch switches to scientific.
        Assert.Equal("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])",
            Tensor.Arange(2000).ToString());
        // Exactly 1000 elements are printed in full.
        Assert.DoesNotContain("...", Tensor.Zeros(1000).ToString());
    }

    [Fact]
    public void LargeMatricesAreSummarizedInEveryDimension()
    {
        const string row = "[0., 0., 0.,  ..., 0., 0., 0.]";
        string rows = string.Join(",\n        ", Enumerable.Repeat(row, 3).Append("...").Concat(Enumerable.Repeat(row, 3)));
        Assert.Equal("tensor([" + rows + "])", Tensor.Zeros(100, 100).ToString());

        string block = "[" + row + ",\n         " + row + "]";
        string blocks = string.Join(",\n\n        ", Enumerable.Repeat(block, 3).Append("...").Concat(Enumerable.Repeat(block, 3)));
        Assert.Equal("tensor([" + blocks + "])", Tensor.Zeros(7, 2, 80).ToString());
    }

    [Theory]
    [InlineData(0.03125, 4, "0.0312")]
    [InlineData(0.09375, 4, "0.0938")]
    [InlineData(123.456789, 4, "123.4568")]
    [InlineData(-0.0, 0, "-0")]
    [InlineData(2.5, 0, "2")]
    [InlineData(3.5, 0, "4")]
    [InlineData(double.NaN, 4, "nan")]
    [InlineData(double.NegativeInfinity, 4, "-inf")]
    public void FixedMatchesPython(double value, int decimals, string expected) =>
        Assert.Equal(expected, PyFloatFormat.Fixed(value, decimals));

    [Theory]
    [InlineData(10312.5, "1.0312e+04")]
    [InlineData(99999.5, "1.0000e+05")]
    [InlineData(1e-300, "1.0000e-300")]
    [InlineData(0.0, "0.0000e+00")]
    [InlineData(-123456789.0, "-1.2346e+08")]
    [InlineData(5e-324, "4.9407e-324")]
    [InlineData(3.4028234663852886e38, "3.4028e+38")]
    [InlineData(1000.0, "1.0000e+03")]
    [InlineData(0.001, "1.0000e-03")]
    public void ScientificMatchesPython(double value, string expected) =>
        Assert.Equal(expected, PyFloatFormat.Scientific(value, 4));
}

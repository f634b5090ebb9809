namespace Descent.Tests.Ops;

public class BadInputTests
{
    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    [InlineData("Maximum")]
    [InlineData("Minimum")]
    [InlineData("Eq")]
    [InlineData("Lt")]
    public void BinaryShapeMismatchNamesOpAndBothShapes(string op)
    {
        var a = Tensor.Zeros(2, 3).RequireGrad();
        var b = Tensor.Zeros(4);
        Func<Tensor> call = op switch
        {
            "Add" => () => a.Add(b),
            "Sub" => () => a - b,
            "Mul" => () => a * b,
            "Div" => () => a / b,
            "Maximum" => () => a.Maximum(b),
            "Minimum" => () => a.Minimum(b),
            "Eq" => () => a.Eq(b),
            _ => () => a.Lt(b),
        };
        var e = Assert.Throws<ArgumentException>(call);
        Assert.Equal($"{op}: shapes cannot be broadcast (dimension 1 is 3 vs 4); got [2, 3] and [4]", e.Message);
    }

    [Fact]
    public void BadDimsNameTheOp()
    {
        var x = Tensor.Zeros(2, 3);
        (string Op, Action Call)[] cases =
        [
            ("Transpose", () => x.Transpose(0, 2)),
            ("Permute", () => x.Permute(0, 5)),
            ("Squeeze", () => x.Squeeze(2)),
            ("Unsqueeze", () => x.Unsqueeze(-4)),
            ("Slice", () => x.Slice(2, 0, 1)),
            ("Narrow", () => x.Narrow(-3, 0, 1)),
            ("Select", () => x.Select(2, 0)),
            ("IndexSelect", () => x.IndexSelect(2, [0])),
            ("Cat", () => Tensor.Cat([x, x], 2)),
            ("Stack", () => Tensor.Stack([x, x], 3)),
            ("Flatten", () => x.Flatten(3)),
            ("LogSoftmax", () => x.LogSoftmax(2)),
            ("Softmax", () => x.Softmax(-3)),
            ("LogSumExp", () => x.LogSumExp(2)),
            ("TopK", () => x.TopK(1, 2)),
            ("Sort", () => x.Sort(-3)),
            ("ArgSort", () => x.ArgSort(2)),
        ];
        foreach (var (op, call) in cases)
        {
            var e = Assert.ThrowsAny<ArgumentException>(call);
            Assert.StartsWith(op + ":", e.Message);
        }
    }

    [Fact]
    public void TopKOutOfRangeNamesKAndTheDimensionsSize()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Equal("TopK: k must be between 0 and the size of dimension 1; got k=4 for size 3 in shape [2, 3]",
            Assert.Throws<ArgumentException>(() => x.TopK(4)).Message);
        Assert.Equal("TopK: k must be between 0 and the size of dimension 0; got k=-1 for size 2 in shape [2, 3]",
            Assert.Throws<ArgumentException>(() => x.TopK(-1, 0)).Message);
        Assert.Contains("k=0 for size 1 in shape []", Assert.Throws<ArgumentException>(() => Tensor.Scalar(1f).TopK(0)).Message);
    }
}

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
        Func<object> call = op switch
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
    public void PiecesExpandAndRepeatNameOpRuleAndShape()
    {
        var x = Tensor.Zeros(2, 3);
        (string Message, Action Call)[] cases =
        [
            ("Chunk: chunks must be positive; got 0 for shape [2, 3]", () => x.Chunk(0)),
            ("Chunk: expects a tensor of at least one dimension; got shape []", () => Tensor.Scalar(1f).Chunk(2)),
            ("Split: the piece size must be positive (0 only for an empty dimension); got 0 for dimension 1 of shape [2, 3]", () => x.Split(0, 1)),
            ("Split: the piece size must be positive (0 only for an empty dimension); got -2 for dimension 0 of shape [2, 3]", () => x.Split(-2)),
            ("Split: sizes must be non-negative and add up to 3, the size of dimension 1 of shape [2, 3]; got [1, 1]", () => x.Split([1, 1], -1)),
            ("Split: sizes must be non-negative and add up to 2, the size of dimension 0 of shape [2, 3]; got [3, -1]", () => x.Split([3, -1])),
            ("Split: expects a tensor of at least one dimension; got shape []", () => Tensor.Scalar(1f).Split(1)),
            ("Expand: -1 keeps an existing size, so it cannot stand for new leading dimension 0; got [-1, 2, 3] for shape [2, 3]", () => x.Expand(-1, 2, 3)),
            ("Expand: sizes must be non-negative or -1; got [2, -3] for shape [2, 3]", () => x.Expand(2, -3)),
            ("Expand: shapes cannot be broadcast (dimension 1 is 3 vs 4); got [2, 3] and [2, 4]", () => x.Expand(-1, 4)),
            ("Repeat: needs one non-negative count per dimension (at least 2) for shape [2, 3]; got [2]", () => x.Repeat(2)),
            ("Repeat: needs one non-negative count per dimension (at least 2) for shape [2, 3]; got [1, -1]", () => x.Repeat(1, -1)),
        ];
        foreach (var (message, call) in cases)
            Assert.Equal(message, Assert.Throws<ArgumentException>(call).Message);
        Assert.StartsWith("Chunk:", Assert.ThrowsAny<ArgumentException>(() => x.Chunk(2, 2)).Message);
        Assert.StartsWith("Split:", Assert.ThrowsAny<ArgumentException>(() => x.Split([2], -3)).Message);
    }

    [Fact]
    public void SequenceOpsNameTheOpTheRuleAndTheShape()
    {
        Assert.Equal("Tril: input must have at least 2 dimensions; got [5]", Assert.Throws<ArgumentException>(() => Tensor.Zeros(5).Tril()).Message);
        Assert.Equal("Triu: input must have at least 2 dimensions; got []", Assert.Throws<ArgumentException>(() => Tensor.Scalar(1f).Triu()).Message);
        var x = Tensor.Zeros(2, 3);
        Assert.StartsWith("Cumsum: dimension 2 is out of range for a tensor of rank 2", Assert.Throws<ArgumentOutOfRangeException>(() => x.Cumsum(2)).Message);
        Assert.StartsWith("Var: dimension -3 is out of range for a tensor of rank 2", Assert.Throws<ArgumentOutOfRangeException>(() => x.Var(-3)).Message);
        Assert.StartsWith("Std: dimension 2 is out of range for a tensor of rank 2", Assert.Throws<ArgumentOutOfRangeException>(() => x.Std([0, 2])).Message);
        Assert.Equal("Var: dimension repeated in [1, -1]", Assert.Throws<ArgumentException>(() => x.Var([1, -1])).Message);
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

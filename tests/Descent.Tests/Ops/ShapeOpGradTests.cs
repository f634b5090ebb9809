namespace Descent.Tests.Ops;

public class ShapeOpGradTests
{
    [Fact]
    public void ReshapeViewFlatten()
    {
        GradCheck.Assert(t => t[0].Reshape(7, -1).Square(), Inputs.Normal(1, 31, 7));
        GradCheck.Assert(t => t[0].Reshape(3, 4).Exp(), Inputs.Normal(2, 2, 6));
        GradCheck.Assert(t => t[0].View(-1).Square(), Inputs.Normal(3, 2, 3, 1));
        GradCheck.Assert(t => t[0].Flatten(1).Square(), Inputs.Normal(4, 2, 3, 5));
        GradCheck.Assert(t => t[0].Reshape(1).Exp(), Inputs.Normal(5));
    }

    [Fact]
    public void Expand()
    {
        GradCheck.Assert(t => t[0].Expand(2, 3, 4).Square(), Inputs.Normal(6, 3, 1));
        GradCheck.Assert(t => t[0].Expand(5, 7).Square(), Inputs.Normal(7, 1));
        GradCheck.Assert(t => t[0].Expand(2, 7).Exp(), Inputs.Normal(8));
    }

    [Fact]
    public void FlattenOverARangeWithNegativeAndSizeOneDims()
    {
        GradCheck.Assert(t => t[0].Flatten(-3, -2).Square(), Inputs.Normal(50, 2, 3, 1, 4));
        GradCheck.Assert(t => t[0].Flatten(1, 1).Exp(), Inputs.Normal(51, 2, 1, 3));
        GradCheck.Assert(t => t[0].Flatten(0, -2).Square(), Inputs.Normal(52, 1, 1, 5));
        GradCheck.Assert(t => t[0].Flatten().Exp(), Tensor.Scalar(0.3f).RequireGrad());
    }

    [Fact]
    public void ExpandKeepsSizesMarkedMinusOne()
    {
        GradCheck.Assert(t => t[0].Expand(2, -1, 4).Square(), Inputs.Normal(53, 3, 1));
        GradCheck.Assert(t => t[0].Expand(-1, 5).Exp(), Inputs.Normal(54, 4, 1));
        GradCheck.Assert(t => t[0].Expand(-1, -1).Square(), Inputs.Normal(55, 1, 3));
    }

    // Joins every piece, each scaled differently, so a gradient sent to the wrong piece shows.
    private static Tensor Joined(Tensor[] pieces) =>
        Tensor.Cat(pieces.Select((p, k) => p.Flatten() * (k + 1f)).ToArray()).Square();

    [Fact]
    public void ChunkAndSplitSendEachPieceItsGradient()
    {
        GradCheck.Assert(t => Joined(t[0].Chunk(3, 1)), Inputs.Normal(56, 2, 7, 3));
        GradCheck.Assert(t => Joined(t[0].Chunk(4, -1)), Inputs.Normal(57, 3, 6));
        GradCheck.Assert(t => Joined(t[0].Chunk(2, 0)), Inputs.Normal(58, 1, 3));
        GradCheck.Assert(t => Joined(t[0].Split(2, -2)), Inputs.Normal(59, 5, 1));
        GradCheck.Assert(t => Joined(t[0].Split(10, 1)), Inputs.Normal(60, 2, 3));
        GradCheck.Assert(t => Joined(t[0].Split([1, 0, 3], -2)), Inputs.Normal(61, 4, 2));
        GradCheck.Assert(t => t[0].Chunk(3, 1)[1].Exp(), Inputs.Normal(62, 2, 5));
    }

    [Fact]
    public void RepeatSumsTheTiles()
    {
        GradCheck.Assert(t => t[0].Repeat(2, 3).Square(), Inputs.Normal(63, 2, 1));
        GradCheck.Assert(t => t[0].Repeat(2, 1, 3).Exp(), Inputs.Normal(64, 3));
        GradCheck.Assert(t => t[0].Repeat(1, 1).Square(), Inputs.Normal(65, 2, 2));
        GradCheck.Assert(t => t[0].Repeat(3, 2).Square(), Inputs.Normal(66, 1));
        GradCheck.Assert(t => t[0].Repeat().Exp(), Tensor.Scalar(0.4f).RequireGrad());
        GradCheck.Assert(t => t[0].Repeat(2).Exp(), Tensor.Scalar(0.4f).RequireGrad());
        var x = Tensor.Ones(2).RequireGrad();
        x.Repeat(2, 0).Sum().Backward();
        Assert.Equal(new float[] { 0, 0 }, x.Grad!.ToArray());
    }

    [Fact]
    public void PermuteTransposeT()
    {
        GradCheck.Assert(t => t[0].Permute(2, 0, 1).Square(), Inputs.Normal(9, 2, 3, 4));
        GradCheck.Assert(t => t[0].Permute(-1, 1, 0).Exp(), Inputs.Normal(10, 7, 1, 5));
        GradCheck.Assert(t => t[0].Transpose(0, 2).Square(), Inputs.Normal(11, 2, 3, 4));
        GradCheck.Assert(t => t[0].T.MatMul(t[0]), Inputs.Normal(12, 7, 3));
    }

    [Fact]
    public void SqueezeUnsqueeze()
    {
        GradCheck.Assert(t => t[0].Squeeze().Square(), Inputs.Normal(13, 1, 3, 1, 2));
        GradCheck.Assert(t => t[0].Squeeze(2).Square(), Inputs.Normal(14, 1, 3, 1, 2));
        GradCheck.Assert(t => t[0].Unsqueeze(1).Square(), Inputs.Normal(15, 3, 2));
        GradCheck.Assert(t => t[0].Unsqueeze(-1).Square(), Inputs.Normal(16));
    }

    [Fact]
    public void SliceNarrowSelect()
    {
        GradCheck.Assert(t => t[0].Slice(1, 1, 6, 2).Square(), Inputs.Normal(17, 3, 7));
        GradCheck.Assert(t => t[0].Slice(0, -5, 31, 3).Exp(), Inputs.Normal(18, 31));
        GradCheck.Assert(t => t[0].Slice(2, 0, 1).Exp(), Inputs.Normal(19, 2, 3, 4));
        GradCheck.Assert(t => t[0].Narrow(1, 1, 2).Square(), Inputs.Normal(20, 3, 4, 2));
        GradCheck.Assert(t => t[0].Select(1, -1).Square(), Inputs.Normal(21, 3, 4, 2));
        GradCheck.Assert(t => t[0].Select(0, 0).Square(), Inputs.Normal(22, 1));
    }

    [Fact]
    public void IndexSelectAccumulatesRepeatedIndices()
    {
        GradCheck.Assert(t => t[0].IndexSelect(0, [2, 0, 2, 2]).Square(), Inputs.Normal(23, 3, 5));
        GradCheck.Assert(t => t[0].IndexSelect(-1, [1, 1, 0]).Exp(), Inputs.Normal(24, 2, 7, 3));
        var x = Tensor.Ones(3).RequireGrad();
        x.IndexSelect(0, [2, 0, 2, 2]).Sum().Backward();
        Assert.Equal(new float[] { 1, 0, 3 }, x.Grad!.ToArray());
    }

    [Fact]
    public void CatAndStack()
    {
        GradCheck.Assert(t => Tensor.Cat([t[0], t[1], t[0]], 1).Square(), Inputs.Normal(25, 2, 3), Inputs.Normal(26, 2, 1));
        GradCheck.Assert(t => Tensor.Cat([t[0], t[1]], 0).Exp(), Inputs.Normal(27, 7), Inputs.Normal(28, 1));
        GradCheck.Assert(t => Tensor.Stack([t[0], t[1]], 1).Square(), Inputs.Normal(29, 3, 2), Inputs.Normal(30, 3, 2));
        GradCheck.Assert(t => Tensor.Stack([t[0], t[1], t[0]]).Exp(), Inputs.Normal(31), Inputs.Normal(32));
        var constant = Tensor.Ones(2, 2);
        GradCheck.Assert(t => Tensor.Cat([constant, t[0]], -1).Square(), Inputs.Normal(33, 2, 3));
    }

    [Fact]
    public void CatKeepsItsInputsWhenTheCallerReusesTheArray()
    {
        var a = Tensor.Ones(2).RequireGrad();
        var b = Tensor.Ones(2).RequireGrad();
        var other = Tensor.Ones(2).RequireGrad();
        var parts = new[] { a, b };
        var y = Tensor.Cat(parts);
        parts[1] = other;
        (y * Tensor.FromArray([1f, 2f, 3f, 4f])).Sum().Backward();
        Assert.Equal(new float[] { 3, 4 }, b.Grad!.ToArray());
        Assert.Null(other.Grad);
    }

    [Fact]
    public void ReshapeGradientFlowsThroughSharedStorage()
    {
        var x = Tensor.Arange(6).RequireGrad();
        var y = x.Reshape(2, 3);
        (y * y).Sum().Backward();
        Assert.Equal(new float[] { 0, 2, 4, 6, 8, 10 }, x.Grad!.ToArray());
    }
}

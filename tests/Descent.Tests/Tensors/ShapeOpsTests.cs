namespace Descent.Tests.Tensors;

public class ShapeOpsTests
{
    private static Tensor Range(params int[] shape) => Tensor.Arange(Shape.Numel(shape)).Reshape(shape);

    [Fact]
    public void ReshapeAndViewShareStorage()
    {
        var x = Range(2, 6);
        var r = x.Reshape(3, 4);
        var v = x.View(4, 3);
        r.At(0, 1) = 100f;
        Assert.Equal(100f, x.At(0, 1));
        Assert.Equal(100f, v.At(0, 1));
        x.At(1, 5) = -1f;
        Assert.Equal(-1f, r.At(2, 3));
        Assert.Equal(-1f, v.At(3, 2));
    }

    [Fact]
    public void ReshapeInfersMinusOne()
    {
        Assert.Equal([3, 8], Range(2, 3, 4).Reshape(3, -1).Shape);
        Assert.Equal([2, 2, 6], Range(24).Reshape(2, -1, 6).Shape);
        Assert.Equal([0, 5], Tensor.Zeros(0).Reshape(0, 5).Shape);
    }

    [Fact]
    public void ReshapeRejectsBadShapesNamingBoth()
    {
        var x = Range(2, 3);
        var e = Assert.Throws<ArgumentException>(() => x.Reshape(4, -1));
        Assert.Contains("Reshape", e.Message);
        Assert.Contains("[4, -1]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[5]", Assert.Throws<ArgumentException>(() => x.Reshape(5)).Message);
        Assert.Contains("only one", Assert.Throws<ArgumentException>(() => x.Reshape(-1, -1)).Message);
        Assert.Contains("View", Assert.Throws<ArgumentException>(() => x.View(7)).Message);
    }

    [Fact]
    public void FlattenMergesARangeOfDims()
    {
        var x = Range(2, 3, 4, 5);
        Assert.Equal([120], x.Flatten().Shape);
        Assert.Equal([2, 60], x.Flatten(1).Shape);
        Assert.Equal([2, 12, 5], x.Flatten(1, 2).Shape);
        Assert.Equal([1], Tensor.Scalar(3f).Flatten().Shape);
        Assert.Equal(x.ToArray(), x.Flatten(1, -2).ToArray());
    }

    [Fact]
    public void ChunkFollowsPyTorchsCeilingRule()
    {
        static int[][] Sizes(Tensor[] pieces) => pieces.Select(p => p.Shape).ToArray();
        Assert.Equal([[2], [2], [2]], Sizes(Range(6).Chunk(4)));
        Assert.Equal([[3], [3], [1]], Sizes(Range(7).Chunk(3)));
        Assert.Equal([[2], [2], [1]], Sizes(Range(5).Chunk(4)));
        Assert.Equal([[2, 1], [2, 1]], Sizes(Range(2, 2).Chunk(5, -1)));
        Assert.Equal([[0], [0], [0]], Sizes(Tensor.Zeros(0).Chunk(3)));
        var pieces = Range(2, 5).Chunk(2, 1);
        Assert.Equal(new float[] { 0, 1, 2, 5, 6, 7 }, pieces[0].ToArray());
        Assert.Equal(new float[] { 3, 4, 8, 9 }, pieces[1].ToArray());
    }

    [Fact]
    public void SplitBySizeAndBySizes()
    {
        static int[][] Sizes(Tensor[] pieces) => pieces.Select(p => p.Shape).ToArray();
        var x = Range(3, 5);
        Assert.Equal([[3, 2], [3, 2], [3, 1]], Sizes(x.Split(2, dim: 1)));
        Assert.Equal([[3, 5]], Sizes(x.Split(7, dim: -1)));
        Assert.Equal([[1, 5], [0, 5], [2, 5]], Sizes(x.Split([1, 0, 2])));
        Assert.Equal(new float[] { 10, 11, 12, 13, 14 }, x.Split(2)[1].ToArray());
        Assert.Equal([[0]], Sizes(Tensor.Zeros(0).Split(0)));
        Assert.Equal([[0]], Sizes(Tensor.Zeros(0).Split(3)));
        Assert.Empty(Tensor.Zeros(0, 2).Split([]));
    }

    [Fact]
    public void ExpandMinusOneKeepsTheSize()
    {
        var x = Range(3, 1);
        Assert.Equal([4, 3, 5], x.Expand(4, -1, 5).Shape);
        Assert.Equal([3, 1], x.Expand(-1, -1).Shape);
        Assert.Equal(new float[] { 0, 0, 1, 1, 2, 2 }, x.Expand(-1, 2).ToArray());
    }

    [Fact]
    public void RepeatTilesAndPrependsDims()
    {
        var x = Range(2, 2);
        Assert.Equal(new float[] { 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3, 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3 }, x.Repeat(2, 3).ToArray());
        Assert.Equal([2, 4, 15], Range(4, 5).Repeat(2, 1, 3).Shape);
        Assert.Equal([4, 0], x.Repeat(2, 0).Shape);
        Assert.Empty(Tensor.Scalar(1f).Repeat().Shape);
        Assert.Equal([3], Tensor.Scalar(1f).Repeat(3).Shape);
        // Like PyTorch, Repeat always copies, even when every count is 1.
        var same = x.Repeat(1, 1);
        same.At(0, 0) = 9f;
        Assert.Equal(0f, x.At(0, 0));
    }

    [Fact]
    public void TransposeAndPermuteMoveValues()
    {
        var x = Range(2, 3);
        var t = x.Transpose(0, 1);
        Assert.Equal([3, 2], t.Shape);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, t.ToArray());
        Assert.Equal(t.ToArray(), x.T.ToArray());
        var y = Range(2, 3, 4);
        var p = y.Permute(2, 0, 1);
        Assert.Equal([4, 2, 3], p.Shape);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    Assert.Equal(y.At(i, j, k), p.At(k, i, j));
        Assert.Equal(y.Transpose(-1, 0).ToArray(), y.Permute(2, 1, 0).ToArray());
    }

    [Fact]
    public void TOfAVectorIsTheVectorAndOfRank3Throws()
    {
        var v = Range(3);
        Assert.Same(v, v.T);
        Assert.Contains("T", Assert.Throws<InvalidOperationException>(() => Range(2, 2, 2).T).Message);
    }

    [Fact]
    public void PermuteRejectsNonPermutations()
    {
        var x = Range(2, 3);
        Assert.Contains("Permute", Assert.Throws<ArgumentException>(() => x.Permute(0, 0)).Message);
        Assert.Contains("Permute", Assert.Throws<ArgumentException>(() => x.Permute(0)).Message);
        Assert.Contains("Permute", Assert.Throws<ArgumentOutOfRangeException>(() => x.Permute(0, 2)).Message);
    }

    [Fact]
    public void SqueezeAndUnsqueeze()
    {
        var x = Range(1, 3, 1, 2);
        Assert.Equal([3, 2], x.Squeeze().Shape);
        Assert.Equal([3, 1, 2], x.Squeeze(0).Shape);
        Assert.Equal([1, 3, 2], x.Squeeze(-2).Shape);
        Assert.Equal([1, 3, 1, 2], x.Squeeze(1).Shape); // not size 1: unchanged, as PyTorch
        Assert.Equal([3, 1], Range(3).Unsqueeze(-1).Shape);
        Assert.Equal([1, 3], Range(3).Unsqueeze(0).Shape);
        Assert.Equal([2, 1, 3], Range(2, 3).Unsqueeze(1).Shape);
        Assert.Equal([1], Tensor.Scalar(1f).Unsqueeze(0).Shape);
        Assert.Empty(Tensor.Ones(1, 1).Squeeze().Shape);
        Assert.Contains("Unsqueeze", Assert.Throws<ArgumentOutOfRangeException>(() => Range(3).Unsqueeze(2)).Message);
        Assert.Contains("Squeeze", Assert.Throws<ArgumentOutOfRangeException>(() => Range(3).Squeeze(1)).Message);
    }

    [Fact]
    public void CatJoinsAlongADim()
    {
        var a = Range(2, 2);
        var b = Range(2, 3).Add(10f);
        var c = Tensor.Cat([a, b], 1);
        Assert.Equal([2, 5], c.Shape);
        Assert.Equal(new float[] { 0, 1, 10, 11, 12, 2, 3, 13, 14, 15 }, c.ToArray());
        var d = Tensor.Cat([Range(1, 2), Range(2, 2)], -2);
        Assert.Equal(new float[] { 0, 1, 0, 1, 2, 3 }, d.ToArray());
    }

    [Fact]
    public void CatRejectsMismatchedShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Cat([Range(2, 2), Range(3, 3)], 0));
        Assert.Contains("Cat", e.Message);
        Assert.Contains("[2, 2]", e.Message);
        Assert.Contains("[3, 3]", e.Message);
        Assert.Throws<ArgumentException>(() => Tensor.Cat([]));
        Assert.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Scalar(1f)]));
    }

    [Fact]
    public void StackMakesANewDim()
    {
        var a = Range(2, 3);
        var b = Range(2, 3).Neg();
        var s0 = Tensor.Stack([a, b]);
        Assert.Equal([2, 2, 3], s0.Shape);
        Assert.Equal(a.ToArray().Concat(b.ToArray()), s0.ToArray());
        var s2 = Tensor.Stack([a, b], -1);
        Assert.Equal([2, 3, 2], s2.Shape);
        Assert.Equal(-4f, s2.At(1, 1, 1));
        Assert.Equal(4f, s2.At(1, 1, 0));
        var e = Assert.Throws<ArgumentException>(() => Tensor.Stack([a, Range(3, 2)]));
        Assert.Contains("Stack", e.Message);
        Assert.Contains("[3, 2]", e.Message);
    }

    [Fact]
    public void SliceWithStepAndNegativeBounds()
    {
        var x = Range(3, 7);
        var s = x.Slice(1, 1, 6, 2);
        Assert.Equal([3, 3], s.Shape);
        Assert.Equal(new float[] { 1, 3, 5, 8, 10, 12, 15, 17, 19 }, s.ToArray());
        Assert.Equal(new float[] { 5, 6, 12, 13, 19, 20 }, x.Slice(-1, -2, 100).ToArray());
        Assert.Equal([0, 7], x.Slice(0, 2, 1).Shape);
        Assert.Contains("step", Assert.Throws<ArgumentOutOfRangeException>(() => x.Slice(0, 0, 2, 0)).Message);
    }

    [Fact]
    public void NarrowSelectIndexSelect()
    {
        var x = Range(3, 4);
        Assert.Equal(new float[] { 4, 5, 6, 7, 8, 9, 10, 11 }, x.Narrow(0, 1, 2).ToArray());
        Assert.Equal(new float[] { 2, 6, 10 }, x.Select(1, 2).ToArray());
        Assert.Equal([3], x.Select(1, -1).Shape);
        Assert.Equal(new float[] { 8, 9, 10, 11 }, x.Select(0, -1).ToArray());
        var ix = x.IndexSelect(1, [3, 0, 3]);
        Assert.Equal([3, 3], ix.Shape);
        Assert.Equal(new float[] { 3, 0, 3, 7, 4, 7, 11, 8, 11 }, ix.ToArray());
        Assert.Contains("Narrow", Assert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(1, 3, 2)).Message);
        Assert.Contains("Select", Assert.Throws<ArgumentOutOfRangeException>(() => x.Select(0, 3)).Message);
        Assert.Contains("IndexSelect", Assert.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(0, [3])).Message);
        Assert.Contains("Select", Assert.Throws<ArgumentException>(() => Tensor.Scalar(1f).Select(0, 0)).Message);
        Assert.Contains("IndexSelect", Assert.Throws<ArgumentException>(() => Tensor.Scalar(1f).IndexSelect(0, [0])).Message);
    }

    [Fact]
    public void ExpandBroadcastsAndRejectsIncompatibleShapes()
    {
        var x = Tensor.FromArray([1f, 2f, 3f], 3, 1);
        var e = x.Expand(2, 3, 4);
        Assert.Equal([2, 3, 4], e.Shape);
        Assert.Equal(2f, e.At(1, 1, 3));
        var err = Assert.Throws<ArgumentException>(() => x.Expand(4, 4));
        Assert.Contains("Expand", err.Message);
        Assert.Contains("[3, 1]", err.Message);
        Assert.Contains("Expand", Assert.Throws<ArgumentException>(() => x.Expand(3)).Message);
    }

    [Fact]
    public void ShapeHelpers()
    {
        Assert.Equal("[2, 3]", Shape.Format([2, 3]));
        Assert.Equal("[]", Shape.Format([]));
        var bad = Assert.Throws<ArgumentException>(() => Shape.Broadcast("Op", [3, 1, 4], [5, 1, 1]));
        Assert.Equal("Op: shapes cannot be broadcast (dimension 0 is 3 vs 5); got [3, 1, 4] and [5, 1, 1]", bad.Message);
        Assert.Equal([3, 5, 4], Shape.Broadcast("Op", [3, 1, 4], [5, 4]));
        Assert.Equal([2, 3], Shape.Broadcast("Op", [], [2, 3]));
        Assert.Equal([12, 4, 1], Shape.Strides([2, 3, 4]));
        Assert.Equal(1, Shape.Numel([]));
        Assert.Equal(0, Shape.Numel([3, 0]));
        Assert.Equal(2, Shape.NormalizeDim("Op", -1, 3));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Shape.NormalizeDim("Foo", 3, 3));
        Assert.Contains("Foo", e.Message);
        Assert.Contains("-3..2", e.Message);
    }
}

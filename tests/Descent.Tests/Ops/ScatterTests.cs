namespace Descent.Tests.Ops;

public class ScatterTests
{
    private static IntTensor I(long[] values, params int[] shape) => IntTensor.FromArray(values, shape);

    [Fact]
    public void ScatterWritesAlongDimOneLikeTorchScatter()
    {
        // out[i][index[i][j]] = src[i][j]
        var self = Tensor.Zeros(2, 4);
        var src = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var r = self.Scatter(1, I([3, 0, 1, 2], 2, 2), src);
        Assert.Equal(new float[] { 2, 0, 0, 1, 0, 3, 4, 0 }, r.ToArray());
        Assert.Equal(new float[8], self.ToArray());
    }

    [Fact]
    public void ScatterAlongDimZeroReadsOnlyTheIndexedPartOfALargerSrc()
    {
        // torch's documented example: src is [2, 5], the index [1, 4] reads src[0, 0..3].
        var src = Tensor.Arange(1, 11).Reshape(2, 5);
        var r = Tensor.Zeros(3, 5).Scatter(0, I([0, 1, 2, 0], 1, 4), src);
        Assert.Equal(new float[] { 1, 0, 0, 4, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0 }, r.ToArray());
    }

    [Fact]
    public void ScatterWithARepeatedPositionKeepsTheLastWrite()
    {
        var r = Tensor.Zeros(3).Scatter(0, I([1, 1, 1], 3), Tensor.FromArray([5f, 6f, 7f]));
        Assert.Equal(new float[] { 0, 7, 0 }, r.ToArray());
    }

    [Fact]
    public void ScatterAddSumsRepeatedPositions()
    {
        var r = Tensor.Ones(2, 3).ScatterAdd(1, I([0, 0, 2, 1, 1, 1], 2, 3), Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3));
        Assert.Equal(new float[] { 4, 1, 4, 1, 16, 1 }, r.ToArray());
    }

    [Fact]
    public void ScalarsScatterIntoThemselves()
    {
        Assert.Equal(3f, Tensor.Scalar(1f).Scatter(0, IntTensor.Scalar(0), Tensor.Scalar(3f)).Item());
        Assert.Equal(4f, Tensor.Scalar(1f).ScatterAdd(0, IntTensor.Scalar(0), Tensor.Scalar(3f)).Item());
    }

    [Fact]
    public void ScatterGradientIsZeroForSelfWhereWrittenAndReachesSrcWhereRead()
    {
        var self = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2).RequireGrad();
        var src = Tensor.FromArray([5f, 6f, 7f, 8f, 9f, 10f], 2, 3).RequireGrad();
        var weights = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        self.Scatter(1, I([1, 0], 2, 1), src).Mul(weights).Sum().Backward();
        Assert.Equal(new float[] { 1, 0, 0, 4 }, self.Grad!.ToArray());
        Assert.Equal(new float[] { 2, 0, 0, 3, 0, 0 }, src.Grad!.ToArray());
    }

    [Fact]
    public void ScatterAddGradientPassesToSelfAndToEveryAddedSrcElement()
    {
        var self = Tensor.Zeros(3).RequireGrad();
        var src = Tensor.FromArray([1f, 2f, 3f]).RequireGrad();
        self.ScatterAdd(0, I([2, 2, 0], 3), src).Mul(Tensor.FromArray([10f, 20f, 30f])).Sum().Backward();
        Assert.Equal(new float[] { 10, 20, 30 }, self.Grad!.ToArray());
        Assert.Equal(new float[] { 30, 30, 10 }, src.Grad!.ToArray());
    }

    [Fact]
    public void GradChecks()
    {
        var g = new Generator(11);
        // Scatter's gradient is PyTorch's formula, exact only without repeated positions: permutations.
        var perm = I([2, 0, 4, 1, 3, 1, 3, 0, 4, 2, 0, 1, 2, 3, 4], 3, 5);
        GradCheck.Assert(t => t[0].Scatter(1, perm.Narrow(1, 0, 3), t[1]).Square(), Inputs.Normal(1, 3, 5), Inputs.Normal(2, 3, 4));
        GradCheck.Assert(t => t[0].Scatter(0, I([1, 0, 0, 1], 1, 4), t[1]), Inputs.Normal(3, 2, 4), Inputs.Normal(4, 2, 4));
        var repeats = IntTensor.RandInt(0, 5, [3, 7], g);
        GradCheck.Assert(t => t[0].ScatterAdd(1, repeats, t[1]).Exp(), Inputs.Normal(5, 3, 5), Inputs.Normal(6, 3, 7));
        var zeros = IntTensor.Zeros(1, 1, 3);
        GradCheck.Assert(t => t[0].ScatterAdd(0, zeros, t[1]), Inputs.Normal(7, 1, 2, 3), Inputs.Normal(8, 2, 2, 3));
        var last = IntTensor.RandInt(0, 3, [2, 1, 4], g);
        GradCheck.Assert(t => t[0].ScatterAdd(-1, last, t[1]).Square(), Inputs.Normal(9, 2, 2, 3), Inputs.Normal(10, 3, 1, 5));
    }

    [Fact]
    public void BadIndicesAndShapesNameOpIndexDimensionAndSize()
    {
        var self = Tensor.Zeros(2, 3);
        var src = Tensor.Ones(2, 3);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => self.Scatter(1, I([0, 3], 1, 2), src));
        Assert.Contains("Scatter: index 3 at position [0, 1] is out of range for dimension 1 of size 3", range.Message);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => self.ScatterAdd(0, I([-2], 1, 1), src));
        Assert.Contains("ScatterAdd: index -2 at position [0, 0] is out of range for dimension 0 of size 2", negative.Message);
        var rank = Assert.Throws<ArgumentException>(() => self.Scatter(1, I([0], 1, 1), Tensor.Ones(3)));
        Assert.Equal("Scatter: src must have the same rank as the input; got input [2, 3] and src [3]", rank.Message);
        var bigSrc = Assert.Throws<ArgumentException>(() => self.ScatterAdd(1, IntTensor.Zeros(2, 2), Tensor.Ones(2, 1)));
        Assert.Equal("ScatterAdd: index may not be larger than src in any dimension, but dimension 1 is 2 vs 1; got index [2, 2] and src [2, 1]", bigSrc.Message);
        var bigSelf = Assert.Throws<ArgumentException>(() => self.Scatter(1, IntTensor.Zeros(3, 1), Tensor.Ones(3, 1)));
        Assert.Contains("Scatter: index may not be larger than the input outside dimension 1, but dimension 0 is 3 vs 2", bigSelf.Message);
    }

    [Fact]
    public void IndexSelectTakesAnIntTensorOnAnyDim()
    {
        var x = Tensor.Arange(24).Reshape(2, 3, 4);
        var r = x.IndexSelect(1, IntTensor.FromArray([2L, 0, 2]));
        Assert.Equal(x.IndexSelect(1, [2, 0, 2]).ToArray(), r.ToArray());
        Assert.Equal([2, 3, 4], r.Shape);
        var last = x.IndexSelect(-1, IntTensor.Scalar(3));
        Assert.Equal([2, 3, 1], last.Shape);
        Assert.Equal(new float[] { 3, 7, 11, 15, 19, 23 }, last.ToArray());
        GradCheck.Assert(t => t[0].IndexSelect(0, IntTensor.FromArray([1L, 1, 0])).Square(), Inputs.Normal(12, 2, 5));
        GradCheck.Assert(t => t[0].IndexSelect(2, IntTensor.FromArray([2L, 0, 2, 2])), Inputs.Normal(13, 3, 1, 3));
    }

    [Fact]
    public void IndexSelectRefusesBadIndicesNamingIndexDimensionAndSize()
    {
        var x = Tensor.Zeros(2, 3);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(1, IntTensor.FromArray([0L, 3])));
        Assert.Contains("IndexSelect: index 3 at position 1 is out of range for dimension 1 of size 3", range.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(0, IntTensor.FromArray([-1L])));
        var rank = Assert.Throws<ArgumentException>(() => x.IndexSelect(0, IntTensor.Zeros(1, 1)));
        Assert.Equal("IndexSelect: index must be 0-D or 1-D; got input [2, 3] and index [1, 1]", rank.Message);
    }
}

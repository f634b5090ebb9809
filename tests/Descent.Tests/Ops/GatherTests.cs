namespace Descent.Tests.Ops;

public class GatherTests
{
    private static IntTensor I(long[] values, params int[] shape) => IntTensor.FromArray(values, shape);

    [Fact]
    public void PicksAlongDimOneLikeTorchGather()
    {
        // torch.gather's documented example: out[i][j] = x[i][index[i][j]].
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        Assert.Equal([1f, 1f, 4f, 3f], x.Gather(1, I([0, 0, 1, 0], 2, 2)).ToArray());
    }

    [Fact]
    public void PicksAlongDimZeroWithAnIndexSmallerThanTheInput()
    {
        // out[i][j] = x[index[i][j]][j]; the index covers only the first two columns of a 3x3 input.
        var x = Tensor.FromArray([0f, 1f, 2f, 10f, 11f, 12f, 20f, 21f, 22f], 3, 3);
        var result = x.Gather(0, I([2, 0, 1, 1], 2, 2));
        Assert.Equal([2, 2], result.Shape);
        Assert.Equal([20f, 1f, 10f, 11f], result.ToArray());
    }

    [Fact]
    public void PicksInTheMiddleOfARankThreeTensorWithNegativeDim()
    {
        var x = Tensor.Arange(24).Reshape(2, 3, 4);
        var result = x.Gather(-2, I([2, 0, 1, 1, 0, 0, 2, 2], 2, 1, 4));
        Assert.Equal([2, 1, 4], result.Shape);
        // x[i, j, k] = 12 i + 4 j + k.
        Assert.Equal([8f, 1f, 6f, 7f, 12f, 13f, 22f, 23f], result.ToArray());
    }

    [Fact]
    public void ScalarGathersItself()
    {
        var result = Tensor.Scalar(5f).Gather(0, IntTensor.Scalar(0));
        Assert.Equal(0, result.Rank);
        Assert.Equal(5f, result.Item());
    }

    [Fact]
    public void FloatIndicesStillWorkWhenWhole()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        Assert.Equal([1f, 1f, 4f, 3f], x.Gather(1, Tensor.FromArray([0f, 0f, 1f, 0f], 2, 2)).ToArray());
        var frac = Assert.Throws<ArgumentException>(() => x.Gather(1, Tensor.FromArray([0.5f], 1, 1)));
        Assert.Equal("Gather: indices must be whole numbers; element 0 of the float index tensor is 0.5 (pass an IntTensor)", frac.Message);
    }

    [Fact]
    public void RepeatedIndicesAccumulateGradient()
    {
        var x = Tensor.FromArray([1f, 2f, 3f]).RequireGrad();
        x.Gather(0, I([2, 2, 0, 2], 4)).Sum().Backward();
        Assert.Equal([1f, 0f, 3f], x.Grad!.ToArray());
    }

    [Fact]
    public void GradCheckOddSizesAndSizeOneDims()
    {
        var g = new Generator(7);
        var index = IntTensor.RandInt(0, 5, [3, 7], g);
        GradCheck.Assert(t => t[0].Gather(1, index), Tensor.Randn([3, 5], g).RequireGrad());
        var index0 = IntTensor.RandInt(0, 4, [1, 6, 1], g);
        GradCheck.Assert(t => t[0].Gather(1, index0).Exp(), Tensor.Randn([1, 4, 1], g).RequireGrad());
        var index2 = IntTensor.RandInt(0, 5, [4, 3, 1], g);
        GradCheck.Assert(t => t[0].Gather(0, index2), Tensor.Randn([5, 3, 2], g).RequireGrad());
    }

    [Fact]
    public void OutOfRangeIndexNamesValuePositionDimensionAndSize()
    {
        var x = Tensor.Zeros(2, 3);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => x.Gather(1, I([0, 1, 2, 3], 2, 2)));
        Assert.Contains("Gather: index 3 at position [1, 1] is out of range for dimension 1 of size 3", ex.Message);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => x.Gather(1, I([-1], 1, 1)));
        Assert.Contains("Gather: index -1 at position [0, 0] is out of range for dimension 1 of size 3", negative.Message);
        var huge = Assert.Throws<ArgumentOutOfRangeException>(() => x.Gather(0, I([long.MaxValue], 1, 1)));
        Assert.Contains($"index {long.MaxValue} at position [0, 0] is out of range for dimension 0 of size 2", huge.Message);
    }

    [Fact]
    public void ShapeErrorsNameBothShapes()
    {
        var x = Tensor.Zeros(2, 3);
        var rank = Assert.Throws<ArgumentException>(() => x.Gather(1, IntTensor.Zeros(2)));
        Assert.Equal("Gather: index must have the same rank as the input; got input [2, 3] and index [2]", rank.Message);
        var large = Assert.Throws<ArgumentException>(() => x.Gather(1, IntTensor.Zeros(3, 1)));
        Assert.Contains("dimension 0 is 3 vs 2; got input [2, 3] and index [3, 1]", large.Message);
    }
}

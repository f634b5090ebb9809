namespace Descent.Tests.Ops;

public class SortingTests
{
    [Fact]
    public void SortIsStableAscendingAndDescendingWithNaNAboveEveryNumber()
    {
        var x = Tensor.FromArray([3f, 1f, float.NaN, 2f, 1f, float.NegativeInfinity, -0f, 0f]);
        var (values, indices) = x.Sort();
        Assert.Equal(new long[] { 5, 6, 7, 1, 4, 3, 0, 2 }, indices.ToArray());
        Assert.Equal(new[] { float.NegativeInfinity, -0f, 0f, 1f, 1f, 2f, 3f, float.NaN }, values.ToArray());
        // Descending keeps tied elements in their original order too, and NaN comes first.
        var (down, order) = x.Sort(descending: true);
        Assert.Equal(new long[] { 2, 0, 3, 1, 4, 6, 7, 5 }, order.ToArray());
        Assert.Equal(new[] { float.NaN, 3f, 2f, 1f, 1f, -0f, 0f, float.NegativeInfinity }, down.ToArray());
        Assert.Equal(indices.ToArray(), x.ArgSort(stable: true).ToArray());
        Assert.Equal(order.ToArray(), x.ArgSort(descending: true).ToArray());
    }

    [Fact]
    public void SortAlongAnInnerDimension()
    {
        var x = Tensor.FromArray([5f, 0f, 2f, 1f, 4f, 3f], 3, 2);
        var (values, indices) = x.Sort(0);
        Assert.Equal(new float[] { 2, 0, 4, 1, 5, 3 }, values.ToArray());
        Assert.Equal(new long[] { 1, 0, 2, 1, 0, 2 }, indices.ToArray());
        Assert.Equal([3, 2], indices.Shape);
        Assert.Equal(new long[] { 0, 1, 0, 1, 0, 1 }, x.ArgSort(1, descending: true).ToArray());
        Assert.Equal(new long[] { 1, 0, 1, 0, 1, 0 }, x.ArgSort(-1).ToArray());
    }

    [Fact]
    public void TopKTakesTheLargestOrSmallestInOrder()
    {
        var x = Tensor.FromArray([0.1f, 0.7f, 0.2f, 0.9f, 0.3f, 0.4f], 2, 3);
        var (values, indices) = x.TopK(2);
        Assert.Equal(new[] { 0.7f, 0.2f, 0.9f, 0.4f }, values.ToArray());
        Assert.Equal(new long[] { 1, 2, 0, 2 }, indices.ToArray());
        var (low, at) = x.TopK(1, dim: 0, largest: false);
        Assert.Equal([1, 3], low.Shape);
        Assert.Equal(new[] { 0.1f, 0.3f, 0.2f }, low.ToArray());
        Assert.Equal(new long[] { 0, 1, 0 }, at.ToArray());
        Assert.Equal([2, 0], x.TopK(0).Values.Shape);
        Assert.Equal(new long[] { 0 }, Tensor.Scalar(5f).TopK(1).Indices.ToArray());
        // Ties: the lower index wins, one of the answers PyTorch may give.
        Assert.Equal(new long[] { 1, 3 }, Tensor.FromArray([1f, 2f, 0f, 2f, 2f]).TopK(2).Indices.ToArray());
    }

    [Fact]
    public void GradientsOfSortedValuesGoBackToTheirPositions()
    {
        foreach (var shape in new[] { new[] { 1 }, [7], [3, 5], [2, 1, 4], [2, 3, 4] })
        {
            GradCheck.Assert(t => t[0].Sort().Values, Inputs.Normal(1, shape));
            GradCheck.Assert(t => t[0].Sort(0, descending: true).Values, Inputs.Normal(2, shape));
            int last = shape[^1];
            GradCheck.Assert(t => t[0].TopK((last + 1) / 2).Values, Inputs.Normal(3, shape));
            GradCheck.Assert(t => t[0].TopK(1, dim: 0, largest: false).Values, Inputs.Normal(4, shape));
            GradCheck.Assert(t => t[0].TopK(shape[0], dim: 0, sorted: false).Values.Square(), Inputs.Normal(5, shape));
        }
    }

    [Fact]
    public void IndicesAndValuesAreNotRecordedWhenNothingNeedsGrad()
    {
        var x = Tensor.FromArray([2f, 1f]);
        Assert.Null(x.Sort().Values.GradFn);
        var y = x.Clone().RequireGrad();
        Assert.NotNull(y.TopK(1).Values.GradFn);
        using (Descent.Autograd.NoGrad()) Assert.Null(y.Sort().Values.GradFn);
    }
}

using Descent.Nn;

namespace Descent.Tests.Nn;

public class OneHotTests
{
    [Fact]
    public void AddsATrailingDimensionWithOneAtEachIndex()
    {
        var oneHot = Functional.OneHot(IntTensor.FromArray([0L, 2, 1, 2], [2, 2]));
        Assert.Equal([2, 2, 3], oneHot.Shape);
        Assert.Equal(new long[] { 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1 }, oneHot.ToArray());
        var wide = Functional.OneHot(IntTensor.FromArray([1L]), numClasses: 4);
        Assert.Equal(new long[] { 0, 1, 0, 0 }, wide.ToArray());
        Assert.Equal([4], Functional.OneHot(IntTensor.Scalar(3)).Shape);
        Assert.Equal([0, 5], Functional.OneHot(IntTensor.Zeros(0), numClasses: 5).Shape);
        Assert.Equal(new float[] { 0, 0, 1 }, Functional.OneHot(IntTensor.FromArray([2L]), 3).Float().ToArray());
    }

    [Fact]
    public void RefusesIndicesOutOfRangeNamingTheValue()
    {
        var e = Assert.Throws<ArgumentException>(() => Functional.OneHot(IntTensor.FromArray([0L, 3, 1]), numClasses: 3));
        Assert.Equal("OneHot: class values must be smaller than numClasses=3; got 3 at index 1 of shape [3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Functional.OneHot(IntTensor.FromArray([0L, -2])));
        Assert.Equal("OneHot: class values must be non-negative; got -2 at index 1 of shape [2]", e.Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => Functional.OneHot(IntTensor.Zeros(0))).Message);
        Assert.Contains("got -3", Assert.Throws<ArgumentOutOfRangeException>(() => Functional.OneHot(IntTensor.Zeros(1), -3)).Message);
    }
}

namespace Descent.Tests.Tensors;

public class CreationTests
{
    [Fact]
    public void ZerosOnesFullHaveShapeAndValue()
    {
        var z = Tensor.Zeros(2, 3);
        Assert.Equal([2, 3], z.Shape);
        Assert.All(z.ToArray(), v => Assert.Equal(0f, v));
        var o = Tensor.Ones(4);
        Assert.Equal(new float[] { 1, 1, 1, 1 }, o.ToArray());
        var f = Tensor.Full([3, 1, 2], -2.5f);
        Assert.Equal(6, f.Numel);
        Assert.All(f.ToArray(), v => Assert.Equal(-2.5f, v));
    }

    [Fact]
    public void ZerosWithNoDimensionsIsAScalar()
    {
        var s = Tensor.Zeros();
        Assert.Equal(0, s.Rank);
        Assert.Equal(1, s.Numel);
        Assert.Equal(0f, s.Item());
    }

    [Fact]
    public void LikeConstructorsCopyTheShape()
    {
        var x = Tensor.Full([2, 5], 7f);
        Assert.Equal([2, 5], Tensor.ZerosLike(x).Shape);
        Assert.All(Tensor.OnesLike(x).ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void NegativeDimensionIsRejectedNamingTheOp()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, -1));
        Assert.Contains("Zeros", e.Message);
        Assert.Contains("[2, -1]", e.Message);
    }

    [Fact]
    public void ScalarHasRankZero()
    {
        var s = Tensor.Scalar(4.5f);
        Assert.Equal(0, s.Rank);
        Assert.Empty(s.Shape);
        Assert.Equal(4.5f, s.Item());
    }

    [Fact]
    public void FromArrayWrapsTheArrayWithoutCopying()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        var t = Tensor.FromArray(data, 2, 3);
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal(6f, t.At(1, 2));
        data[0] = 9f;
        Assert.Equal(9f, t.At(0, 0));
    }

    [Fact]
    public void FromArrayWithoutShapeIsOneDimensional()
    {
        var t = Tensor.FromArray([1f, 2f, 3f]);
        Assert.Equal([3], t.Shape);
    }

    [Fact]
    public void FromArrayRejectsAShapeOfTheWrongSize()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray([1f, 2f, 3f], 2, 2));
        Assert.Contains("FromArray", e.Message);
        Assert.Contains("[2, 2]", e.Message);
        Assert.Contains("3", e.Message);
    }

    [Fact]
    public void CreateWithAnEmptyShapeIsZeroDimensional()
    {
        var t = Tensor.Create([7f], []);
        Assert.Equal(0, t.Rank);
        Assert.Empty(t.Shape);
        Assert.Equal(7f, t.Item());
    }

    [Fact]
    public void CreateKeepsTheShapeExactlyAndSharesTheArray()
    {
        var data = new float[] { 1, 2, 3 };
        var t = Tensor.Create(data, [3]);
        Assert.Equal([3], t.Shape);
        data[2] = 9f;
        Assert.Equal(9f, t.At(2));
        Assert.Equal([2, 1, 3], Tensor.Create(new float[6], new[] { 2, 1, 3 }).Shape);
        Assert.Equal([0, 4], Tensor.Create([], [0, 4]).Shape);
    }

    [Fact]
    public void CreateRejectsAMismatchNamingShapeAndLength()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Create([1f, 2f], []));
        Assert.Equal("Create: shape [] needs 1 values; got 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Create([1f, 2f, 3f], [2, 2]));
        Assert.Equal("Create: shape [2, 2] needs 4 values; got 3", e.Message);
        Assert.Contains("non-negative", Assert.Throws<ArgumentException>(() => Tensor.Create([], [-1])).Message);
        Assert.Throws<ArgumentNullException>(() => Tensor.Create(null!, [1]));
    }

    [Fact]
    public void FromRectangularArrayCopiesRowMajor()
    {
        var t = Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray());
    }

    [Fact]
    public void ArangeMatchesPyTorch()
    {
        Assert.Equal(new float[] { 0, 1, 2, 3, 4 }, Tensor.Arange(5).ToArray());
        Assert.Equal(new float[] { 1, 1.5f, 2, 2.5f }, Tensor.Arange(1, 3, 0.5f).ToArray());
        Assert.Equal(new float[] { 3, 1, -1 }, Tensor.Arange(3, -2, -2).ToArray());
        // torch.arange(0, 1, 0.3) has ceil(1/0.3) = 4 elements.
        Assert.Equal(4, Tensor.Arange(0, 1, 0.3f).Numel);
        Assert.Equal(0, Tensor.Arange(2, 2).Numel);
    }

    [Fact]
    public void ArangeRejectsZeroStepAndWrongDirection()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Arange(0, 5, 0));
        Assert.Contains("Arange", e.Message);
        Assert.Contains("Arange", Assert.Throws<ArgumentException>(() => Tensor.Arange(5, 0, 1)).Message);
    }

    [Fact]
    public void LinspaceHitsBothEndpointsExactly()
    {
        var t = Tensor.Linspace(-3.7f, 11.3f, 31).ToArray();
        Assert.Equal(31, t.Length);
        Assert.Equal(-3.7f, t[0]);
        Assert.Equal(11.3f, t[^1]);
        for (int i = 1; i < t.Length; i++) Assert.Equal(0.5f, t[i] - t[i - 1], 1e-4);
        // The second half is filled from the end, as PyTorch does, so the middle is exact too.
        Assert.Equal(new float[] { 0f, 0.25f, 0.5f, 0.75f, 1f }, Tensor.Linspace(0, 1, 5).ToArray());
        Assert.Equal(new float[] { 0.1f, 0.2f }, Tensor.Linspace(0.1f, 0.2f, 2).ToArray());
    }

    [Fact]
    public void LinspaceWithOneStepGivesStart()
    {
        // torch.linspace(2, 5, 1) == tensor([2.])
        Assert.Equal(new float[] { 2f }, Tensor.Linspace(2, 5, 1).ToArray());
        Assert.Equal(0, Tensor.Linspace(2, 5, 0).Numel);
    }

    [Fact]
    public void LinspaceRejectsNegativeSteps() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Linspace(0, 1, -1));

    [Fact]
    public void ItemNeedsOneElement()
    {
        Assert.Equal(3f, Tensor.FromArray([3f], 1, 1).Item());
        var e = Assert.Throws<InvalidOperationException>(() => Tensor.Ones(2, 2).Item());
        Assert.Contains("[2, 2]", e.Message);
    }

    [Fact]
    public void ToArrayIsACopy()
    {
        var t = Tensor.Ones(3);
        var a = t.ToArray();
        a[0] = 5f;
        Assert.Equal(1f, t.At(0));
    }

    [Fact]
    public void IndexerReadsAndWritesWithNegativeIndices()
    {
        var t = Tensor.Arange(12).Reshape(3, 4);
        Assert.Equal(11f, t.At(-1, -1));
        Assert.Equal(6f, t.At(1, 2));
        t.At(2, -4) = 100f;
        Assert.Equal(100f, t.ToArray()[8]);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.At(3, 0));
        Assert.Throws<ArgumentException>(() => t.At(1));
    }

    [Fact]
    public void SizeCountsFromTheEndAndRejectsBadDims()
    {
        var t = Tensor.Zeros(2, 3, 4);
        Assert.Equal(4, t.Size(-1));
        Assert.Equal(2, t.Size(0));
        Assert.Contains("Size", Assert.Throws<ArgumentOutOfRangeException>(() => t.Size(3)).Message);
        Assert.Contains("Size", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Scalar(1f).Size(0)).Message);
    }

    [Fact]
    public void CloneCopiesStorageAndDetachSharesIt()
    {
        var x = Tensor.FromArray([1f, 2f]);
        var c = x.Clone();
        var d = x.Detach();
        x.At(0) = 7f;
        Assert.Equal(1f, c.At(0));
        Assert.Equal(7f, d.At(0));
    }

    [Fact]
    public void FillAndCopyFromWriteInPlace()
    {
        var x = Tensor.Zeros(2, 2).Fill(3f);
        Assert.All(x.ToArray(), v => Assert.Equal(3f, v));
        x.CopyFrom(Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2));
        Assert.Equal(new float[] { 1, 2, 3, 4 }, x.ToArray());
        var e = Assert.Throws<ArgumentException>(() => x.CopyFrom(Tensor.Ones(4)));
        Assert.Contains("[2, 2]", e.Message);
        Assert.Contains("[4]", e.Message);
    }
}

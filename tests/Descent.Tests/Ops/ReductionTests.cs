namespace Descent.Tests.Ops;

public class ReductionTests
{
    [Fact]
    public void SumAndMeanOverEverything()
    {
        foreach (var shape in new[] { new int[0], [1], [7], [3, 1, 4], [31, 3] })
        {
            GradCheck.Assert(t => t[0].Sum(), Inputs.Normal(1, shape));
            GradCheck.Assert(t => t[0].Mean(), Inputs.Normal(2, shape));
            GradCheck.Assert(t => t[0].Max(), Inputs.Normal(3, shape));
            GradCheck.Assert(t => t[0].Min(), Inputs.Normal(4, shape));
        }
    }

    public static TheoryData<int[], int[], bool> DimCases => new()
    {
        { [3, 4], [0], false },
        { [3, 4], [1], true },
        { [3, 4], [-1], false },
        { [2, 3, 5], [0, 2], false },
        { [2, 3, 5], [-1, -3], true },
        { [2, 3, 5], [1], true },
        { [7, 1, 31], [1], false },
        { [7, 1, 31], [0, 1, 2], false },
        { [7, 1, 31], [2, 0], true },
        { [1], [0], false },
        { [], [0], false },
    };

    [Theory, MemberData(nameof(DimCases))]
    public void SumAndMeanOverDims(int[] shape, int[] dims, bool keepDim)
    {
        GradCheck.Assert(t => t[0].Sum(dims, keepDim), Inputs.Normal(5, shape));
        GradCheck.Assert(t => t[0].Mean(dims, keepDim), Inputs.Normal(6, shape));
    }

    [Theory, MemberData(nameof(DimCases))]
    public void MaxAndMinOverOneDim(int[] shape, int[] dims, bool keepDim)
    {
        GradCheck.Assert(t => t[0].Max(dims[0], keepDim), Inputs.Normal(7, shape));
        GradCheck.Assert(t => t[0].Min(dims[0], keepDim), Inputs.Normal(8, shape));
    }

    [Theory, MemberData(nameof(DimCases))]
    public void AmaxAndAminOverDims(int[] shape, int[] dims, bool keepDim)
    {
        GradCheck.Assert(t => t[0].Amax(dims, keepDim), Inputs.Normal(9, shape));
        GradCheck.Assert(t => t[0].Amin(dims, keepDim), Inputs.Normal(10, shape));
        GradCheck.Assert(t => t[0].Amax([]), Inputs.Normal(11, shape));
    }

    [Fact]
    public void AmaxSplitsATiesGradientEvenlyWhereMaxPicksOne()
    {
        var x = Tensor.FromArray([3f, 1f, 3f, 3f, 2f, 0f, 0f, 0f], 2, 4).RequireGrad();
        x.Amax(1).Backward(Tensor.FromArray([6f, 6f]));
        Assert.Equal([2f, 0f, 2f, 2f, 6f, 0f, 0f, 0f], x.Grad!.ToArray());
        var y = Tensor.FromArray([3f, 1f, 3f, 3f, 2f, 0f, 0f, 0f], 2, 4).RequireGrad();
        y.Amin(1).Backward(Tensor.FromArray([6f, 6f]));
        Assert.Equal([0f, 6f, 0f, 0f, 0f, 2f, 2f, 2f], y.Grad!.ToArray());
        var z = Tensor.FromArray([3f, 1f, 3f, 3f, 2f, 0f, 0f, 0f], 2, 4).RequireGrad();
        z.Max(1).Backward(Tensor.FromArray([6f, 6f]));
        Assert.Equal(6f, z.Grad!.ToArray()[..4].Sum());
        Assert.Equal(3, z.Grad!.ToArray()[..4].Count(v => v == 0f));
    }

    [Fact]
    public void AmaxBadDimensionsNameTheOp()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Contains("Amax: dimension repeated in [1, -1]", Assert.Throws<ArgumentException>(() => x.Amax([1, -1])).Message);
        Assert.Contains("Amin", Assert.ThrowsAny<ArgumentException>(() => x.Amin(2)).Message);
        Assert.Contains("Amax: cannot reduce over an empty dimension", Assert.Throws<ArgumentException>(() => Tensor.Zeros(0, 3).Amax(0)).Message);
    }

    [Fact]
    public void ReducedShapes()
    {
        var x = Tensor.Zeros(2, 3, 5);
        Assert.Equal([2, 5], x.Sum(1).Shape);
        Assert.Equal([2, 1, 5], x.Sum(1, keepDim: true).Shape);
        Assert.Equal([3], x.Sum([0, -1]).Shape);
        Assert.Equal([1, 3, 1], x.Mean([2, 0], keepDim: true).Shape);
        Assert.Equal([2, 3], x.Max(-1).Shape);
        Assert.Equal([2, 1, 5], x.ArgMin(1, keepDim: true).Shape);
        Assert.Empty(x.Sum().Shape);
    }

    [Fact]
    public void ForwardValues()
    {
        var x = Tensor.FromArray([1f, 5f, 3f, -2f, 0f, 4f], 2, 3);
        Assert.Equal(11f, x.Sum().Item());
        Assert.Equal(11f / 6, x.Mean().Item(), 1e-6);
        Assert.Equal(new float[] { -1, 5, 7 }, x.Sum(0).ToArray());
        Assert.Equal(new float[] { 3, 2f / 3 }, x.Mean(1).ToArray());
        Assert.Equal(5f, x.Max().Item());
        Assert.Equal(-2f, x.Min().Item());
        Assert.Equal(new float[] { 5, 4 }, x.Max(1).ToArray());
        Assert.Equal(new float[] { -2, 0, 3 }, x.Min(0).ToArray());
        Assert.Equal(1L, x.ArgMax().Item());
        Assert.Equal(3L, x.ArgMin().Item());
        Assert.Equal(new long[] { 1, 2 }, x.ArgMax(1).ToArray());
        Assert.Equal(new long[] { 1, 1, 0 }, x.ArgMin(0).ToArray());
        Assert.Equal(0f, Tensor.Zeros(0, 3).Sum().Item());
        Assert.Equal(new float[] { 0, 0, 0 }, Tensor.Zeros(0, 3).Sum(0).ToArray());
        Assert.True(float.IsNaN(Tensor.Zeros(0).Mean().Item()));
    }

    [Fact]
    public void ArgMaxAndArgMinTakeTheFirstIndexOnTies()
    {
        var x = Tensor.FromArray([1f, 3f, 3f, 0f, 0f, 2f], 2, 3);
        Assert.Equal(1L, x.ArgMax().Item());
        Assert.Equal(3L, x.ArgMin().Item());
        Assert.Equal(new long[] { 1, 2 }, x.ArgMax(1).ToArray());
        Assert.Equal(new long[] { 0, 0 }, x.ArgMin(1).ToArray());
        var y = Tensor.FromArray([2f, 1f, 2f, 1f, 0f, 0f], 3, 2);
        Assert.Equal(new long[] { 0, 0 }, y.ArgMax(0).ToArray());
        Assert.Equal(new long[] { 2, 2 }, y.ArgMin(0).ToArray());
        var big = Tensor.Zeros(100);
        big.At(10) = 5f;
        big.At(70) = 5f;
        Assert.Equal(10L, big.ArgMax().Item());
        Assert.Equal(0L, big.ArgMin().Item());
    }

    [Fact]
    public void ArgMaxReturnsInt64IndicesWhereSignedZerosTieAndNaNWins()
    {
        // PyTorch compares with >, so -0 and +0 tie and the first wins; NaN wins both ArgMax and ArgMin.
        var zeros = Tensor.FromArray([-1f, -0f, 0f, -0f]);
        Assert.Equal(1L, zeros.ArgMax().Item());
        Assert.Equal(0L, Tensor.FromArray([0f, -0f, 1f]).ArgMin().Item());
        Assert.Equal(new long[] { 1 }, zeros.Reshape(1, 4).ArgMax(1).ToArray());
        var nan = Tensor.FromArray([1f, float.NaN, -5f, float.NaN]);
        Assert.Equal(1L, nan.ArgMin().Item());
        Assert.Equal(1L, nan.ArgMax().Item());
        Assert.Equal([1, 2], nan.Reshape(2, 2).ArgMin(0, keepDim: true).Shape);
        Assert.Equal([], nan.ArgMax().Shape);
    }

    [Fact]
    public void MaxOverADimSendsTheGradientToTheFirstMaximum()
    {
        var x = Tensor.FromArray([1f, 3f, 3f, 2f], 1, 4).RequireGrad();
        x.Max(1).Sum().Backward();
        Assert.Equal(new float[] { 0, 1, 0, 0 }, x.Grad!.ToArray());
    }

    [Fact]
    public void MaxOverEverythingSharesTheGradientAmongTies()
    {
        var x = Tensor.FromArray([1f, 3f, 3f, 2f]).RequireGrad();
        x.Max().Backward();
        Assert.Equal(new float[] { 0, 0.5f, 0.5f, 0 }, x.Grad!.ToArray());
    }

    [Fact]
    public void MaxPropagatesNaN()
    {
        var x = Tensor.FromArray([1f, float.NaN, 3f, 7f, 2f, 0f], 2, 3).RequireGrad();
        Assert.True(float.IsNaN(x.Max().Item()));
        Assert.True(float.IsNaN(x.Min().Item()));
        var rows = x.Max(1).ToArray();
        Assert.True(float.IsNaN(rows[0]));
        Assert.Equal(7f, rows[1]);
        var cols = x.Max(0).ToArray();
        Assert.Equal(7f, cols[0]);
        Assert.True(float.IsNaN(cols[1]));
        Assert.Equal(new long[] { 1, 0 }, x.ArgMax(1).ToArray());
        Assert.Equal(new long[] { 1, 0, 0 }, x.ArgMax(0).ToArray());
        Assert.Equal(1L, x.ArgMax().Item());
        // As in PyTorch, the gradient of a NaN maximum goes to the NaN element.
        x.Max().Backward();
        Assert.Equal(new float[] { 0, 1, 0, 0, 0, 0 }, x.Grad!.ToArray());
    }

    [Fact]
    public void BadDimsNameTheOp()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Contains("Sum", Assert.Throws<ArgumentOutOfRangeException>(() => x.Sum(2)).Message);
        Assert.Contains("Mean", Assert.Throws<ArgumentOutOfRangeException>(() => x.Mean(-3)).Message);
        Assert.Contains("Max", Assert.Throws<ArgumentOutOfRangeException>(() => x.Max(5)).Message);
        Assert.Contains("ArgMin", Assert.Throws<ArgumentOutOfRangeException>(() => x.ArgMin(2)).Message);
        Assert.Contains("repeated", Assert.Throws<ArgumentException>(() => x.Sum([1, -1])).Message);
        Assert.Contains("Max", Assert.Throws<ArgumentException>(() => Tensor.Zeros(0).Max()).Message);
        Assert.Contains("ArgMax", Assert.Throws<ArgumentException>(() => Tensor.Zeros(0).ArgMax()).Message);
    }
}

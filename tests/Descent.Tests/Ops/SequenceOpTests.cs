namespace Descent.Tests.Ops;

/// <summary>RSqrt, Erf, Var, Std, Cumsum, Tril and Triu: the elementwise and reduction ops sequence models need.</summary>
public class SequenceOpTests
{
    public static TheoryData<int[]> Shapes => new() { { [] }, { [1] }, { [7] }, { [3, 1, 4] }, { [31, 2] } };

    [Theory, MemberData(nameof(Shapes))]
    public void RSqrtAndErfGradients(int[] shape)
    {
        GradCheck.Assert(t => t[0].RSqrt(), Inputs.Positive(21, shape));
        GradCheck.Assert(t => t[0].Erf(), Inputs.Normal(22, shape));
    }

    [Fact]
    public void RSqrtAndErfValuesAndEdges()
    {
        var x = Tensor.FromArray([4f, 0.25f, 0f, -1f, float.PositiveInfinity]);
        var r = x.RSqrt().ToArray();
        Assert.Equal(new float[] { 0.5f, 2f, float.PositiveInfinity }, r[..3]);
        Assert.True(float.IsNaN(r[3]));
        Assert.Equal(0f, r[4]);
        var e = Tensor.FromArray([0f, 1f, -1f, 0.5f, 6f, -6f, float.NaN]).Erf().ToArray();
        Assert.Equal(0f, e[0]);
        Assert.Equal(0.842700793f, e[1], 1e-7f);
        Assert.Equal(-e[1], e[2]);
        Assert.Equal(0.520499878f, e[3], 1e-7f);
        Assert.Equal(1f, e[4]);
        Assert.Equal(-1f, e[5]);
        Assert.True(float.IsNaN(e[6]));
    }

    [Fact]
    public void RSqrtAtZeroGivesAnInfiniteGradientLikePyTorch()
    {
        var x = Tensor.FromArray([0f, 4f]).RequireGrad();
        x.RSqrt().Sum().Backward();
        Assert.Equal(new float[] { float.NegativeInfinity, -1f / 16 }, x.Grad!.ToArray());
    }

    public static TheoryData<int[], int[]?, int, bool> VarCases => new()
    {
        { [7], null, 1, false },
        { [3, 1, 4], null, 0, false },
        { [3, 4], [0], 1, false },
        { [3, 4], [-1], 0, true },
        { [2, 3, 5], [0, 2], 1, false },
        { [2, 3, 5], [-1, -3], 2, true },
        { [2, 3, 5], [1, 2], 1, true },
        { [7, 1, 31], [1, 2], 1, false },
        { [7, 1, 31], [2, 0], 0, true },
        { [2, 3, 4, 5], [3, 1], 1, false },
        { [5, 1], [0], 1, true },
        { [], [0], 0, false },
    };

    [Theory, MemberData(nameof(VarCases))]
    public void VarAndStdGradients(int[] shape, int[]? dims, int correction, bool keepDim)
    {
        GradCheck.Assert(t => t[0].Var(dims, correction, keepDim), Inputs.Normal(23, shape));
        if (shape.Length > 0) GradCheck.Assert(t => t[0].Std(dims, correction, keepDim), Inputs.Normal(24, shape));
    }

    [Theory, MemberData(nameof(VarCases))]
    public void VarMatchesMeanOfSquaredDeviations(int[] shape, int[]? dims, int correction, bool keepDim)
    {
        var x = Inputs.Normal(25, shape).Detach();
        int[] over = dims ?? Enumerable.Range(0, shape.Length).ToArray();
        var mean = x.Mean(over, keepDim: true);
        int n = x.Numel / Math.Max(mean.Numel, 1);
        var expected = x.Sub(mean).Square().Sum(over, keepDim).Div(Math.Max(0, n - correction)).ToArray();
        var actual = x.Var(dims, correction, keepDim);
        Assert.Equal(x.Sum(over, keepDim).Shape, actual.Shape);
        var a = actual.ToArray();
        for (int i = 0; i < a.Length; i++)
            if (!(float.IsNaN(expected[i]) && float.IsNaN(a[i]))) Assert.Equal(expected[i], a[i], 1e-5f * (1 + Math.Abs(expected[i])));
        var s = x.Std(dims, correction, keepDim).ToArray();
        for (int i = 0; i < a.Length; i++) Assert.Equal(MathF.Sqrt(a[i]), s[i], 1e-6f * (1 + s[i]));
    }

    [Fact]
    public void VarOneDimOverloadAndDefaults()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        Assert.Equal(1.6666666f, x.Var().Item(), 1e-6f);
        Assert.Equal(1.25f, x.Var(correction: 0).Item(), 1e-6f);
        Assert.Equal(new float[] { 0.5f, 0.5f }, x.Var(1).ToArray());
        Assert.Equal(new float[] { 0.25f, 0.25f }, x.Var([1], correction: 0).ToArray());
        Assert.Equal([2, 1], x.Var(-1, keepDim: true).Shape);
        Assert.Equal([1, 1], x.Var([0, 1], keepDim: true).Shape);
        Assert.Equal(1.2909944f, Tensor.FromArray([1f, 2f, 3f, 4f]).Std().Item(), 1e-6f);
        Assert.Equal(new float[] { 2f, 2f }, x.Std(0, correction: 0).Mul(2f).ToArray());
        Assert.Equal(x.Var().Item(), x.Var([]).Item());
    }

    [Fact]
    public void VarWithoutDegreesOfFreedomIsInfOrNaNLikePyTorch()
    {
        Assert.True(float.IsNaN(Tensor.FromArray([3f]).Var().Item()));
        Assert.True(float.IsPositiveInfinity(Tensor.FromArray([1f, 2f]).Var(correction: 2).Item()));
        Assert.True(float.IsPositiveInfinity(Tensor.FromArray([1f, 2f]).Var(correction: 5).Item()));
        Assert.True(float.IsNaN(Tensor.Zeros(0).Var().Item()));
        Assert.True(float.IsNaN(Tensor.Zeros(3, 0).Var(1).ToArray()[0]));
        Assert.Equal(0f, Tensor.FromArray([3f]).Var(correction: 0).Item());

        // All elements: libtorch's gradient is g·NaN where x equals the mean and g·∞ elsewhere.
        var x = Tensor.FromArray([1f, 2f]).RequireGrad();
        x.Var(correction: 2).Backward(Tensor.Scalar(-1f));
        Assert.Equal(new float[] { float.NegativeInfinity, float.NegativeInfinity }, x.Grad!.ToArray());
        // Over a dimension: 2/(N − correction)·g·(x − mean), so a negative divisor is not clamped there.
        var y = Tensor.FromArray([1f, 2f], 1, 2).RequireGrad();
        y.Var(1, correction: 3).Sum().Backward();
        Assert.Equal(new float[] { 1f, -1f }, y.Grad!.ToArray());
    }

    [Fact]
    public void StdOfConstantSlicesHasAZeroGradientLikeLibtorch()
    {
        var x = Tensor.FromArray([2f, 2f, 2f, 1f, 2f, 3f], 2, 3).RequireGrad();
        var s = x.Std(1);
        Assert.Equal(new float[] { 0f, 1f }, s.ToArray());
        s.Sum().Backward();
        Assert.Equal(new float[] { 0f, 0f, 0f, -0.5f, 0f, 0.5f }, x.Grad!.ToArray());
        var single = Tensor.FromArray([5f]).RequireGrad();
        single.Std().Backward();
        Assert.True(float.IsNaN(single.Grad!.ToArray()[0]));
    }

    [Fact]
    public void VarAndCumsumAreTheSameForEveryThreadCount()
    {
        var x = Tensor.Randn([64, 33, 17], new Generator(5));
        var before = Threads.Count;
        try
        {
            Threads.Count = 1;
            var (variance, cumsum) = (x.Var([0, 2]).ToArray(), x.Cumsum(1).ToArray());
            Threads.Count = 4;
            Assert.Equal(variance, x.Var([0, 2]).ToArray());
            Assert.Equal(cumsum, x.Cumsum(1).ToArray());
        }
        finally { Threads.Count = before; }
    }

    public static TheoryData<int[], int> CumsumCases => new()
    {
        { [], 0 }, { [1], 0 }, { [7], -1 }, { [3, 1, 4], 1 }, { [3, 1, 4], -1 }, { [3, 1, 4], 0 }, { [31, 2], 0 }, { [2, 3, 5], -2 },
    };

    [Theory, MemberData(nameof(CumsumCases))]
    public void CumsumGradients(int[] shape, int dim) => GradCheck.Assert(t => t[0].Cumsum(dim), Inputs.Normal(26, shape));

    [Fact]
    public void CumsumValues()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Assert.Equal(new float[] { 1, 3, 6, 4, 9, 15 }, x.Cumsum(1).ToArray());
        Assert.Equal(new float[] { 1, 2, 3, 5, 7, 9 }, x.Cumsum(-2).ToArray());
        Assert.Equal([2, 3], x.Cumsum(0).Shape);
        Assert.Equal(4f, Tensor.Scalar(4f).Cumsum(0).Item());
        Assert.Empty(Tensor.Zeros(0, 3).Cumsum(0).ToArray());
        var g = x.RequireGrad();
        g.Cumsum(1).Backward(Tensor.FromArray([1f, 10f, 100f, 1f, 1f, 1f], 2, 3));
        Assert.Equal(new float[] { 111, 110, 100, 3, 2, 1 }, g.Grad!.ToArray());
    }

    public static TheoryData<int[], int> TriangleCases => new()
    {
        { [1, 1], 0 }, { [3, 3], 0 }, { [3, 5], 1 }, { [5, 3], -1 }, { [2, 4, 4], 0 }, { [2, 1, 3, 4], -2 }, { [4, 4], 10 }, { [4, 4], -10 },
    };

    [Theory, MemberData(nameof(TriangleCases))]
    public void TrilAndTriuGradients(int[] shape, int diagonal)
    {
        GradCheck.Assert(t => t[0].Tril(diagonal), Inputs.Normal(27, shape));
        GradCheck.Assert(t => t[0].Triu(diagonal), Inputs.Normal(28, shape));
    }

    [Theory, MemberData(nameof(TriangleCases))]
    public void TrilAndTriuSplitTheMatrixAtTheDiagonal(int[] shape, int diagonal)
    {
        var x = Inputs.Normal(29, shape).Detach();
        int rows = shape[^2], cols = shape[^1];
        var lower = x.Tril(diagonal).ToArray();
        var upper = x.Triu(diagonal + 1).ToArray();
        var xs = x.ToArray();
        for (int k = 0; k < xs.Length; k++)
        {
            int r = k / cols % rows, c = k % cols;
            Assert.Equal(c - r <= diagonal ? xs[k] : 0f, lower[k]);
            Assert.Equal(c - r <= diagonal ? 0f : xs[k], upper[k]);
        }
    }

    [Fact]
    public void TrilAndTriuValues()
    {
        var ones = Tensor.Ones(3, 3);
        Assert.Equal(new float[] { 1, 0, 0, 1, 1, 0, 1, 1, 1 }, ones.Tril().ToArray());
        Assert.Equal(new float[] { 0, 1, 1, 0, 0, 1, 0, 0, 0 }, ones.Triu(1).ToArray());
        Assert.Equal(new float[] { 0, 0, 0, 1, 0, 0, 1, 1, 0 }, ones.Tril(-1).ToArray());
        Assert.Equal(new float[9], ones.Triu(int.MaxValue).ToArray());
        Assert.Equal(ones.ToArray(), ones.Tril(int.MaxValue).ToArray());
        Assert.Equal(ones.ToArray(), ones.Triu(int.MinValue).ToArray());
        Assert.Empty(Tensor.Zeros(2, 0, 3).Tril().ToArray());
    }
}

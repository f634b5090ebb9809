namespace Descent.Tests.Ops;

public class UnaryTests
{
    public static TheoryData<int[]> Shapes => new() { { [] }, { [1] }, { [7] }, { [3, 1, 4] }, { [31, 2] } };

    [Theory, MemberData(nameof(Shapes))]
    public void PowGradients(int[] shape)
    {
        GradCheck.Assert(t => t[0].Pow(2f), Inputs.Normal(1, shape));
        GradCheck.Assert(t => t[0].Pow(3f), Inputs.Normal(2, shape));
        GradCheck.Assert(t => t[0].Pow(0.5f), Inputs.Positive(3, shape));
        GradCheck.Assert(t => t[0].Pow(-1f), Inputs.AwayFromZero(4, shape));
        GradCheck.Assert(t => t[0].Pow(1f), Inputs.Normal(5, shape));
        GradCheck.Assert(t => t[0].Pow(-2.5f), Inputs.Positive(6, shape));
    }

    [Fact]
    public void PowZeroGivesAZeroGradientLikePyTorch()
    {
        var x = Tensor.FromArray([0f, 2f, -3f]).RequireGrad();
        var y = x.Pow(0f);
        Assert.Equal(new float[] { 1, 1, 1 }, y.ToArray());
        y.Sum().Backward();
        Assert.Equal(new float[] { 0, 0, 0 }, x.Grad!.ToArray());
    }

    [Theory, MemberData(nameof(Shapes))]
    public void ElementwiseGradients(int[] shape)
    {
        GradCheck.Assert(t => t[0].Square(), Inputs.Normal(7, shape));
        GradCheck.Assert(t => t[0].Exp(), Inputs.Normal(8, shape));
        GradCheck.Assert(t => t[0].Log(), Inputs.Positive(9, shape));
        GradCheck.Assert(t => t[0].Sqrt(), Inputs.Positive(10, shape));
        GradCheck.Assert(t => t[0].Abs(), Inputs.AwayFromZero(11, shape));
        GradCheck.Assert(t => t[0].Neg(), Inputs.Normal(12, shape));
        GradCheck.Assert(t => t[0].Clone(), Inputs.Normal(13, shape));
    }

    [Fact]
    public void ClampGradientAwayFromTheBounds()
    {
        // Values in ±[0.5, 2] against bounds ±0.25 and ±1.25: none lies within 1e-3 of a bound.
        var x = Inputs.AwayFromZero(14, 5, 7);
        var d = x.DataSpan;
        for (int i = 0; i < d.Length; i++) if (MathF.Abs(MathF.Abs(d[i]) - 1.25f) < 0.01f) d[i] *= 1.1f;
        GradCheck.Assert(t => t[0].Clamp(-1.25f, 1.25f), x);
        GradCheck.Assert(t => t[0].Clamp(min: 0.25f), x);
        GradCheck.Assert(t => t[0].Clamp(max: -0.25f), x);
    }

    [Fact]
    public void ForwardValues()
    {
        var x = Tensor.FromArray([-2f, -0.5f, 0f, 1f, 4f]);
        Assert.Equal(new float[] { 4, 0.25f, 0, 1, 16 }, x.Square().ToArray());
        Assert.Equal(new float[] { -8, -0.125f, 0, 1, 64 }, x.Pow(3f).ToArray());
        Assert.Equal(new float[] { 2, 0.5f, 0, 1, 4 }, x.Abs().ToArray());
        Assert.Equal(new float[] { -1, -1, 0, 1, 1 }, x.Sign().ToArray());
        Assert.Equal(new float[] { -1, -0.5f, 0, 1, 1 }, x.Clamp(-1f, 1f).ToArray());
        Assert.Equal(new float[] { 0, 0, 0, 1, 4 }, x.Clamp(min: 0f).ToArray());
        Assert.Equal(new float[] { -2, -0.5f, 0, 0.5f, 0.5f }, x.Clamp(max: 0.5f).ToArray());
        var p = Tensor.FromArray([1f, 4f, 0.25f]);
        Assert.Equal(new float[] { 1, 2, 0.5f }, p.Sqrt().ToArray());
        Assert.Equal(new float[] { 1, 0.5f, 2 }, p.Pow(-0.5f).ToArray());
        Assert.Equal(new float[] { 1, 0.25f, 4 }, p.Pow(-1f).ToArray());
        Assert.Equal(1f, Tensor.Scalar(0f).Exp().Item());
        Assert.Equal(MathF.E, Tensor.Scalar(1f).Exp().Item(), 1e-6);
        Assert.Equal(0f, Tensor.Scalar(1f).Log().Item());
        Assert.Equal(float.NegativeInfinity, Tensor.Scalar(0f).Log().Item());
        Assert.True(float.IsNaN(Tensor.Scalar(-1f).Sqrt().Item()));
    }

    [Fact]
    public void ClampGradientPassesAtTheBoundsAsPyTorch()
    {
        var x = Tensor.FromArray([-2f, -1f, 0f, 1f, 2f]).RequireGrad();
        x.Clamp(-1f, 1f).Sum().Backward();
        Assert.Equal(new float[] { 0, 1, 1, 1, 0 }, x.Grad!.ToArray());
    }

    [Fact]
    public void AbsGradientIsZeroAtZero()
    {
        var x = Tensor.FromArray([-3f, 0f, 2f]).RequireGrad();
        x.Abs().Sum().Backward();
        Assert.Equal(new float[] { -1, 0, 1 }, x.Grad!.ToArray());
    }

    [Fact]
    public void ClampRejectsMinAboveMax()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Ones(2).Clamp(2f, 1f));
        Assert.Contains("Clamp", e.Message);
        Assert.Contains("min=2", e.Message);
    }

    [Fact]
    public void SignHasNoGradient() => Assert.False(Inputs.Normal(1, 3).Sign().RequiresGrad);
}

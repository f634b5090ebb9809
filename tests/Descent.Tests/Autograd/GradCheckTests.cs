namespace Descent.Tests.Autograd;

public class GradCheckTests
{
    /// <summary>x² with a deliberately wrong gradient (3x instead of 2x).</summary>
    private static Tensor WrongSquare(Tensor x)
    {
        var result = new Tensor(x.Shape);
        var s = x.Data;
        var d = result.DataSpan;
        for (int i = 0; i < d.Length; i++) d[i] = s[i] * s[i];
        return Descent.Autograd.Record(result, "WrongSquare", [x], g => [g.Mul(x).Mul(3f)]);
    }

    [Fact]
    public void PassesOnCorrectGradients()
    {
        var g = new Generator(1);
        var p = Tensor.Randn([3, 1, 4], g).RequireGrad();
        var q = Tensor.Randn([5, 4], g).RequireGrad();
        var r = GradCheck.Assert(t => (t[0] * t[1]).Exp().Sum(1), p, q);
        Assert.True(r.Passed);
        Assert.StartsWith("GradCheck passed", r.Message);
        Assert.InRange(r.Error, 0, r.Tolerance);
    }

    [Fact]
    public void FailsOnAWrongGradientNamingTheWorstElement()
    {
        var x = Tensor.FromArray([0.5f, -1f, 2f, 1.5f]).RequireGrad();
        var r = GradCheck.Check(t => WrongSquare(t[0]).Sum(), [x]);
        Assert.False(r.Passed);
        Assert.Equal(0, r.Input);
        // The output is a scalar, so the projection is one weight w; the error |3x - 2x|·|w| is
        // largest at x = 2 (element 2): analytic 6w, numeric 4w.
        Assert.Equal(2, r.Element);
        Assert.Equal(1.5, r.Analytic / r.Numeric, 1e-2);
        Assert.True(r.Error > r.Tolerance);
        Assert.Contains("failed", r.Message);
        Assert.Contains("input 0", r.Message);
        Assert.Contains("element 2", r.Message);
        Assert.Contains($"analytic {r.Analytic:G7}", r.Message);
        Assert.Contains($"numeric {r.Numeric:G7}", r.Message);
        Assert.Contains($"tolerance {r.Tolerance:G3}", r.Message);
        var e = Assert.Throws<GradCheckException>(() => GradCheck.Assert(t => WrongSquare(t[0]).Sum(), x));
        Assert.Equal(r.Message, e.Message);
        Assert.False(e.Result.Passed);
    }

    [Fact]
    public void ReportsTheInputThatIsWrong()
    {
        var a = Tensor.FromArray([1f, 2f]).RequireGrad();
        var b = Tensor.FromArray([0.5f, 1f, 1.5f]).RequireGrad();
        var r = GradCheck.Check(t => t[0].Sum() + WrongSquare(t[1]).Sum(), [a, b]);
        Assert.False(r.Passed);
        Assert.Equal(1, r.Input);
        Assert.Contains("input 1", r.Message);
    }

    [Fact]
    public void RandomDirectionModeForLargeInputs()
    {
        var g = new Generator(2);
        var big = Tensor.Randn([600], g).RequireGrad();
        var ok = GradCheck.Check(t => t[0].Exp() * t[0], [big]);
        Assert.True(ok.Passed, ok.Message);
        Assert.True(ok.Element < 0);
        Assert.Contains("random direction", ok.Message);

        var bad = GradCheck.Check(t => WrongSquare(t[0]), [big]);
        Assert.False(bad.Passed);
        Assert.True(bad.Element < 0);
        Assert.Contains("random direction", bad.Message);
    }

    [Fact]
    public void MaxElementsPerInputIsAnOption()
    {
        var x = Tensor.Randn([20], new Generator(3)).RequireGrad();
        var options = new GradCheckOptions { MaxElementsPerInput = 10, RandomDirections = 3 };
        var r = GradCheck.Check(t => t[0].Square(), [x], options);
        Assert.True(r.Passed);
        Assert.InRange(r.Element, -3, -1);
        Assert.False(GradCheck.Check(t => WrongSquare(t[0]), [x], options).Passed);
    }

    [Fact]
    public void InputsNotRequiringGradAreHeldConstant()
    {
        var x = Tensor.Randn([3], new Generator(4)).RequireGrad();
        var c = Tensor.Randn([3], new Generator(5));
        Assert.True(GradCheck.Check(t => t[0] * t[1], [x, c]).Passed);
        Assert.True(GradCheck.Check(t => WrongSquare(t[1]) + t[0], [x, c]).Passed);
    }

    [Fact]
    public void NothingToCheckIsAFailureThatSaysWhy()
    {
        var c = Tensor.Ones(3);
        var r = GradCheck.Check(t => t[0] * 2f, [c]);
        Assert.False(r.Passed);
        Assert.Contains("does not depend on any input that requires grad", r.Message);
    }

    [Fact]
    public void LeavesTheCallersTensorsUntouched()
    {
        var x = Tensor.FromArray([1f, 2f]).RequireGrad();
        GradCheck.Assert(t => t[0].Square(), x);
        Assert.Equal(new float[] { 1, 2 }, x.ToArray());
        Assert.Null(x.Grad);
    }

    [Fact]
    public void ScalarInputsKeepTheirShape()
    {
        var x = Tensor.Scalar(2f).RequireGrad();
        GradCheck.Assert(t =>
        {
            Assert.Equal(0, t[0].Rank);
            return t[0].Square();
        }, x);
    }

    [Theory]
    [InlineData(100f)]
    [InlineData(1000f)]
    [InlineData(3000f)]
    public void LargeMagnitudesUseTheStepActuallyTaken(float v)
    {
        // Near 1000, x ± 1e-3 rounds to a step 2-4 % off in float32; a linear function must still pass.
        var x = Tensor.FromArray([v, -v * 0.7f, v * 1.3f]).RequireGrad();
        var r = GradCheck.Check(t => t[0] * 0.5f, [x]);
        Assert.True(r.Passed, r.Message);
        var big = Tensor.Full([600], v).RequireGrad();
        var d = GradCheck.Check(t => t[0] * 0.5f, [big]);
        Assert.True(d.Passed, d.Message);
        Assert.True(d.Element < 0);
    }
}

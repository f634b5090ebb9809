namespace Descent.Tests.Autograd;

/// <summary>Ops written outside the library with <see cref="Autograd.Record"/>, as torch.autograd.Function allows.</summary>
public class CustomOpTests
{
    // The example from Autograd.Record's docs: y = x³ with the hand-written gradient 3x²·g.
    private static Tensor Cube(Tensor x)
    {
        Tensor y;
        using (Descent.Autograd.NoGrad()) y = x * x * x;
        return Descent.Autograd.Record(y, "Cube", [x], g => [g * x * x * 3f]);
    }

    // a·eᵇ with b broadcast over a's rows; both gradients come back in the output's shape and the engine
    // sums b's down to [1, n].
    private static Tensor ScaleByExp(Tensor a, Tensor b)
    {
        Tensor e, y;
        using (Descent.Autograd.NoGrad())
        {
            e = b.Exp();
            y = a * e;
        }
        return Descent.Autograd.Record(y, "ScaleByExp", [a, b], g => [g * e, g * y]);
    }

    [Fact]
    public void ACustomOneInputOpPassesTheGradientCheck()
    {
        var x = Tensor.Randn([3, 4], new Generator(1)).RequireGrad();
        Assert.True(GradCheck.Assert(t => Cube(t[0]), x).Passed);
    }

    [Fact]
    public void ACustomOpWhoseInputWasBroadcastPassesTheGradientCheck()
    {
        var gen = new Generator(2);
        var a = Tensor.Randn([3, 4], gen).RequireGrad();
        var b = Tensor.Randn([1, 4], gen).RequireGrad();
        Assert.True(GradCheck.Assert(t => ScaleByExp(t[0], t[1]), a, b).Passed);
    }

    [Fact]
    public void TheNodeCarriesTheOpsNameAndComposesWithBuiltInOps()
    {
        var x = Tensor.FromArray([1f, 2f], 2).RequireGrad();
        var y = Cube(x);
        Assert.Equal("Cube", y.GradFn!.Name);
        (y * 2f).Sum().Backward();
        Assert.Equal([6f, 24f], x.Grad!.ToArray());
    }

    [Fact]
    public void NothingIsRecordedUnderNoGradOrWhenNoInputRequiresGrad()
    {
        var constant = Tensor.FromArray([1f, 2f], 2);
        Assert.False(Cube(constant).RequiresGrad);
        var x = Tensor.FromArray([1f, 2f], 2).RequireGrad();
        using (Descent.Autograd.NoGrad())
        {
            var y = Cube(x);
            Assert.False(y.RequiresGrad);
            Assert.Null(y.GradFn);
        }
    }

    [Fact]
    public void ABackwardThatReturnsTheWrongNumberOfGradientsIsNamedInTheError()
    {
        var x = Tensor.FromArray([1f, 2f], 2).RequireGrad();
        var y = Descent.Autograd.Record(Tensor.Zeros(2), "TooMany", [x], g => new Tensor?[] { g, g });
        var ex = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("TooMany returned 2 gradients for its 1 inputs", ex.Message);
    }

    [Fact]
    public void AResultThatAlreadyHasAGraphIsRefused()
    {
        var x = Tensor.FromArray([1f, 2f], 2).RequireGrad();
        var recorded = x * 2f;
        var ex = Assert.Throws<ArgumentException>(() => Descent.Autograd.Record(recorded, "Double", [x], g => [g * 2f]));
        Assert.Contains("Autograd.NoGrad()", ex.Message);
        Assert.Throws<ArgumentException>(() => Descent.Autograd.Record(x, "Self", [x], g => [g]));
    }
}

namespace Descent.Tests.Ops;

public class WhereAndComparisonTests
{
    [Fact]
    public void ComparisonMasks()
    {
        var a = Tensor.FromArray([1f, 2f, 3f]);
        var b = Tensor.FromArray([3f, 2f, 1f]);
        Assert.Equal(new float[] { 0, 1, 0 }, a.Eq(b).ToArray());
        Assert.Equal(new float[] { 1, 0, 1 }, a.Ne(b).ToArray());
        Assert.Equal(new float[] { 1, 0, 0 }, a.Lt(b).ToArray());
        Assert.Equal(new float[] { 1, 1, 0 }, a.Le(b).ToArray());
        Assert.Equal(new float[] { 0, 0, 1 }, a.Gt(b).ToArray());
        Assert.Equal(new float[] { 0, 1, 1 }, a.Ge(b).ToArray());
        Assert.Equal(new float[] { 0, 1, 1 }, a.Ge(2f).ToArray());
        Assert.Equal(new float[] { 0, 1, 0 }, a.Eq(2f).ToArray());
        Assert.Equal(new float[] { 1, 0, 1 }, a.Ne(2f).ToArray());
        Assert.Equal(new float[] { 1, 0, 0 }, a.Lt(2f).ToArray());
        Assert.Equal(new float[] { 1, 1, 0 }, a.Le(2f).ToArray());
        Assert.Equal(new float[] { 0, 0, 1 }, a.Gt(2f).ToArray());
    }

    [Fact]
    public void ComparisonsBroadcastAndTreatNaNAsUnordered()
    {
        var col = Tensor.FromArray([1f, 2f], 2, 1);
        var row = Tensor.FromArray([0f, 1f, 2f]);
        Assert.Equal(new float[] { 1, 0, 0, 1, 1, 0 }, col.Gt(row).ToArray());
        var n = Tensor.FromArray([float.NaN]);
        Assert.Equal(new float[] { 0 }, n.Eq(n).ToArray());
        Assert.Equal(new float[] { 1 }, n.Ne(n).ToArray());
        Assert.Equal(new float[] { 0 }, n.Lt(1f).ToArray());
    }

    [Fact]
    public void ComparisonsCarryNoGradient() => Assert.False(Inputs.Normal(1, 3).Gt(0f).RequiresGrad);

    [Fact]
    public void WherePicksAndBroadcasts()
    {
        var c = Tensor.FromArray([1f, 0f], 2, 1);
        var x = Tensor.FromArray([1f, 2f, 3f]);
        var y = Tensor.Scalar(-1f);
        var r = Tensor.Where(c, x, y);
        Assert.Equal([2, 3], r.Shape);
        Assert.Equal(new float[] { 1, 2, 3, -1, -1, -1 }, r.ToArray());
    }

    [Fact]
    public void WhereGradients()
    {
        var g = new Generator(3);
        var cond = Tensor.Rand([3, 1, 4], g).Gt(0.5f);
        GradCheck.Assert(t => Tensor.Where(cond, t[0], t[1]), Inputs.Normal(1, 5, 4), Inputs.Normal(2, 3, 5, 1));
        GradCheck.Assert(t => Tensor.Where(cond, t[0], t[1]), Inputs.Normal(3, 1), Inputs.Normal(4, 3, 1, 4));
        GradCheck.Assert(t => Tensor.Where(t[0].Gt(0f), t[0], t[0] * 0.01f), Inputs.AwayFromZero(5, 7, 3));
    }

    [Fact]
    public void WhereSendsTheGradientToThePickedSideOnly()
    {
        var x = Tensor.FromArray([1f, 2f]).RequireGrad();
        var y = Tensor.FromArray([3f, 4f]).RequireGrad();
        Tensor.Where(Tensor.FromArray([1f, 0f]), x, y).Sum().Backward();
        Assert.Equal(new float[] { 1, 0 }, x.Grad!.ToArray());
        Assert.Equal(new float[] { 0, 1 }, y.Grad!.ToArray());
    }

    [Fact]
    public void WhereRejectsIncompatibleShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Where(Tensor.Ones(2), Tensor.Ones(3), Tensor.Ones(1)));
        Assert.Contains("Where", e.Message);
        Assert.Contains("[2]", e.Message);
        Assert.Contains("[3]", e.Message);
    }
}

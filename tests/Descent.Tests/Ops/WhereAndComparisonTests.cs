namespace Descent.Tests.Ops;

public class WhereAndComparisonTests
{
    private static bool[] B(params int[] bits) => bits.Select(b => b != 0).ToArray();

    [Fact]
    public void ComparisonsGiveBoolMasks()
    {
        var a = Tensor.FromArray([1f, 2f, 3f]);
        var b = Tensor.FromArray([3f, 2f, 1f]);
        Assert.Equal(B(0, 1, 0), a.Eq(b).ToArray());
        Assert.Equal(B(1, 0, 1), a.Ne(b).ToArray());
        Assert.Equal(B(1, 0, 0), a.Lt(b).ToArray());
        Assert.Equal(B(1, 1, 0), a.Le(b).ToArray());
        Assert.Equal(B(0, 0, 1), a.Gt(b).ToArray());
        Assert.Equal(B(0, 1, 1), a.Ge(b).ToArray());
        Assert.Equal(B(0, 1, 1), a.Ge(2f).ToArray());
        Assert.Equal(B(0, 1, 0), a.Eq(2f).ToArray());
        Assert.Equal(B(1, 0, 1), a.Ne(2f).ToArray());
        Assert.Equal(B(1, 0, 0), a.Lt(2f).ToArray());
        Assert.Equal(B(1, 1, 0), a.Le(2f).ToArray());
        Assert.Equal(B(0, 0, 1), a.Gt(2f).ToArray());
        Assert.Equal(new float[] { 0, 0, 1 }, a.Gt(2f).Float().ToArray());
    }

    [Fact]
    public void ComparisonsBroadcastAndTreatNaNAsUnordered()
    {
        var col = Tensor.FromArray([1f, 2f], 2, 1);
        var row = Tensor.FromArray([0f, 1f, 2f]);
        var m = col.Gt(row);
        Assert.Equal([2, 3], m.Shape);
        Assert.Equal(B(1, 0, 0, 1, 1, 0), m.ToArray());
        var n = Tensor.FromArray([float.NaN]);
        Assert.Equal(B(0), n.Eq(n).ToArray());
        Assert.Equal(B(1), n.Ne(n).ToArray());
        Assert.Equal(B(0), n.Lt(1f).ToArray());
    }

    [Fact]
    public void WherePicksAndBroadcasts()
    {
        var c = BoolTensor.FromArray([true, false], [2, 1]);
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
        Tensor.Where(BoolTensor.FromArray([true, false]), x, y).Sum().Backward();
        Assert.Equal(new float[] { 1, 0 }, x.Grad!.ToArray());
        Assert.Equal(new float[] { 0, 1 }, y.Grad!.ToArray());
    }

    [Fact]
    public void WhereKeepsAnInfiniteGradientOffTheUnpickedSide()
    {
        // As torch.where's backward: the unpicked side gets 0, where multiplying by a 0/1 mask would give inf·0 = NaN.
        var x = Tensor.FromArray([1f, 2f]).RequireGrad();
        var y = Tensor.FromArray([3f, 4f]).RequireGrad();
        Tensor.Where(BoolTensor.FromArray([true, false]), x, y).Mul(Tensor.FromArray([float.PositiveInfinity, 1f])).Sum().Backward();
        Assert.Equal(new[] { float.PositiveInfinity, 0f }, x.Grad!.ToArray());
        Assert.Equal(new[] { 0f, 1f }, y.Grad!.ToArray());
    }

    [Fact]
    public void WhereRejectsIncompatibleShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Where(BoolTensor.Full([2], true), Tensor.Ones(3), Tensor.Ones(1)));
        Assert.Contains("Where", e.Message);
        Assert.Contains("[2]", e.Message);
        Assert.Contains("[3]", e.Message);
    }

    [Fact]
    public void MaskedFillFillsWhereTrueAndBroadcastsTheMask()
    {
        var scores = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var mask = BoolTensor.FromArray([false, true, true]);
        var r = scores.MaskedFill(mask, float.NegativeInfinity);
        Assert.Equal(new[] { 1f, float.NegativeInfinity, float.NegativeInfinity, 4f, float.NegativeInfinity, float.NegativeInfinity }, r.ToArray());
        var causal = Tensor.Ones(3, 3).MaskedFill(BoolTensor.FromArray([false, true, true, false, false, true, false, false, false], [3, 3]), 0f);
        Assert.Equal(new float[] { 1, 0, 0, 1, 1, 0, 1, 1, 1 }, causal.ToArray());
    }

    [Fact]
    public void MaskedFillBroadcastsThisTensorToTheMask()
    {
        var r = Tensor.FromArray([1f, 2f]).MaskedFill(BoolTensor.FromArray([true, false, false, true], [2, 2]), 9f);
        Assert.Equal([2, 2], r.Shape);
        Assert.Equal(new float[] { 9, 2, 1, 9 }, r.ToArray());
    }

    [Fact]
    public void MaskedFillGradients()
    {
        var g = new Generator(5);
        var mask = Tensor.Rand([3, 1, 4], g).Gt(0.5f);
        GradCheck.Assert(t => t[0].MaskedFill(mask, -2f).Square(), Inputs.Normal(1, 3, 5, 4));
        GradCheck.Assert(t => t[0].MaskedFill(mask, 0.5f).Exp(), Inputs.Normal(2, 5, 1));
        GradCheck.Assert(t => t[0].MaskedFill(BoolTensor.Full([1], true), 1f), Inputs.Normal(3, 1));
        GradCheck.Assert(t => t[0].MaskedFill(BoolTensor.FromArray([false, true, false, false, true, true, false]), float.NegativeInfinity).Softmax(-1), Inputs.Normal(4, 2, 7));
    }

    [Fact]
    public void MaskedFillGivesZeroGradientWhereFilled()
    {
        var x = Tensor.FromArray([1f, 2f, 3f]).RequireGrad();
        x.MaskedFill(BoolTensor.FromArray([false, true, false]), 0f).Mul(Tensor.FromArray([4f, 5f, 6f])).Sum().Backward();
        Assert.Equal(new float[] { 4, 0, 6 }, x.Grad!.ToArray());
    }

    [Fact]
    public void MaskedFillRejectsAMaskThatDoesNotBroadcast()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Ones(2, 3).MaskedFill(BoolTensor.Full([2], true), 0f));
        Assert.Equal("MaskedFill: shapes cannot be broadcast (dimension 1 is 3 vs 2); got [2, 3] and [2]", e.Message);
    }
}

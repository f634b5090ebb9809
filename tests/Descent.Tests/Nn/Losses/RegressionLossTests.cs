using Descent.Nn;

namespace Descent.Tests.Nn;

public class RegressionLossTests
{
    private static readonly Tensor Input = Tensor.FromArray([0.5f, 3f, -1f]);
    private static readonly Tensor Target = Tensor.FromArray([1f, 1f, 2f]);
    // input - target = [-0.5, 2, -3], so z = |diff| = [0.5, 2, 3].

    [Fact]
    public void MseValuesForEveryReduction()
    {
        // diff² = [0.25, 4, 9]: sum 13.25, mean 13.25 / 3.
        LossAssert.Close(13.25 / 3, new MSELoss().Forward(Input, Target).Item());
        LossAssert.Close(13.25, Losses.MseLoss(Input, Target, Reduction.Sum).Item());
        LossAssert.Close([0.25, 4, 9], new MSELoss(Reduction.None).Forward(Input, Target));
    }

    [Fact]
    public void MseGradientIsTwiceTheErrorOverN()
    {
        var x = Tensor.FromArray([0.5f, 3f, -1f]).RequireGrad();
        Losses.MseLoss(x, Target).Backward();
        // d/dx mean(diff²) = 2·diff / 3.
        LossAssert.Close([-1.0 / 3, 4.0 / 3, -2], x.Grad!);
    }

    [Fact]
    public void L1ValuesForEveryReduction()
    {
        LossAssert.Close(5.5 / 3, new L1Loss().Forward(Input, Target).Item());
        LossAssert.Close(5.5, Losses.L1Loss(Input, Target, Reduction.Sum).Item());
        LossAssert.Close([0.5, 2, 3], Losses.L1Loss(Input, Target, Reduction.None));
    }

    [Fact]
    public void L1GradientIsZeroWhereInputEqualsTarget()
    {
        var x = Tensor.FromArray([1f, 3f, -1f]).RequireGrad();
        Losses.L1Loss(x, Target, Reduction.Sum).Backward();
        Assert.Equal([0f, 1f, -1f], x.Grad!.ToArray());
    }

    [Fact]
    public void HuberIsQuadraticBelowDeltaAndLinearAbove()
    {
        // delta 1: 0.5·0.25 = 0.125; 1·(2 - 0.5) = 1.5; 1·(3 - 0.5) = 2.5.
        LossAssert.Close([0.125, 1.5, 2.5], Losses.HuberLoss(Input, Target, Reduction.None));
        LossAssert.Close(4.125 / 3, new HuberLoss().Forward(Input, Target).Item());
        // delta 2: z = 2 is not below delta, so 2·(2 - 1) = 2; 2·(3 - 1) = 4; sum 0.125 + 2 + 4.
        LossAssert.Close(6.125, new HuberLoss(Reduction.Sum, delta: 2f).Forward(Input, Target).Item());
    }

    [Fact]
    public void SmoothL1IsHuberOverBetaAndL1AtBetaZero()
    {
        // beta 2: 0.5·0.25/2 = 0.0625; 2 - 1 = 1; 3 - 1 = 2.
        LossAssert.Close([0.0625, 1, 2], Losses.SmoothL1Loss(Input, Target, Reduction.None, beta: 2f));
        LossAssert.Close(3.0625, new SmoothL1Loss(Reduction.Sum, beta: 2f).Forward(Input, Target).Item());
        LossAssert.Close(4.125 / 3, new SmoothL1Loss().Forward(Input, Target).Item());
        LossAssert.Close([0.5, 2, 3], Losses.SmoothL1Loss(Input, Target, Reduction.None, beta: 0f));
    }

    [Fact]
    public void HuberGradientIsClippedAtDelta()
    {
        var x = Tensor.FromArray([0.5f, 3f, -1f]).RequireGrad();
        Losses.HuberLoss(x, Target, Reduction.Sum, delta: 1f).Backward();
        // diff inside delta passes through (-0.5); outside it is delta·sign(diff).
        LossAssert.Close([-0.5, 1, -1], x.Grad!);
    }

    [Fact]
    public void SmoothL1AtBetaZeroHasFiniteGradients()
    {
        var x = Tensor.FromArray([0.5f, 3f, -1f]).RequireGrad();
        Losses.SmoothL1Loss(x, Target, beta: 0f).Backward();
        LossAssert.Close([-1.0 / 3, 1.0 / 3, -1.0 / 3], x.Grad!);
    }

    public static TheoryData<int> ReductionIndices => [0, 1, 2];

    [Theory]
    [MemberData(nameof(ReductionIndices))]
    public void GradCheckEveryLossAndReduction(int r)
    {
        var reduction = LossAssert.AllReductions[r];
        var g = new Generator(11);
        foreach (var shape in new[] { new[] { 3, 5 }, new[] { 1, 7 }, new[] { 4, 1, 3 }, new[] { 1 } })
        {
            var x = Tensor.Randn(shape, g).Mul(2f).RequireGrad();
            var y = Tensor.Randn(shape, g).RequireGrad();
            GradCheck.Assert(t => Losses.MseLoss(t[0], t[1], reduction), x, y);
            GradCheck.Assert(t => Losses.L1Loss(t[0], t[1], reduction), x, y);
            GradCheck.Assert(t => Losses.HuberLoss(t[0], t[1], reduction), x, y);
            GradCheck.Assert(t => Losses.HuberLoss(t[0], t[1], reduction, delta: 0.7f), x, y);
            GradCheck.Assert(t => Losses.SmoothL1Loss(t[0], t[1], reduction), x, y);
            GradCheck.Assert(t => Losses.SmoothL1Loss(t[0], t[1], reduction, beta: 1.5f), x, y);
            GradCheck.Assert(t => Losses.SmoothL1Loss(t[0], t[1], reduction, beta: 0f), x, y);
        }
    }

    [Fact]
    public void NoneKeepsTheInputShape()
    {
        var x = Tensor.Zeros(2, 1, 3);
        var y = Tensor.Ones(2, 1, 3);
        Loss[] losses = [new MSELoss(Reduction.None), new L1Loss(Reduction.None), new HuberLoss(Reduction.None), new SmoothL1Loss(Reduction.None)];
        foreach (var loss in losses) Assert.Equal([2, 1, 3], loss.Forward(x, y).Shape);
        Assert.Equal(0, new MSELoss().Forward(x, y).Rank);
    }
}

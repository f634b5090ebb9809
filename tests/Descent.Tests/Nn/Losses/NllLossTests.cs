using Descent.Nn;

namespace Descent.Tests.Nn;

public class NllLossTests
{
    // NLLLoss reads -input[t] directly, so hand-picked log-probabilities give readable numbers.
    private static readonly Tensor LogP = Tensor.FromArray([-0.5f, -1.2f, -2f, -3f, -0.1f, -4f, -0.7f, -0.9f, -1.5f], 3, 3);

    [Fact]
    public void ValuesForEveryReduction()
    {
        var target = Tensor.FromArray([0f, 1f, 2f]);
        // -[-0.5, -0.1, -1.5].
        LossAssert.Close([0.5, 0.1, 1.5], new NLLLoss(reduction: Reduction.None).Forward(LogP, target));
        LossAssert.Close(2.1, Losses.NllLoss(LogP, target, reduction: Reduction.Sum).Item());
        LossAssert.Close(0.7, new NLLLoss().Forward(LogP, target).Item());
    }

    [Fact]
    public void WeightsAndIgnoreIndex()
    {
        var w = Tensor.FromArray([1f, 2f, 4f]);
        var target = Tensor.FromArray([2f, -100f, 1f]);
        // Row 0: 4·2 = 8; row 1 ignored; row 2: 2·0.9 = 1.8. Mean divides by 4 + 2.
        LossAssert.Close(9.8 / 6, new NLLLoss(w).Forward(LogP, target).Item());
        LossAssert.Close(9.8, Losses.NllLoss(LogP, target, w, reduction: Reduction.Sum).Item());
        LossAssert.Close([8, 0, 1.8], Losses.NllLoss(LogP, target, w, reduction: Reduction.None));
        // Ignoring class 2 drops row 0; rows 1 and 2 pick class 1: 0.1 + 0.9.
        LossAssert.Close(1.0, Losses.NllLoss(LogP, Tensor.FromArray([2f, 1f, 1f]), ignoreIndex: 2, reduction: Reduction.Sum).Item());
    }

    [Fact]
    public void IgnoredMinusInfinityStaysOut()
    {
        // A log-probability of -inf at an ignored position must not turn the sum into NaN.
        var logp = Tensor.FromArray([float.NegativeInfinity, 0f, -1f, -2f], 2, 2).RequireGrad();
        var loss = Losses.NllLoss(logp, Tensor.FromArray([-100f, 1f]));
        Assert.Equal(2f, loss.Item());
        loss.Backward();
        Assert.Equal([0f, 0f, 0f, -1f], logp.Grad!.ToArray());
    }

    [Fact]
    public void GradientIsMinusWeightOverTotalAtTheTarget()
    {
        var x = Tensor.FromArray([-0.5f, -1.2f, -2f, -3f, -0.1f, -4f], 2, 3).RequireGrad();
        Losses.NllLoss(x, Tensor.FromArray([2f, 0f]), Tensor.FromArray([1f, 2f, 3f])).Backward();
        // loss = (3·(-x02) + 1·(-x10)) / 4.
        LossAssert.Close([0, 0, -0.75, -0.25, 0, 0], x.Grad!);
    }

    public static TheoryData<int> ReductionIndices => [0, 1, 2];

    [Theory]
    [MemberData(nameof(ReductionIndices))]
    public void GradCheckWithWeightsAndIgnoreIndex(int r)
    {
        var reduction = LossAssert.AllReductions[r];
        var g = new Generator(41);
        var x = Tensor.Randn([5, 4], g).RequireGrad();
        var target = Tensor.FromArray([3f, -100f, 0f, 1f, 3f]);
        var w = Tensor.Uniform([4], 0.5f, 2f, g).RequireGrad();
        GradCheck.Assert(t => Losses.NllLoss(t[0], target, reduction: reduction), x);
        GradCheck.Assert(t => Losses.NllLoss(t[0], target, t[1], reduction: reduction), x, w);
        var spatial = Tensor.Randn([1, 4, 3, 1], g).RequireGrad();
        var spatialTarget = Tensor.FromArray([2f, 0f, -100f], 1, 3, 1);
        GradCheck.Assert(t => Losses.NllLoss(t[0].LogSoftmax(1), spatialTarget, t[1], reduction: reduction), spatial, w);
        var single = Tensor.Randn([3], g).RequireGrad();
        GradCheck.Assert(t => Losses.NllLoss(t[0], Tensor.Scalar(1f), reduction: reduction), single);
    }
}

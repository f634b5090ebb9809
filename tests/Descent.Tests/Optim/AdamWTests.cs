using Descent.Optim;
using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class AdamWTests
{
    [Fact]
    public void DecoupledDecayComesFirst()
    {
        // lr 0.1, λ 0.1 → each step first p ← p·(1 − 0.01), then Adam's move with the raw gradient:
        // step 1: p = 0.99, Adam move 0.1 (see AdamTests) → p1 = 0.89
        // step 2: p = 0.89·0.99 = 0.8811, Adam move 0.0266337 up (g < 0 but m > 0: m = 0.02) → p2 = 0.8811 − 0.0266337 = 0.854466
        var (p1, p2) = TwoSteps(p => new AdamW([p], lr: 0.1, weightDecay: 0.1));
        Assert.Equal(0.890000002, p1, Tol);
        Assert.Equal(0.8544662987, p2, Tol);
    }

    [Fact]
    public void DefaultWeightDecayIsPyTorchs()
    {
        var opt = new AdamW([Param(1f)]);
        Assert.Equal(0.01, opt.ParamGroups[0].WeightDecay);
        Assert.Equal(0.001, opt.ParamGroups[0].Lr);
        Assert.True(opt.DecoupledWeightDecay);
    }

    [Fact]
    public void AmsgradWithDecoupledDecay()
    {
        // g = 0.5 then 0.01, λ 0.1: p1 = 0.89;  p2 = 0.89·0.99 − 0.526316·0.046 / (√0.00025 / 0.0447102) = 0.8811 − 0.0684606 = 0.812639
        var (_, p2) = TwoSteps(p => new AdamW([p], lr: 0.1, weightDecay: 0.1, amsgrad: true), 0.5f, 0.01f);
        Assert.Equal(0.8126394161, p2, Tol);
    }

    [Fact]
    public void GroupWeightDecayZeroLeavesOnlyTheAdamMove()
    {
        var (p1, _) = TwoSteps(p => new AdamW([new ParamGroup([p], weightDecay: 0)], lr: 0.1));
        Assert.Equal(0.900000002, p1, Tol);
    }
}

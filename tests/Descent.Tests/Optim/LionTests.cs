using Descent.Optim;
using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class LionTests
{
    [Fact]
    public void TwoStepsWithDecoupledDecay()
    {
        // lr 0.1, β (0.9, 0.99), λ 0.5.
        // step 1: p = 1·(1 − 0.05) = 0.95;  u = sign(0.9·0 + 0.1·0.5) = 1;  p1 = 0.85;  m = 0.01·0.5 = 0.005
        // step 2: p = 0.85·0.95 = 0.8075;  u = sign(0.0045 − 0.025) = −1;  p2 = 0.9075;  m = 0.00495 − 0.0025 = 0.00245
        var p = Param(1f);
        var opt = new Lion([p], lr: 0.1, weightDecay: 0.5);
        Assert.Equal(0.85, StepWith(opt, p, 0.5f), Tol);
        Assert.Equal(0.9075, StepWith(opt, p, -0.25f), Tol);
        Assert.Equal(0.00245, opt.GetState(p)!.ExpAvg[0], 1e-8);
    }

    [Fact]
    public void MomentumCanOutvoteTheGradientsSign()
    {
        // step 2 with g = −0.01: u = sign(0.9·0.005 + 0.1·(−0.01)) = sign(0.0035) = +1, so p keeps falling: 0.9 → 0.8
        var (p1, p2) = OptimTestKit.TwoSteps(p => new Lion([p], lr: 0.1), 0.5f, -0.01f);
        Assert.Equal(0.9, p1, Tol);
        Assert.Equal(0.8, p2, Tol);
    }

    [Fact]
    public void ZeroInterpolationMeansNoMove()
    {
        // sign(0) = 0, as torch.sign: a zero gradient on a fresh state leaves p where it is.
        var (p1, _) = OptimTestKit.TwoSteps(p => new Lion([p], lr: 0.1), 0f, 0f);
        Assert.Equal(1f, p1);
    }

    [Fact]
    public void DefaultsAreLionPytorchs()
    {
        var opt = new Lion([Param(1f)]);
        Assert.Equal(1e-4, opt.ParamGroups[0].Lr);
        Assert.Equal(0.9, opt.ParamGroups[0].Beta1);
        Assert.Equal(0.99, opt.ParamGroups[0].Beta2);
        Assert.Equal(0, opt.ParamGroups[0].WeightDecay);
    }
}

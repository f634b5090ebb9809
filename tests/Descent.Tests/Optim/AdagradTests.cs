using Descent.Optim;
using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class AdagradTests
{
    [Fact]
    public void TwoSteps()
    {
        // lr 0.1, s0 = 0.  step 1: s = 0.25;  p1 = 1 − 0.1·0.5 / 0.5 = 0.9
        // step 2: s = 0.3125;  p2 = 0.9 + 0.1·0.25 / √0.3125 (0.559017) = 0.944721
        var (p1, p2) = OptimTestKit.TwoSteps(p => new Adagrad([p], lr: 0.1));
        Assert.Equal(0.9, p1, Tol);
        Assert.Equal(0.9447213595, p2, Tol);
    }

    [Fact]
    public void LrDecayInitialAccumulatorAndWeightDecay()
    {
        // lr 0.1, η 0.5, s0 0.1, λ 0.1.
        // step 1: g = 0.5 + 0.1 = 0.6;  lr' = 0.1;  s = 0.1 + 0.36 = 0.46;  p1 = 1 − 0.1·0.6 / 0.678233 = 0.911535
        // step 2: g = −0.25 + 0.1·0.911535 = −0.158847;  lr' = 0.1 / (1 + 0.5) = 0.0666667
        //         s = 0.46 + 0.0252322 = 0.485232;  p2 = 0.911535 + 0.0666667·0.158847 / 0.696586 = 0.926737
        var (p1, p2) = OptimTestKit.TwoSteps(p => new Adagrad([p], lr: 0.1, lrDecay: 0.5, weightDecay: 0.1, initialAccumulatorValue: 0.1));
        Assert.Equal(0.9115348263, p1, Tol);
        Assert.Equal(0.9267372077, p2, Tol);
    }

    [Fact]
    public void MaximizeClimbs()
    {
        var (p1, p2) = OptimTestKit.TwoSteps(p => new Adagrad([p], lr: 0.1, maximize: true));
        Assert.Equal(1.1, p1, Tol);
        Assert.Equal(1.0552786404, p2, Tol);
    }

    [Fact]
    public void StateExistsFromConstructionAsInPyTorch()
    {
        var p = Param(1f, 2f, 3f);
        var opt = new Adagrad([p], initialAccumulatorValue: 0.25);
        Assert.Equal([0.25f, 0.25f, 0.25f], opt.GetState(p)!.Sum);
        Assert.Equal(0, opt.GetState(p)!.Step);
        Assert.Contains("state.0.sum", opt.StateDict().Keys);
    }
}

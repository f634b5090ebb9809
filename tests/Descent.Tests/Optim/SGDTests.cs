using Descent.Optim;
using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class SGDTests
{
    [Fact]
    public void PlainStepsFollowTheGradient()
    {
        // lr 0.1, p = 1:  p1 = 1 − 0.1·0.5 = 0.95;  p2 = 0.95 − 0.1·(−0.25) = 0.975
        var (p1, p2) = TwoSteps(p => new SGD([p], lr: 0.1));
        Assert.Equal(0.95, p1, Tol);
        Assert.Equal(0.975, p2, Tol);
    }

    [Fact]
    public void DefaultLrIsPyTorchs()
    {
        // lr 1e-3:  p1 = 1 − 1e-3·0.5 = 0.9995
        var (p1, _) = TwoSteps(p => new SGD([p]));
        Assert.Equal(0.9995, p1, Tol);
    }

    [Fact]
    public void MomentumWithDampeningAndWeightDecay()
    {
        // lr 0.1, μ 0.9, τ 0.5, λ 0.1.
        // step 1: g = 0.5 + 0.1·1 = 0.6;  b = g = 0.6 (first step: no dampening);  p1 = 1 − 0.06 = 0.94
        // step 2: g = −0.25 + 0.1·0.94 = −0.156;  b = 0.9·0.6 + 0.5·(−0.156) = 0.462;  p2 = 0.94 − 0.0462 = 0.8938
        var (p1, p2) = TwoSteps(p => new SGD([p], lr: 0.1, momentum: 0.9, dampening: 0.5, weightDecay: 0.1));
        Assert.Equal(0.94, p1, Tol);
        Assert.Equal(0.8938, p2, Tol);
    }

    [Fact]
    public void Nesterov()
    {
        // lr 0.1, μ 0.9.
        // step 1: b = 0.5;  g = 0.5 + 0.9·0.5 = 0.95;  p1 = 1 − 0.095 = 0.905
        // step 2: b = 0.9·0.5 − 0.25 = 0.2;  g = −0.25 + 0.9·0.2 = −0.07;  p2 = 0.905 + 0.007 = 0.912
        var (p1, p2) = TwoSteps(p => new SGD([p], lr: 0.1, momentum: 0.9, nesterov: true));
        Assert.Equal(0.905, p1, Tol);
        Assert.Equal(0.912, p2, Tol);
    }

    [Fact]
    public void MaximizeClimbs()
    {
        // lr 0.1, g negated:  p1 = 1 + 0.05 = 1.05;  p2 = 1.05 − 0.025 = 1.025
        var (p1, p2) = TwoSteps(p => new SGD([p], lr: 0.1, maximize: true));
        Assert.Equal(1.05, p1, Tol);
        Assert.Equal(1.025, p2, Tol);
    }

    [Fact]
    public void MomentumBufferIsStateAndStartsAtTheFirstGradient()
    {
        var p = Param(1f, 2f);
        var opt = new SGD([p], lr: 0.1, momentum: 0.9, dampening: 0.5);
        Assert.Null(opt.GetState(p));
        StepWith(opt, p, 0.5f, -1f);
        Assert.Equal([0.5f, -1f], opt.GetState(p)!.MomentumBuffer!);
    }

    [Fact]
    public void GroupsHaveTheirOwnLrAndWeightDecay()
    {
        // group a: lr 0.5 (own), λ 0 → a1 = 1 − 0.5·0.5 = 0.75
        // group b: lr 0.1 (default), λ 1 (own) → g = 0.5 + 1·1 = 1.5, b1 = 1 − 0.15 = 0.85
        var a = Param(1f);
        var b = Param(1f);
        var opt = new SGD([new ParamGroup([a], lr: 0.5), new ParamGroup([b], weightDecay: 1)], lr: 0.1);
        a.Grad = Tensor.FromArray([0.5f]);
        b.Grad = Tensor.FromArray([0.5f]);
        opt.Step();
        Assert.Equal(0.75, a.Data[0], Tol);
        Assert.Equal(0.85, b.Data[0], Tol);
        Assert.Equal(0.5, opt.ParamGroups[0].InitialLr);
        Assert.Equal(0.1, opt.ParamGroups[1].Lr);
    }

    [Fact]
    public void ReadsTheGroupsCurrentLrAndMomentumEachStep()
    {
        // step 1 (lr 0.1, μ 0.9): b = 0.5, p1 = 0.95.  A schedule then sets lr 0.2, μ 0.5:
        // step 2: b = 0.5·0.5 + 0.5 = 0.75;  p2 = 0.95 − 0.2·0.75 = 0.8
        var p = Param(1f);
        var opt = new SGD([p], lr: 0.1, momentum: 0.9);
        StepWith(opt, p, 0.5f);
        opt.ParamGroups[0].Lr = 0.2;
        opt.ParamGroups[0].Momentum = 0.5;
        Assert.Equal(0.8, StepWith(opt, p, 0.5f), Tol);
    }

    [Fact]
    public void SetsMomentumOnEachGroupForSchedules()
    {
        var opt = new SGD([Param(1f)], momentum: 0.8);
        Assert.Equal(0.8, opt.ParamGroups[0].Momentum);
        Assert.Null(opt.ParamGroups[0].Beta1);
    }

    [Fact]
    public void GradientOfTheWrongShapeThrowsNamingBothShapes()
    {
        var p = Param(1f, 2f);
        var opt = new SGD([p]);
        p.Grad = Tensor.FromArray([1f, 2f, 3f]);
        var e = Assert.Throws<ArgumentException>(opt.Step);
        Assert.Contains("SGD.Step", e.Message);
        Assert.Contains("[2]", e.Message);
        Assert.Contains("[3]", e.Message);
    }

    [Fact]
    public void ParameterInTwoGroupsThrows()
    {
        var p = Param(1f);
        var e = Assert.Throws<ArgumentException>(() => new SGD([new ParamGroup([p]), new ParamGroup([p])]));
        Assert.Contains("more than once", e.Message);
    }
}

using Descent.Optim;
using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class AdamTests
{
    [Fact]
    public void TwoStepsWithBiasCorrection()
    {
        // lr 0.1, β (0.9, 0.999), ε 1e-8, p = 1.
        // step 1: m = 0.1·0.5 = 0.05;  v = 0.001·0.25 = 0.00025;  step size = 0.1 / (1 − 0.9) = 1
        //         denom = √0.00025 / √0.001 + ε = 0.5 + 1e-8;  p1 = 1 − 0.05 / 0.5 = 0.9
        // step 2: m = 0.9·0.05 + 0.1·(−0.25) = 0.02;  v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225
        //         step size = 0.1 / (1 − 0.81) = 0.526316;  denom = 0.0176706 / √0.001999 (0.0447102) = 0.395225
        //         p2 = 0.9 − 0.526316·0.02 / 0.395225 = 0.9 − 0.0266337 = 0.873366
        var (p1, p2) = TwoSteps(p => new Adam([p], lr: 0.1));
        Assert.Equal(0.900000002, p1, Tol);
        Assert.Equal(0.8733662987, p2, Tol);
    }

    [Fact]
    public void WeightDecayIsAddedToTheGradient()
    {
        // λ 0.1 (L2).  step 1: g = 0.5 + 0.1 = 0.6;  m = 0.06, v = 0.00036;  p1 = 1 − 0.06 / 0.6 = 0.9
        // step 2: g = −0.25 + 0.1·0.9 = −0.16;  m = 0.054 − 0.016 = 0.038;  v = 0.00035964 + 0.0000256 = 0.00038524
        //         p2 = 0.9 − 0.526316·0.038 / (√0.00038524 / 0.0447102) = 0.9 − 0.0455586 = 0.854441
        var (p1, p2) = TwoSteps(p => new Adam([p], lr: 0.1, weightDecay: 0.1));
        Assert.Equal(0.9, p1, Tol);
        Assert.Equal(0.8544413675, p2, Tol);
    }

    [Fact]
    public void AmsgradKeepsTheLargestSecondMoment()
    {
        // g = 0.5 then 0.01, so v falls: v1 = 0.00025, v2 = 0.999·0.00025 + 0.001·0.0001 = 0.00024985.
        // m2 = 0.045 + 0.001 = 0.046.  AMSGrad uses max(v1, v2) = 0.00025:
        //   p2 = 0.9 − 0.526316·0.046 / (√0.00025 / 0.0447102) = 0.831539;  plain Adam uses v2: 0.831519
        var (_, ams) = TwoSteps(p => new Adam([p], lr: 0.1, amsgrad: true), 0.5f, 0.01f);
        var (_, plain) = TwoSteps(p => new Adam([p], lr: 0.1), 0.5f, 0.01f);
        Assert.Equal(0.8315394162, ams, Tol);
        Assert.Equal(0.8315188687, plain, Tol);
    }

    [Fact]
    public void MaximizeClimbs()
    {
        // The gradient is negated, so the moves mirror TwoStepsWithBiasCorrection: 1 + 0.1, then + 0.0266337.
        var (p1, p2) = TwoSteps(p => new Adam([p], lr: 0.1, maximize: true));
        Assert.Equal(1.099999998, p1, Tol);
        Assert.Equal(1.1266337013, p2, Tol);
    }

    [Fact]
    public void StepCountsArePerParameter()
    {
        // b gets no gradient on the first step, so its first update has step 1 and moves by lr·sign(g) = 0.1.
        var a = Param(1f);
        var b = Param(1f);
        var opt = new Adam([a, b], lr: 0.1);
        a.Grad = Tensor.FromArray([0.5f]);
        opt.Step();
        b.Grad = Tensor.FromArray([0.5f]);
        opt.Step();
        Assert.Equal(2, opt.GetState(a)!.Step);
        Assert.Equal(1, opt.GetState(b)!.Step);
        Assert.Equal(0.9, b.Data[0], Tol);
        Assert.Equal(2, opt.StepCount);
    }

    [Fact]
    public void SkipsParametersWithoutGradient()
    {
        var a = Param(1f);
        var b = Param(2f);
        var opt = new Adam([a, b], lr: 0.1);
        a.Grad = Tensor.FromArray([0.5f]);
        opt.Step();
        Assert.Equal(2f, b.Data[0]);
        Assert.Null(opt.GetState(b));
        Assert.NotEqual(1f, a.Data[0]);
    }

    [Fact]
    public void SetsBetasOnEachGroupAndReadsThemEachStep()
    {
        // A schedule sets β1 = 0 before step 1: m = g, so the step is lr·g / (√v̂ + ε) with β2 = 0.999 → 1 − 0.1.
        var p = Param(1f);
        var opt = new Adam([p], lr: 0.1, beta1: 0.95);
        Assert.Equal(0.95, opt.ParamGroups[0].Beta1);
        Assert.Equal(0.999, opt.ParamGroups[0].Beta2);
        opt.ParamGroups[0].Beta1 = 0;
        Assert.Equal(0.9, StepWith(opt, p, 0.5f), Tol);
        Assert.Equal([0.5f], opt.GetState(p)!.ExpAvg);
    }
}

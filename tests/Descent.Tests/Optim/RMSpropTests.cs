using Descent.Optim;
using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class RMSpropTests
{
    [Fact]
    public void TwoSteps()
    {
        // lr 0.01, α 0.99, ε 1e-8.  step 1: v = 0.01·0.25 = 0.0025;  p1 = 1 − 0.01·0.5 / (0.05 + ε) = 0.9
        // step 2: v = 0.99·0.0025 + 0.01·0.0625 = 0.0031;  p2 = 0.9 + 0.01·0.25 / 0.0556776 = 0.944901
        var (p1, p2) = OptimTestKit.TwoSteps(p => new RMSprop([p], lr: 0.01));
        Assert.Equal(0.90000002, p1, Tol);
        Assert.Equal(0.9449013374, p2, Tol);
    }

    [Fact]
    public void Centered()
    {
        // step 1: ḡ = 0.01·0.5 = 0.005;  v = 0.0025;  d = √(0.0025 − 0.000025) = 0.0497494;  p1 = 1 − 0.005 / 0.0497494 = 0.899496
        // step 2: ḡ = 0.99·0.005 + 0.01·(−0.25) = 0.00245;  v = 0.0031;  d = √(0.0031 − 0.0000060025) = 0.0556237
        //         p2 = 0.899496 + 0.0025 / 0.0556237 = 0.944441
        var (p1, p2) = OptimTestKit.TwoSteps(p => new RMSprop([p], lr: 0.01, centered: true));
        Assert.Equal(0.8994962387, p1, Tol);
        Assert.Equal(0.9444410903, p2, Tol);
    }

    [Fact]
    public void Momentum()
    {
        // μ 0.9.  step 1: b = 0.5 / 0.05 = 10;  p1 = 1 − 0.01·10 = 0.9
        // step 2: b = 0.9·10 − 0.25 / 0.0556776 = 9 − 4.490133 = 4.509867;  p2 = 0.9 − 0.0450987 = 0.854901
        var (p1, p2) = OptimTestKit.TwoSteps(p => new RMSprop([p], lr: 0.01, momentum: 0.9));
        Assert.Equal(0.90000002, p1, Tol);
        Assert.Equal(0.8549013554, p2, Tol);
    }

    [Fact]
    public void CenteredMomentumAndWeightDecay()
    {
        // λ 0.1, μ 0.9, centered.  step 1: g = 0.6;  v = 0.0036;  ḡ = 0.006;  d = √(0.0036 − 0.000036) = 0.0596992
        //         b = 0.6 / 0.0596992 = 10.05038;  p1 = 1 − 0.1005038 = 0.899496
        // step 2: g = −0.25 + 0.0899496 = −0.1600504;  v = 0.003564 + 0.000256161 = 0.00382016
        //         ḡ = 0.00594 − 0.0016005 = 0.0043395;  d = √(0.00382016 − 0.0000188313) = 0.0616549
        //         b = 9.045339 − 2.595905 = 6.449434;  p2 = 0.899496 − 0.0644943 = 0.835002
        var (p1, p2) = OptimTestKit.TwoSteps(p => new RMSprop([p], lr: 0.01, momentum: 0.9, centered: true, weightDecay: 0.1));
        Assert.Equal(0.8994962353, p1, Tol);
        Assert.Equal(0.8350019, p2, Tol);
    }

    [Fact]
    public void MaximizeClimbs()
    {
        var (p1, p2) = OptimTestKit.TwoSteps(p => new RMSprop([p], lr: 0.01, maximize: true));
        Assert.Equal(1.09999998, p1, Tol);
        Assert.Equal(1.0550986626, p2, Tol);
    }

    [Fact]
    public void StateHoldsTheBuffersItsOptionsNeed()
    {
        var p = Param(1f);
        var plain = new RMSprop([p]);
        StepWith(plain, p, 0.5f);
        Assert.Null(plain.GetState(p)!.MomentumBuffer);
        Assert.Null(plain.GetState(p)!.GradAvg);
        var q = Param(1f);
        var full = new RMSprop([q], momentum: 0.5, centered: true);
        StepWith(full, q, 0.5f);
        Assert.Equal(["state.0.step", "state.0.square_avg", "state.0.momentum_buffer", "state.0.grad_avg"],
            full.StateDict().Keys.Where(k => k.StartsWith("state.", StringComparison.Ordinal)));
    }
}

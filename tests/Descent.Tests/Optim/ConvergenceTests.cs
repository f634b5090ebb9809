using Descent.Optim;
using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class ConvergenceTests
{
    [Theory]
    [MemberData(nameof(AllNames), MemberType = typeof(OptimTestKit))]
    public void QuadraticBowlConverges(string name)
    {
        // f(x) = Σ cᵢ(xᵢ − tᵢ)² with curvatures from 0.5 to 2; the minimum is t (weight decay moves it by < 0.05).
        // The lr drops 3× at steps 200 and 300, as a step schedule would, so sign-based Lion settles too.
        var target = Tensor.FromArray([1f, -2f, 0.5f, 1.5f, -1f]);
        var curvature = Tensor.FromArray([0.5f, 1f, 2f, 1f, 0.75f]);
        var x = Tensor.Zeros(5).RequireGrad();
        var opt = Make(name, [x]);
        float first = 0, last = 0;
        for (int step = 0; step < 400; step++)
        {
            if (step is 200 or 300) opt.ParamGroups[0].Lr /= 3;
            x.Grad = null;
            var loss = (curvature * (x - target).Square()).Sum();
            loss.Backward();
            if (step == 0) first = loss.Item();
            last = loss.Item();
            opt.Step();
        }
        Assert.True(last < first * 1e-3, $"{name}: loss went from {first} to {last}");
        for (int i = 0; i < 5; i++) Assert.Equal(target.Data[i], x.Data[i], 0.1);
    }
}

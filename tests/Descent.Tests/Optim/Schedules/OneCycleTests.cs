using Descent.Optim.Schedules;

namespace Descent.Tests.Optim.Schedules;

public class OneCycleTests
{
    private const double MaxLr = 0.01;

    [Fact]
    public void FastaiStartsAtMaxOver25PeaksAtPctStartAndEndsAtMaxOver1e5()
    {
        var s = OneCycle.Fastai(totalSteps: 200, maxLr: MaxLr);
        Assert.Equal(MaxLr / 25, s.Lr(0, 1.0), 15);
        Assert.Equal(MaxLr, s.Lr(50, 1.0), 15);              // position 0.25
        Assert.Equal(MaxLr / 1e5, s.Lr(200, 1.0), 15);       // fastai's final rate: lr_max/div_final
    }

    [Fact]
    public void FastaiAnnealsWithACosineInBothPhases()
    {
        var s = OneCycle.Fastai(totalSteps: 200, maxLr: MaxLr);
        // SchedCos(start, end)(p) = start + (1 + cos(π(1 - p)))·(end - start)/2; p = 0.5 is the midpoint.
        double Cos(double start, double end, double p) => start + (1 + Math.Cos(Math.PI * (1 - p))) * (end - start) / 2;
        Expect.Close(Cos(MaxLr / 25, MaxLr, 0.5), s.Lr(25, 1.0));
        Expect.Close(Cos(MaxLr / 25, MaxLr, 10.0 / 200 / 0.25), s.Lr(10, 1.0));
        Expect.Close(Cos(MaxLr, MaxLr / 1e5, 0.5), s.Lr(125, 1.0));
        Expect.Close(Cos(MaxLr, MaxLr / 1e5, (170.0 / 200 - 0.25) / 0.75), s.Lr(170, 1.0));
    }

    [Fact]
    public void FastaiMomentumGoesFrom095To085AndBack()
    {
        var s = OneCycle.Fastai(totalSteps: 200, maxLr: MaxLr);
        Assert.Equal(0.95, s.Momentum(0)!.Value, 15);
        Assert.Equal(0.85, s.Momentum(50)!.Value, 15);
        Assert.Equal(0.90, s.Momentum(25)!.Value, 15);
        Assert.Equal(0.95, s.Momentum(200)!.Value, 15);
    }

    [Fact]
    public void FastaiDefaults()
    {
        var s = OneCycle.Fastai(100);
        Assert.Equal(OneCycleVariant.Fastai, s.Variant);
        Assert.Equal(0.25, s.PctStart);
        Assert.Equal(25, s.DivFactor);
        Assert.Equal(1e5, s.FinalDivFactor);
        Assert.Equal(0.85, s.BaseMomentum);
        Assert.Equal(0.95, s.MaxMomentum);
        Assert.Null(s.MaxLr);
        Assert.Equal(100, s.TotalSteps);
    }

    [Fact]
    public void TheConstructorIsPyTorchsOneCycleLRWithItsDefaults()
    {
        var s = new OneCycle(100, maxLr: MaxLr);
        Assert.Equal(OneCycleVariant.PyTorch, s.Variant);
        Assert.Equal(0.3, s.PctStart);
        Assert.Equal(AnnealStrategy.Cos, s.Anneal);
        Assert.Equal(25, s.DivFactor);
        Assert.Equal(1e4, s.FinalDivFactor);
        Assert.False(s.ThreePhase);
        Assert.True(s.CyclesMomentum);
        var named = OneCycle.PyTorch(100, maxLr: MaxLr);
        for (long t = 0; t <= 100; t++)
        {
            Assert.Equal(named.Lr(t, 1.0), s.Lr(t, 1.0));
            Assert.Equal(named.Momentum(t), s.Momentum(t));
        }
        Assert.Equal(MaxLr, s.Lr(29, 1.0), 15);              // PyTorch's peak is at step pct_start·T − 1
        Assert.NotEqual(OneCycle.Fastai(100, maxLr: MaxLr).Lr(10, 1.0), s.Lr(10, 1.0));
    }

    [Fact]
    public void WithoutMaxLrTheBaseRateIsThePeak()
    {
        var s = OneCycle.Fastai(totalSteps: 100);
        Assert.Equal(0.3, s.Lr(25, 0.3), 15);
        Assert.Equal(0.3 / 25, s.Lr(0, 0.3), 15);
    }

    [Fact]
    public void PyTorchVariantUsesItsPhaseEndsAndFinalRate()
    {
        var s = OneCycle.PyTorch(totalSteps: 100, maxLr: MaxLr);
        double initial = MaxLr / 25, min = initial / 1e4;
        // phases end at pct_start·T - 1 = 29 and T - 1 = 99
        Assert.Equal(initial, s.Lr(0, 1.0), 15);
        Assert.Equal(MaxLr, s.Lr(29, 1.0), 15);
        Assert.Equal(min, s.Lr(99, 1.0), 15);
        // _annealing_cos(start, end, pct) = end + (start - end)/2·(cos(π·pct) + 1)
        Expect.Close(MaxLr + (initial - MaxLr) / 2.0 * (Math.Cos(Math.PI * 10 / 29) + 1), s.Lr(10, 1.0));
        Expect.Close(min + (MaxLr - min) / 2.0 * (Math.Cos(Math.PI * (60 - 29) / 70.0) + 1), s.Lr(60, 1.0));
        Assert.Equal(0.95, s.Momentum(0)!.Value, 15);
        Assert.Equal(0.85, s.Momentum(29)!.Value, 15);
        Assert.Equal(0.95, s.Momentum(99)!.Value, 15);
    }

    [Fact]
    public void PyTorchVariantDefinesStepTotalByContinuingTheLastPhase()
    {
        // PyTorch allows step_num == total_steps (the rate after the last optimizer step) and extrapolates
        // the final phase; TorchSharp sets 0 there instead.
        var s = OneCycle.PyTorch(totalSteps: 100, maxLr: MaxLr);
        double min = MaxLr / 25 / 1e4;
        Expect.Close(min + (MaxLr - min) / 2.0 * (Math.Cos(Math.PI * 71 / 70.0) + 1), s.Lr(100, 1.0));
        Assert.True(s.Lr(100, 1.0) > 0);
    }

    [Fact]
    public void PyTorchLinearAnnealing()
    {
        var s = OneCycle.PyTorch(totalSteps: 100, maxLr: MaxLr, anneal: AnnealStrategy.Linear);
        double initial = MaxLr / 25, min = initial / 1e4;
        // (end - start)·pct + start
        Expect.Close((MaxLr - initial) * (10 / 29.0) + initial, s.Lr(10, 1.0));
        Expect.Close((min - MaxLr) * (50 / 70.0) + MaxLr, s.Lr(79, 1.0));
        Expect.Close((0.95 - 0.85) * (50 / 70.0) + 0.85, s.Momentum(79)!.Value);
    }

    [Fact]
    public void PyTorchThreePhaseReturnsToTheInitialRateBeforeAnnealing()
    {
        var s = OneCycle.PyTorch(totalSteps: 100, maxLr: MaxLr, threePhase: true);
        double initial = MaxLr / 25, min = initial / 1e4;
        // phases end at 29, 2·0.3·100 - 2 = 58 and 99
        Assert.Equal(MaxLr, s.Lr(29, 1.0), 15);
        Assert.Equal(initial, s.Lr(58, 1.0), 15);
        Assert.Equal(min, s.Lr(99, 1.0), 15);
        Assert.Equal(0.85, s.Momentum(29)!.Value, 15);
        Assert.Equal(0.95, s.Momentum(58)!.Value, 15);
        Assert.Equal(0.95, s.Momentum(80)!.Value, 15);
    }

    [Fact]
    public void PyTorchDefaults()
    {
        var s = OneCycle.PyTorch(100);
        Assert.Equal(OneCycleVariant.PyTorch, s.Variant);
        Assert.Equal(0.3, s.PctStart);
        Assert.Equal(1e4, s.FinalDivFactor);
        Assert.Equal(25, s.DivFactor);
        Assert.Equal(AnnealStrategy.Cos, s.Anneal);
        Assert.False(s.ThreePhase);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AStepPastTheEndSaysSo(bool pyTorch)
    {
        var s = pyTorch ? OneCycle.PyTorch(totalSteps: 100) : OneCycle.Fastai(totalSteps: 100);
        s.Lr(100, 0.1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => s.Lr(101, 0.1));
        Assert.Contains("step 101 is past the schedule's end (total steps 100)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Momentum(101));
    }

    [Fact]
    public void CycleMomentumOff()
    {
        var s = OneCycle.Fastai(100, cycleMomentum: false);
        Assert.False(s.CyclesMomentum);
        Assert.Null(s.Momentum(10));
    }

    [Fact]
    public void InvalidArgumentsNameTheParameterAndValue()
    {
        Expect.OutOfRange("totalSteps", "0", () => OneCycle.Fastai(0));
        Expect.OutOfRange("maxLr", "-0.1", () => OneCycle.Fastai(10, maxLr: -0.1));
        Expect.OutOfRange("pctStart", "1.5", () => OneCycle.Fastai(10, pctStart: 1.5));
        Expect.OutOfRange("pctStart", "-0.1", () => OneCycle.PyTorch(10, pctStart: -0.1));
        Expect.OutOfRange("divFactor", "0", () => OneCycle.Fastai(10, divFactor: 0));
        Expect.OutOfRange("finalDivFactor", "-1", () => OneCycle.PyTorch(10, finalDivFactor: -1));
        Expect.OutOfRange("baseMomentum", "1", () => OneCycle.Fastai(10, baseMomentum: 1));
        Expect.OutOfRange("anneal", "3", () => OneCycle.PyTorch(10, anneal: (AnnealStrategy)3));
        // pct_start·T - 1 = 0: PyTorch's first phase has no length and it divides by zero at step 0.
        Expect.OutOfRange("pctStart", "0.25", () => OneCycle.PyTorch(4, pctStart: 0.25));
    }
}

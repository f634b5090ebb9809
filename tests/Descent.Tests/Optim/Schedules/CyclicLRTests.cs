using Descent.Optim.Schedules;

namespace Descent.Tests.Optim.Schedules;

public class CyclicLRTests
{
    private const double Low = 0.001, High = 0.006;

    [Fact]
    public void TriangularRisesToTheMaxAtStepSizeUpAndReturnsAtTwice()
    {
        var s = new CyclicLR(Low, High, stepSizeUp: 4);
        Assert.Equal(Low, s.Lr(0, 1.0));
        Assert.Equal(Low + (High - Low) * 0.5, s.Lr(2, 1.0), 15);
        Assert.Equal(High, s.Lr(4, 1.0), 15);
        Assert.Equal(Low + (High - Low) * 0.5, s.Lr(6, 1.0), 15);
        Assert.Equal(Low, s.Lr(8, 1.0), 15);
        Assert.Equal(High, s.Lr(12, 1.0), 15);    // every cycle reaches the same peak
    }

    [Fact]
    public void MomentumCyclesOppositeToTheRate()
    {
        var s = new CyclicLR(Low, High, stepSizeUp: 4);
        // max_momentum - (max_momentum - base_momentum)·scale_factor: 0.9 at the lowest rate, 0.8 at the peak
        Assert.Equal(0.9, s.Momentum(0));
        Assert.Equal(0.9 - 0.1 * 0.5, s.Momentum(2)!.Value, 15);
        Assert.Equal(0.8, s.Momentum(4)!.Value, 15);
        Assert.Equal(0.9, s.Momentum(8)!.Value, 15);
        for (long step = 0; step < 8; step++)
        {
            bool rising = s.Lr(step + 1, 1.0) > s.Lr(step, 1.0);
            Assert.Equal(rising, s.Momentum(step + 1) < s.Momentum(step));
        }
    }

    [Fact]
    public void Triangular2HalvesTheAmplitudeEachCycle()
    {
        var s = new CyclicLR(Low, High, stepSizeUp: 4, mode: CyclicMode.Triangular2);
        Assert.Equal(High, s.Lr(4, 1.0), 15);
        Assert.Equal(Low + (High - Low) / 2, s.Lr(12, 1.0), 15);
        Assert.Equal(Low + (High - Low) / 4, s.Lr(20, 1.0), 15);
        Assert.Equal(0.9 - 0.1 / 2, s.Momentum(12)!.Value, 15);
    }

    [Fact]
    public void ExpRangeScalesByGammaToTheStepEveryIteration()
    {
        const double gamma = 0.9;
        var s = new CyclicLR(Low, High, stepSizeUp: 4, mode: CyclicMode.ExpRange, gamma: gamma);
        // base + (max - base)·scale_factor·gamma^step (per step, not per cycle)
        Expect.Close(Low + (High - Low) * 0.5 * Math.Pow(gamma, 2), s.Lr(2, 1.0));
        Expect.Close(Low + (High - Low) * Math.Pow(gamma, 4), s.Lr(4, 1.0));
        Expect.Close(Low + (High - Low) * Math.Pow(gamma, 12), s.Lr(12, 1.0));
        Expect.Close(0.9 - 0.1 * Math.Pow(gamma, 4), s.Momentum(4)!.Value);
    }

    [Fact]
    public void StepSizeDownMakesTheCycleAsymmetric()
    {
        var s = new CyclicLR(Low, High, stepSizeUp: 2, stepSizeDown: 6);
        Assert.Equal(High, s.Lr(2, 1.0), 15);
        Assert.Equal(Low + (High - Low) * (1 - 3.0 / 6), s.Lr(5, 1.0), 15);
        Assert.Equal(Low, s.Lr(8, 1.0), 15);
    }

    [Fact]
    public void WithoutMaxLrTheGroupsInitialRateIsThePeak()
    {
        var s = new CyclicLR(Low, stepSizeUp: 4);
        Assert.Equal(0.05, s.Lr(4, 0.05), 15);
        Assert.Equal(0.02, s.Lr(4, 0.02), 15);
    }

    [Fact]
    public void CycleMomentumOffGivesNoMomentum()
    {
        var s = new CyclicLR(Low, High, cycleMomentum: false);
        Assert.False(s.CyclesMomentum);
        Assert.Null(s.Momentum(5));
    }

    [Fact]
    public void DefaultsArePyTorchs()
    {
        var s = new CyclicLR(Low, High);
        Assert.Equal(2000, s.StepSizeUp);
        Assert.Equal(2000, s.StepSizeDown);
        Assert.Equal(CyclicMode.Triangular, s.Mode);
        Assert.Equal(1.0, s.Gamma);
        Assert.True(s.CycleMomentum);
        Assert.Equal(0.8, s.BaseMomentum);
        Assert.Equal(0.9, s.MaxMomentum);
        Assert.Null(s.TotalSteps);
    }

    [Fact]
    public void InvalidArgumentsNameTheParameterAndValue()
    {
        Expect.OutOfRange("baseLr", "-0.1", () => new CyclicLR(-0.1, High));
        Expect.OutOfRange("maxLr", "-1", () => new CyclicLR(Low, -1));
        Expect.OutOfRange("stepSizeUp", "0", () => new CyclicLR(Low, High, stepSizeUp: 0));
        Expect.OutOfRange("stepSizeDown", "-3", () => new CyclicLR(Low, High, stepSizeDown: -3));
        Expect.OutOfRange("gamma", "-2", () => new CyclicLR(Low, High, gamma: -2));
        Expect.OutOfRange("baseMomentum", "1.2", () => new CyclicLR(Low, High, baseMomentum: 1.2));
        Expect.OutOfRange("maxMomentum", "-0.5", () => new CyclicLR(Low, High, maxMomentum: -0.5));
        Expect.OutOfRange("mode", "7", () => new CyclicLR(Low, High, mode: (CyclicMode)7));
    }
}

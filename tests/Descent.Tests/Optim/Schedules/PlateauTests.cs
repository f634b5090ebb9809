using Descent.Optim.Schedules;

namespace Descent.Tests.Optim.Schedules;

public class PlateauTests
{
    [Theory]
    [InlineData(false, double.PositiveInfinity)]
    [InlineData(true, double.NegativeInfinity)]
    public void StartsFromTheWorstValueSoTheFirstFiniteValueImproves(bool higherIsBetter, double worst)
    {
        var p = new Plateau(higherIsBetter, threshold: 0.1, ThresholdMode.Rel);
        Assert.Equal(worst, p.Best);
        Assert.True(p.Step(5));
        Assert.Equal(5, p.Best);
        Assert.Equal(0, p.NumBad);
    }

    [Theory]
    [InlineData(false, ThresholdMode.Rel, 0.1, 8.9, true)]     // below 10·0.9 = 9
    [InlineData(false, ThresholdMode.Rel, 0.1, 9.0, false)]    // on the threshold: not better
    [InlineData(false, ThresholdMode.Abs, 0.5, 9.4, true)]
    [InlineData(false, ThresholdMode.Abs, 0.5, 9.5, false)]
    [InlineData(true, ThresholdMode.Rel, 0.1, 11.1, true)]     // above 10·1.1 = 11
    [InlineData(true, ThresholdMode.Rel, 0.1, 11.0, false)]
    [InlineData(true, ThresholdMode.Abs, 0.5, 10.6, true)]
    [InlineData(true, ThresholdMode.Abs, 0.5, 10.5, false)]
    public void PyTorchRuleMovesTheBestByTheThreshold(bool higherIsBetter, ThresholdMode mode, double threshold, double value, bool better)
    {
        var p = new Plateau(higherIsBetter, threshold, mode);
        p.Step(10);
        Assert.Equal(better, p.IsBetter(value));
    }

    [Fact]
    public void PyTorchRelativeRuleOnANegativeBestIsPyTorchsToo()
    {
        // best·(1 − t) with a negative best lies above it: PyTorch's quirk, kept.
        var p = new Plateau(higherIsBetter: false, threshold: 0.1, ThresholdMode.Rel);
        p.Step(-10);
        Assert.True(p.IsBetter(-9.5));
    }

    [Fact]
    public void KerasRuleMovesTheValueByTheDelta()
    {
        var min = Plateau.Keras(higherIsBetter: false, minDelta: 0.5);
        min.Step(10);
        Assert.True(min.IsBetter(9.4));
        Assert.False(min.IsBetter(9.5));
        var max = Plateau.Keras(higherIsBetter: true, minDelta: 0.5);
        max.Step(10);
        Assert.True(max.IsBetter(10.6));
        Assert.False(max.IsBetter(10.5));
    }

    [Fact]
    public void KerasRuleRoundsAsKerasWritesIt()
    {
        // 0.7 + 0.2 rounds below 0.9 while 0.9 − 0.2 rounds to 0.7 itself: a tie to the last bit that Keras
        // (value + δ < best) calls an improvement and PyTorch (value < best − δ) does not.
        var keras = Plateau.Keras(higherIsBetter: false, minDelta: 0.2);
        keras.Step(0.9);
        Assert.True(keras.IsBetter(0.7));
        var torch = new Plateau(higherIsBetter: false, threshold: 0.2, ThresholdMode.Abs);
        torch.Step(0.9);
        Assert.False(torch.IsBetter(0.7));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ATieIsNotAnImprovement(bool higherIsBetter)
    {
        var p = Plateau.Keras(higherIsBetter);
        p.Step(1);
        Assert.False(p.Step(1));
        Assert.Equal(1, p.NumBad);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NaNNeverImprovesAndCountsAsBad(bool higherIsBetter)
    {
        var p = new Plateau(higherIsBetter, threshold: 1e-4, ThresholdMode.Rel);
        Assert.False(p.Step(double.NaN));
        Assert.Equal(higherIsBetter ? double.NegativeInfinity : double.PositiveInfinity, p.Best);
        Assert.Equal(1, p.NumBad);
        p.Step(3);
        Assert.False(p.Step(double.NaN));
        Assert.Equal(3, p.Best);
    }

    [Fact]
    public void InfinityAtTheStartIsATie()
    {
        var p = Plateau.Keras(higherIsBetter: false);
        Assert.False(p.Step(double.PositiveInfinity));
        Assert.Equal(1, p.NumBad);
    }

    [Fact]
    public void ExhaustedAfterMoreThanPatienceBadStepsAndAnImprovementStartsAgain()
    {
        var p = new Plateau(higherIsBetter: false, patience: 2);
        p.Step(10);
        p.Step(10);
        p.Step(10);
        Assert.False(p.Exhausted);
        p.Step(10);
        Assert.True(p.Exhausted);
        Assert.Equal(3, p.NumBad);
        Assert.True(p.Step(9));
        Assert.False(p.Exhausted);
        Assert.Equal(0, p.NumBad);
    }

    [Fact]
    public void CooldownWipesTheBadCountForItsLength()
    {
        var p = new Plateau(higherIsBetter: false, patience: 0, cooldown: 2);
        p.Step(10);
        p.Step(10);
        Assert.True(p.Exhausted);
        p.StartCooldown();
        Assert.Equal(2, p.CooldownCounter);
        Assert.Equal(0, p.NumBad);
        p.Step(10);                       // cooldown 2 → 1: not counted
        Assert.Equal(0, p.NumBad);
        p.Step(10);                       // cooldown 1 → 0: not counted
        Assert.Equal(0, p.NumBad);
        Assert.Equal(0, p.CooldownCounter);
        p.Step(10);
        Assert.Equal(1, p.NumBad);
        Assert.True(p.Exhausted);
    }

    [Fact]
    public void AnImprovementDuringCooldownIsStillTheNewBest()
    {
        var p = new Plateau(higherIsBetter: true, patience: 0, cooldown: 3);
        p.Step(1);
        p.StartCooldown();
        Assert.True(p.Step(2));
        Assert.Equal(2, p.Best);
        Assert.Equal(2, p.CooldownCounter);
    }

    [Fact]
    public void RestoreAndResetRoundTheState()
    {
        var p = new Plateau(higherIsBetter: false, patience: 1, cooldown: 4);
        p.Restore(0.25, numBad: 1, cooldownCounter: 0);
        Assert.Equal((0.25, 1, 0), (p.Best, p.NumBad, p.CooldownCounter));
        p.Step(0.5);
        Assert.True(p.Exhausted);
        p.HigherIsBetter = true;
        p.Reset();
        Assert.Equal((double.NegativeInfinity, 0, 0), (p.Best, p.NumBad, p.CooldownCounter));
    }

    [Fact]
    public void RejectsBadSettings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Plateau(false, threshold: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Plateau(false, threshold: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Plateau(false, patience: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Plateau(false, cooldown: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Plateau(false, thresholdMode: (ThresholdMode)7));
    }
}

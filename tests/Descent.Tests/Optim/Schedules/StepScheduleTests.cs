using Descent.Optim.Schedules;

namespace Descent.Tests.Optim.Schedules;

public class StepScheduleTests
{
    private const double Base = 0.1;

    [Fact]
    public void ConstantKeepsTheBaseRate()
    {
        var s = new Constant();
        foreach (long step in new long[] { 0, 1, 1000 }) Assert.Equal(Base, s.Lr(step, Base));
    }

    [Fact]
    public void ConstantWithFactorIsPyTorchsConstantLR()
    {
        // ConstantLR(factor=1/3, total_iters=5): base/3 for steps 0..4, base from step 5.
        var s = new Constant(1.0 / 3, 5);
        Assert.Equal(Base / 3, s.Lr(0, Base), 15);
        Assert.Equal(Base / 3, s.Lr(4, Base), 15);
        Assert.Equal(Base, s.Lr(5, Base));
    }

    [Fact]
    public void StepDropsEveryStepSize()
    {
        var s = new Step(stepSize: 3, gamma: 0.5);
        // base·gamma^(step / stepSize), integer division
        Assert.Equal(Base, s.Lr(0, Base));
        Assert.Equal(Base, s.Lr(2, Base));
        Assert.Equal(Base * 0.5, s.Lr(3, Base));
        Assert.Equal(Base * 0.25, s.Lr(8, Base));
        Assert.Equal(Base * Math.Pow(0.5, 3), s.Lr(9, Base));
    }

    [Fact]
    public void StepDefaultsToGammaOneTenth() => Assert.Equal(Base * 0.1, new Step(10).Lr(10, Base), 15);

    [Fact]
    public void MultiStepCountsMilestonesAtOrBeforeTheStep()
    {
        var s = new MultiStep([80, 30], gamma: 0.1);
        Assert.Equal(Base, s.Lr(29, Base));
        Assert.Equal(Base * 0.1, s.Lr(30, Base), 15);
        Assert.Equal(Base * 0.1, s.Lr(79, Base), 15);
        Assert.Equal(Base * 0.01, s.Lr(80, Base), 15);
    }

    [Fact]
    public void MultiStepCountsARepeatedMilestoneTwice()
    {
        // PyTorch keeps milestones in a Counter: [2, 2] multiplies by gamma² at step 2.
        var s = new MultiStep([2, 2], gamma: 0.5);
        Assert.Equal(Base, s.Lr(1, Base));
        Assert.Equal(Base * 0.25, s.Lr(2, Base));
    }

    [Fact]
    public void ExponentialMultipliesEveryStep()
    {
        var s = new Exponential(0.9);
        Assert.Equal(Base, s.Lr(0, Base));
        Assert.Equal(Base * 0.9, s.Lr(1, Base), 15);
        Assert.Equal(Base * Math.Pow(0.9, 7), s.Lr(7, Base), 15);
    }

    [Fact]
    public void CosineAnnealingFollowsTheClosedForm()
    {
        const double eta = 0.001;
        var s = new CosineAnnealing(tMax: 10, etaMin: eta);
        // eta + (base - eta)·(1 + cos(π·t/T))/2
        Assert.Equal(Base, s.Lr(0, Base), 15);
        Assert.Equal(eta + (Base - eta) / 2, s.Lr(5, Base), 15);
        Assert.Equal(eta, s.Lr(10, Base), 15);
        Expect.Close(eta + (Base - eta) * (1 + Math.Cos(Math.PI * 3 / 10)) / 2, s.Lr(3, Base));
    }

    [Fact]
    public void CosineAnnealingKeepsFollowingTheCosinePastTMax()
    {
        var s = new CosineAnnealing(tMax: 10);
        Assert.Equal(Base / 2, s.Lr(15, Base), 15);
        Assert.Equal(Base, s.Lr(20, Base), 15);
        Assert.Equal(s.Lr(7, Base), s.Lr(13, Base), 15);
    }

    [Fact]
    public void WarmRestartsRestartAtT0AndT0PlusT0TMult()
    {
        const double eta = 0.01;
        var s = new CosineAnnealingWarmRestarts(t0: 10, tMult: 2, etaMin: eta);
        double Cos(double tCur, double tI) => eta + (Base - eta) * (1 + Math.Cos(Math.PI * tCur / tI)) / 2;
        Assert.Equal(Base, s.Lr(0, Base), 15);
        Expect.Close(Cos(9, 10), s.Lr(9, Base));
        Assert.Equal(Base, s.Lr(10, Base), 15);          // first restart: t0
        Expect.Close(Cos(10, 20), s.Lr(20, Base));      // half-way through the 20-step cycle
        Expect.Close(Cos(19, 20), s.Lr(29, Base));
        Assert.Equal(Base, s.Lr(30, Base), 15);          // second restart: t0 + t0·tMult
        Assert.Equal(Base, s.Lr(70, Base), 15);          // third: 10 + 20 + 40
    }

    [Fact]
    public void WarmRestartsWithTMultOneRepeatTheSameCycle()
    {
        var s = new CosineAnnealingWarmRestarts(t0: 4);
        for (long step = 0; step < 4; step++)
        {
            Assert.Equal(s.Lr(step, Base), s.Lr(step + 4, Base));
            Assert.Equal(s.Lr(step, Base), s.Lr(step + 40, Base));
        }
        Assert.Equal(Base / 2, s.Lr(6, Base), 15);
    }

    [Fact]
    public void WarmRestartsLandExactlyOnARestartWherePyTorchsLogarithmRoundsDown()
    {
        // t0 = 1, tMult = 10 restarts at 1, 11, 111. PyTorch computes int(log(111·9 + 1, 10)) =
        // int(2.9999999999999996) = 2 and gives etaMin at step 111; the restart is meant.
        var s = new CosineAnnealingWarmRestarts(t0: 1, tMult: 10);
        Assert.Equal(Base, s.Lr(111, Base), 15);
        Assert.Equal(Base / 2, s.Lr(61, Base), 15);   // 50 steps into the 100-step cycle starting at 11
    }

    [Fact]
    public void LinearWarmupRisesThenHandsOverToTheNextScheduleAtItsStepZero()
    {
        var s = new LinearWarmup(4, startFactor: 0.2, then: new Step(stepSize: 2, gamma: 0.5));
        // base·(0.2 + 0.8·step/4) during the warm-up
        Assert.Equal(Base * 0.2, s.Lr(0, Base), 15);
        Assert.Equal(Base * (0.2 + 0.8 * 3 / 4), s.Lr(3, Base), 15);
        Assert.Equal(Base, s.Lr(4, Base), 15);          // Step at its step 0
        Assert.Equal(Base, s.Lr(5, Base), 15);
        Assert.Equal(Base * 0.5, s.Lr(6, Base), 15);    // Step at its step 2
    }

    [Fact]
    public void LinearWarmupWithoutAFollowerStaysAtTheBaseRate()
    {
        var s = new LinearWarmup(5);
        Assert.Equal(Base / 3, s.Lr(0, Base), 15);
        Assert.Equal(Base, s.Lr(5, Base));
        Assert.Equal(Base, s.Lr(500, Base));
    }

    [Fact]
    public void LinearWarmupCarriesTheFollowersEndAndMomentum()
    {
        var s = new LinearWarmup(10, 0.1, OneCycle.Fastai(totalSteps: 100, maxLr: 1.0));
        Assert.Equal(110, s.TotalSteps);
        Assert.True(s.CyclesMomentum);
        Assert.Equal(0.95, s.Momentum(3));              // OneCycle's step-0 momentum holds during the warm-up
        Assert.Equal(1.0 / 1e5, s.Lr(110, 1.0), 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Lr(111, 1.0));
    }

    [Fact]
    public void SampleListsTheCurve()
    {
        var s = new Step(2, 0.5);
        Assert.Equal([1.0, 1.0, 0.5, 0.5, 0.25], s.Sample(5, 1.0));
    }

    [Fact]
    public void NegativeStepThrows() => Expect.OutOfRange("step", "-1", () => new Exponential(0.9).Lr(-1, Base));

    [Fact]
    public void InvalidArgumentsNameTheParameterAndValue()
    {
        Expect.OutOfRange("factor", "1.5", () => new Constant(1.5));
        Expect.OutOfRange("totalIters", "-1", () => new Constant(0.5, -1));
        Expect.OutOfRange("stepSize", "0", () => new Step(0));
        Expect.OutOfRange("gamma", "-0.1", () => new Step(3, -0.1));
        Expect.OutOfRange("milestones", "-5", () => new MultiStep([3, -5]));
        Expect.OutOfRange("gamma", "NaN", () => new Exponential(double.NaN));
        Expect.OutOfRange("tMax", "0", () => new CosineAnnealing(0));
        Expect.OutOfRange("etaMin", "-1", () => new CosineAnnealing(10, -1));
        Expect.OutOfRange("t0", "0", () => new CosineAnnealingWarmRestarts(0));
        Expect.OutOfRange("tMult", "0", () => new CosineAnnealingWarmRestarts(5, 0));
        Expect.OutOfRange("warmupSteps", "-2", () => new LinearWarmup(-2));
        Expect.OutOfRange("startFactor", "0", () => new LinearWarmup(5, 0));
        Expect.OutOfRange("count", "-1", () => new Constant().Sample(-1, 0.1));
    }
}

using Descent.Optim;
using Descent.Optim.Schedules;

namespace Descent.Tests.Optim.Schedules;

public class ReduceLROnPlateauTests
{
    private static PlainGradientDescent Optimizer(double lr = 1.0) => new([Tensor.Zeros(2).RequireGrad()], lr);

    private static double Lr(Optimizer o) => o.ParamGroups[0].Lr;

    [Fact]
    public void ReducesAfterPatiencePlusOneBadEpochs()
    {
        var opt = Optimizer();
        var plateau = new ReduceLROnPlateau(opt, factor: 0.5, patience: 2);
        plateau.Step(10);                   // best = 10
        plateau.Step(10);                   // bad 1
        plateau.Step(10);                   // bad 2 = patience: not yet
        Assert.Equal(1.0, Lr(opt));
        Assert.Equal(2, plateau.NumBadEpochs);
        plateau.Step(10);                   // bad 3 > patience: reduce
        Assert.Equal(0.5, Lr(opt));
        Assert.Equal(0, plateau.NumBadEpochs);
        plateau.Step(9);                    // an improvement resets the count
        plateau.Step(9);
        plateau.Step(9);
        Assert.Equal(0.5, Lr(opt));
        plateau.Step(9);
        Assert.Equal(0.25, Lr(opt));
    }

    [Fact]
    public void CooldownIgnoresBadEpochsAfterAReduction()
    {
        var opt = Optimizer();
        var plateau = new ReduceLROnPlateau(opt, factor: 0.5, patience: 0, cooldown: 2);
        var lrs = new List<double>();
        for (int i = 0; i < 6; i++)
        {
            plateau.Step(1);
            lrs.Add(Lr(opt));
        }
        // epoch 1: best; 2: bad → reduce, cooldown 2; 3 and 4: cooldown; 5: bad → reduce; 6: cooldown
        Assert.Equal([1.0, 0.5, 0.5, 0.5, 0.25, 0.25], lrs);
    }

    [Fact]
    public void NeverGoesBelowMinLr()
    {
        var opt = Optimizer();
        var plateau = new ReduceLROnPlateau(opt, factor: 0.1, patience: 0, minLr: 0.05);
        plateau.Step(1);
        plateau.Step(1);
        Assert.Equal(0.1, Lr(opt), 15);
        plateau.Step(1);
        Assert.Equal(0.05, Lr(opt));
        plateau.Step(1);
        Assert.Equal(0.05, Lr(opt));
    }

    [Fact]
    public void SkipsAReductionNoLargerThanEps()
    {
        // old - new = 1.5e-8 - 0.75e-8 <= eps = 1e-8: unchanged
        var opt = Optimizer(1.5e-8);
        var plateau = new ReduceLROnPlateau(opt, factor: 0.5, patience: 0);
        plateau.Step(1);
        plateau.Step(1);
        Assert.Equal(1.5e-8, Lr(opt));
    }

    [Fact]
    public void RelativeThresholdNeedsBestTimesOneMinusThreshold()
    {
        var plateau = new ReduceLROnPlateau(Optimizer(), threshold: 0.1);
        plateau.Step(10);
        plateau.Step(9.5);                  // not < 10·0.9
        Assert.Equal(10, plateau.Best);
        Assert.Equal(1, plateau.NumBadEpochs);
        plateau.Step(8.9);
        Assert.Equal(8.9, plateau.Best);
        Assert.Equal(0, plateau.NumBadEpochs);
    }

    [Fact]
    public void AbsoluteThresholdNeedsBestMinusThreshold()
    {
        var plateau = new ReduceLROnPlateau(Optimizer(), threshold: 0.1, thresholdMode: ThresholdMode.Abs);
        plateau.Step(10);
        plateau.Step(9.95);                 // not < 9.9
        Assert.Equal(10, plateau.Best);
        plateau.Step(9.85);
        Assert.Equal(9.85, plateau.Best);
    }

    [Fact]
    public void MaxModeWantsTheMetricToRise()
    {
        var opt = Optimizer();
        var plateau = new ReduceLROnPlateau(opt, PlateauMode.Max, factor: 0.5, patience: 1, threshold: 0.1);
        plateau.Step(0.5);
        plateau.Step(0.56);                 // > 0.5·1.1 = 0.55: better
        Assert.Equal(0.56, plateau.Best);
        plateau.Step(0.6);                  // not > 0.616
        plateau.Step(0.4);
        Assert.Equal(0.5, Lr(opt));
        var abs = new ReduceLROnPlateau(Optimizer(), PlateauMode.Max, threshold: 0.1, thresholdMode: ThresholdMode.Abs);
        abs.Step(0.5);
        abs.Step(0.59);
        Assert.Equal(0.5, abs.Best);
        abs.Step(0.61);
        Assert.Equal(0.61, abs.Best);
    }

    [Fact]
    public void ReducesEveryGroup()
    {
        var opt = new PlainGradientDescent([new ParamGroup([Tensor.Zeros(1)], lr: 1.0), new ParamGroup([Tensor.Zeros(1)], lr: 0.1)], 0.5);
        var plateau = new ReduceLROnPlateau(opt, patience: 0);
        plateau.Step(1);
        plateau.Step(2);
        Assert.Equal(0.1, opt.ParamGroups[0].Lr, 15);
        Assert.Equal(0.01, opt.ParamGroups[1].Lr, 15);
    }

    [Fact]
    public void StateDictRoundTripsTheCounters()
    {
        var a = new ReduceLROnPlateau(Optimizer(), patience: 3, cooldown: 2);
        foreach (var m in new[] { 5.0, 4.0, 4.0, 4.0 }) a.Step(m);
        var b = new ReduceLROnPlateau(Optimizer(), patience: 3, cooldown: 2);
        b.LoadStateDict(a.StateDict());
        Assert.Equal(a.Best, b.Best);
        Assert.Equal(2, b.NumBadEpochs);
        Assert.Equal(4, b.StepCount);
        var e = Assert.Throws<ArgumentException>(() => b.LoadStateDict(new Dictionary<string, double> { ["best"] = 1 }));
        Assert.Contains("num_bad_epochs", e.Message);
    }

    [Fact]
    public void InvalidArgumentsNameTheParameterAndValue()
    {
        Expect.OutOfRange("factor", "1", () => new ReduceLROnPlateau(Optimizer(), factor: 1.0));
        Expect.OutOfRange("patience", "-1", () => new ReduceLROnPlateau(Optimizer(), patience: -1));
        Expect.OutOfRange("threshold", "-0.1", () => new ReduceLROnPlateau(Optimizer(), threshold: -0.1));
        Expect.OutOfRange("cooldown", "-2", () => new ReduceLROnPlateau(Optimizer(), cooldown: -2));
        Expect.OutOfRange("minLr", "-1", () => new ReduceLROnPlateau(Optimizer(), minLr: -1));
        Expect.OutOfRange("eps", "-1E-08", () => new ReduceLROnPlateau(Optimizer(), eps: -1e-8));
        Expect.OutOfRange("mode", "5", () => new ReduceLROnPlateau(Optimizer(), (PlateauMode)5));
    }
}

using Descent.Optim;
using Descent.Optim.Schedules;

namespace Descent.Tests.Optim.Schedules;

public class LrSchedulerTests
{
    private static PlainGradientDescent TwoGroups() =>
        new([new ParamGroup([Tensor.Zeros(2)], lr: 0.1), new ParamGroup([Tensor.Zeros(3)], lr: 0.01)], 0.5);

    private static double[] Lrs(Optimizer o) => o.ParamGroups.Select(g => g.Lr).ToArray();

    [Fact]
    public void ScalesEachGroupFromItsInitialRate()
    {
        var opt = TwoGroups();
        var scheduler = new LrScheduler(opt, new Step(stepSize: 2, gamma: 0.5));
        Assert.Equal([0.1, 0.01], Lrs(opt));
        scheduler.Step();
        Assert.Equal([0.1, 0.01], Lrs(opt));
        scheduler.Step();
        Assert.Equal(2, scheduler.StepCount);
        Assert.Equal([0.05, 0.005], Lrs(opt));
        Assert.Equal([0.05, 0.005], scheduler.LastLr);
    }

    [Fact]
    public void AbsoluteSchedulesPeakAtEachGroupsInitialRateUnlessGiven()
    {
        var opt = TwoGroups();
        var scheduler = new LrScheduler(opt, OneCycle.Fastai(totalSteps: 100, cycleMomentum: false));
        Assert.Equal(0.1 / 25, opt.ParamGroups[0].Lr, 15);
        Assert.Equal(0.01 / 25, opt.ParamGroups[1].Lr, 15);
        for (int i = 0; i < 25; i++) scheduler.Step();
        Assert.Equal(0.1, opt.ParamGroups[0].Lr, 15);
        Assert.Equal(0.01, opt.ParamGroups[1].Lr, 15);

        var shared = TwoGroups();
        new LrScheduler(shared, OneCycle.Fastai(totalSteps: 100, maxLr: 1.0, cycleMomentum: false));
        Assert.Equal([1.0 / 25, 1.0 / 25], Lrs(shared));
    }

    [Fact]
    public void SetsMomentumOrBeta1WhenTheScheduleCyclesIt()
    {
        var sgdLike = new ParamGroup([Tensor.Zeros(1)]) { Momentum = 0.0 };
        var adamLike = new ParamGroup([Tensor.Zeros(1)]) { Beta1 = 0.9, Beta2 = 0.999 };
        var opt = new PlainGradientDescent([sgdLike, adamLike], 0.1);
        var scheduler = new LrScheduler(opt, new CyclicLR(0.001, 0.01, stepSizeUp: 4));
        Assert.Equal(0.9, sgdLike.Momentum);
        Assert.Equal(0.9, adamLike.Beta1);
        Assert.Null(adamLike.Momentum);
        for (int i = 0; i < 4; i++) scheduler.Step();
        Assert.Equal(0.8, sgdLike.Momentum!.Value, 15);
        Assert.Equal(0.8, adamLike.Beta1!.Value, 15);
        Assert.Equal(0.999, adamLike.Beta2);
        Assert.Equal(0.01, sgdLike.Lr, 15);
    }

    [Fact]
    public void LeavesMomentumAloneWhenTheScheduleDoesNotCycleIt()
    {
        var group = new ParamGroup([Tensor.Zeros(1)]) { Momentum = 0.7 };
        var scheduler = new LrScheduler(new PlainGradientDescent([group], 0.1), new CyclicLR(0.001, 0.01, cycleMomentum: false));
        scheduler.Step();
        Assert.Equal(0.7, group.Momentum);
    }

    [Fact]
    public void RefusesToCycleMomentumOfAnOptimizerWithout()
    {
        var opt = new PlainGradientDescent([Tensor.Zeros(1)], 0.1);
        var e = Assert.Throws<ArgumentException>(() => new LrScheduler(opt, OneCycle.Fastai(10)));
        Assert.Contains("neither momentum nor beta1", e.Message);
        Assert.Equal(0.1, opt.ParamGroups[0].Lr);
    }

    [Fact]
    public void AStepPastTheEndThrowsAndChangesNothing()
    {
        var opt = TwoGroups();
        var scheduler = new LrScheduler(opt, OneCycle.PyTorch(totalSteps: 3, pctStart: 0.5, cycleMomentum: false));
        for (int i = 0; i < 3; i++) scheduler.Step();
        var before = Lrs(opt);
        var e = Assert.Throws<ArgumentOutOfRangeException>(scheduler.Step);
        Assert.Contains("step 4 is past the schedule's end (total steps 3)", e.Message);
        Assert.Equal(3, scheduler.StepCount);
        Assert.Equal(before, Lrs(opt));
    }

    [Fact]
    public void ResumesFromItsStateDict()
    {
        var schedule = new CosineAnnealing(tMax: 20);
        var first = TwoGroups();
        var a = new LrScheduler(first, schedule);
        for (int i = 0; i < 7; i++) a.Step();
        var state = a.StateDict();
        Assert.Equal(7, state["last_epoch"]);

        var second = TwoGroups();
        var b = new LrScheduler(second, schedule);
        b.LoadStateDict(state);
        Assert.Equal(7, b.StepCount);
        Assert.Equal(Lrs(first), Lrs(second));
        a.Step();
        b.Step();
        Assert.Equal(Lrs(first), Lrs(second));

        var c = new LrScheduler(TwoGroups(), schedule, startStep: 8);
        Assert.Equal(Lrs(first), c.LastLr);
    }

    [Fact]
    public void LoadStateDictNamesMissingAndUnexpectedKeys()
    {
        var scheduler = new LrScheduler(TwoGroups(), new Constant());
        var e = Assert.Throws<ArgumentException>(() => scheduler.LoadStateDict(new Dictionary<string, double> { ["last_epoch"] = 3, ["base_lrs.0"] = 0.1, ["extra"] = 1 }));
        Assert.Contains("missing keys: base_lrs.1", e.Message);
        Assert.Contains("unexpected keys: extra", e.Message);
        Expect.OutOfRange("state", "-2", () => scheduler.LoadStateDict(new Dictionary<string, double> { ["last_epoch"] = -2, ["base_lrs.0"] = 0.1, ["base_lrs.1"] = 0.1 }));
    }

    [Fact]
    public void DrivesTrainingOfAParameter()
    {
        // p -= lr·g with g = 1 for loss = sum(p): after steps at lrs 1, 0.5, 0.25 the weight is -1.75.
        var p = Tensor.Zeros(1).RequireGrad();
        var opt = new PlainGradientDescent([p], 1.0);
        var scheduler = new LrScheduler(opt, new Exponential(0.5));
        for (int i = 0; i < 3; i++)
        {
            p.Sum().Backward();
            opt.Step();
            opt.ZeroGrad();
            scheduler.Step();
        }
        Assert.Equal(-1.75f, p.Item());
        Assert.Equal(0.125, opt.ParamGroups[0].Lr);
    }

    [Fact]
    public void InvalidStartStepNamesTheValue() =>
        Expect.OutOfRange("startStep", "-1", () => new LrScheduler(TwoGroups(), new Constant(), startStep: -1));
}

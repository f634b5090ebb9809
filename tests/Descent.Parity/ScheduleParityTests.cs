using Descent.Optim;
using Descent.Optim.Schedules;
using TorchSharp;
using static TorchSharp.torch.optim.lr_scheduler;
using TParameter = TorchSharp.Modules.Parameter;
using TSGD = TorchSharp.Modules.SGD;

namespace Descent.Parity;

/// <summary>
/// Every schedule's learning rate (and momentum where it cycles) step by step: our LrScheduler drives an SGD
/// with momentum and two parameter groups, side by side with TorchSharp's scheduler on TorchSharp's SGD.
/// TorchSharp's schedulers are C# ports, and where they deviate from PyTorch (or are missing) the
/// reference is PyTorch's formula written out here, with the deviation named.
/// </summary>
public class ScheduleParityTests
{
    private const int Steps = 120;
    private static readonly double[] BaseLrs = [0.1, 0.03];

    static ScheduleParityTests() => Descent.Oracle.LibTorchLoadFix.Apply();

    private static void Close(string what, double ours, double reference)
    {
        double err = Math.Abs(ours - reference) / Math.Max(Math.Abs(reference), 1e-12);
        Assert.True(err <= 1e-9, $"{what}: Descent {ours:R}, reference {reference:R} (relative error {err:G3})");
    }

    private static (SGD Ours, torch.optim.Optimizer Theirs) Optimizers(int groups = 2)
    {
        var ours = new SGD(BaseLrs.Take(groups).Select((lr, i) => new ParamGroup([Tensor.Zeros(3 - i).RequireGrad()], lr: lr)), momentum: 0.9);
        var theirs = torch.optim.SGD(BaseLrs.Take(groups).Select((lr, i) => new TSGD.ParamGroup([new TParameter(torch.zeros(3 - i))], lr, 0.9, 0, 0, false, false)), BaseLrs[0], momentum: 0.9);
        return (ours, theirs);
    }

    /// <summary>Steps both schedulers <see cref="Steps"/> times, comparing every group's lr (and momentum if asked) before each step.</summary>
    private static void Drive(string name, Schedule schedule, Func<torch.optim.Optimizer, LRScheduler> theirs, bool momentum = false, int steps = Steps, int groups = 2)
    {
        var (opt, topt) = Optimizers(groups);
        var ours = new LrScheduler(opt, schedule);
        var reference = theirs(topt);
        for (int step = 0; step < steps; step++)
        {
            var tgroups = topt.ParamGroups.ToArray();
            for (int i = 0; i < tgroups.Length; i++)
            {
                Close($"{name} lr of group {i} at step {step}", opt.ParamGroups[i].Lr, tgroups[i].LearningRate);
                if (momentum) Close($"{name} momentum of group {i} at step {step}", opt.ParamGroups[i].Momentum!.Value, ((torch.optim.IMomentum)tgroups[i]).Momentum);
            }
            opt.Step();
            topt.step();
            ours.Step();
            reference.step();
        }
    }

    /// <summary>Steps our scheduler, comparing every group's lr and momentum with PyTorch's formula written out.</summary>
    private static void DriveFormula(string name, Schedule schedule, Func<long, double, double> lr, Func<long, double>? momentum = null, int steps = Steps)
    {
        var (opt, _) = Optimizers();
        var ours = new LrScheduler(opt, schedule);
        for (long step = 0; step < steps; step++)
        {
            for (int i = 0; i < BaseLrs.Length; i++)
            {
                Close($"{name} lr of group {i} at step {step}", opt.ParamGroups[i].Lr, lr(step, BaseLrs[i]));
                if (momentum != null) Close($"{name} momentum of group {i} at step {step}", opt.ParamGroups[i].Momentum!.Value, momentum(step));
            }
            opt.Step();
            if (step < steps - 1) ours.Step();
        }
    }

    [Fact]
    [Parity("Schedule.Step")]
    public void StepMatchesStepLR()
    {
        Drive("Step(7, 0.5)", new Step(7, 0.5), o => StepLR(o, 7, 0.5));
        Drive("Step(1)", new Step(1), o => StepLR(o, 1));
    }

    [Fact]
    [Parity("Schedule.MultiStep")]
    public void MultiStepMatchesMultiStepLR() =>
        Drive("MultiStep([60, 10, 25], 0.3)", new MultiStep([60, 10, 25], 0.3), o => MultiStepLR(o, [10, 25, 60], 0.3));

    [Fact]
    [Parity("Schedule.Exponential")]
    public void ExponentialMatchesExponentialLR() =>
        Drive("Exponential(0.97)", new Exponential(0.97), o => ExponentialLR(o, 0.97));

    [Fact]
    [Parity("Schedule.CosineAnnealing")]
    public void CosineAnnealingMatchesCosineAnnealingLR()
    {
        // 120 steps over tMax 50 go past the end, where PyTorch's cosine climbs back up.
        Drive("CosineAnnealing(50, 0.001)", new CosineAnnealing(50, 0.001), o => CosineAnnealingLR(o, 50, 0.001));
        Drive("CosineAnnealing(13)", new CosineAnnealing(13), o => CosineAnnealingLR(o, 13));
    }

    [Fact]
    [Parity("Schedule.Constant")]
    public void ConstantMatchesConstantLR()
    {
        Drive("Constant(0.25, 20)", new Constant(0.25, 20), o => ConstantLR(o, 0.25, 20));
        Drive("Constant(1/3, 5)", new Constant(1.0 / 3, 5), o => ConstantLR(o));
    }

    [Fact]
    [Parity("Schedule.LinearWarmup")]
    public void LinearWarmupMatchesLinearLR()
    {
        Drive("LinearWarmup(30, 0.2)", new LinearWarmup(30, 0.2), o => LinearLR(o, 0.2, 1.0, 30));
        Drive("LinearWarmup(5)", new LinearWarmup(5), o => LinearLR(o));
    }

    [Fact]
    [Parity("Schedule.LinearWarmup")]
    public void LinearWarmupThenCosineMatchesPyTorchSequentialFormula()
    {
        // PyTorch's SequentialLR([LinearLR(0.1, 1, 10), CosineAnnealingLR(40)], milestones=[10]): the
        // cosine restarts its own count at the milestone.
        DriveFormula("LinearWarmup(10, 0.1, CosineAnnealing(40))", new LinearWarmup(10, 0.1, new CosineAnnealing(40)),
            (t, b) => t < 10 ? b * (0.1 + 0.9 * t / 10.0) : b * (1 + Math.Cos(Math.PI * (t - 10) / 40)) / 2);
    }

    // PyTorch's CyclicLR.get_lr, written out: scale_fn is applied per cycle for triangular modes and per
    // iteration for exp_range; momentum moves opposite to the learning rate, from max_momentum down.
    private static (double Lr, double Momentum) PyTorchCyclic(long t, double baseLr, double maxLr, int up, int down, string mode, double gamma,
        double baseMomentum = 0.8, double maxMomentum = 0.9)
    {
        double total = up + down, stepRatio = up / total;
        double cycle = Math.Floor(1 + t / total);
        double x = 1.0 + t / total - cycle;
        double scaleFactor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
        double scale = mode switch
        {
            "triangular" => 1.0,
            "triangular2" => 1 / Math.Pow(2, cycle - 1),
            _ => Math.Pow(gamma, t),
        };
        return (baseLr + (maxLr - baseLr) * scaleFactor * scale, maxMomentum - (maxMomentum - baseMomentum) * scaleFactor * scale);
    }

    [Fact]
    [Parity("Schedule.CyclicLR")]
    public void CyclicLrMatchesCyclicLR()
    {
        // TorchSharp agrees with PyTorch on triangular and triangular2 learning rates; its momentum cycling
        // has the wrong sign, so momentum is compared with PyTorch's formula below instead.
        Drive("CyclicLR triangular", new CyclicLR(0.01, 0.1, 10, 15), o => CyclicLR(o, 0.01, 0.1, 10, 15, cycle_momentum: false));
        Drive("CyclicLR triangular2", new CyclicLR(0.01, 0.1, 7, mode: CyclicMode.Triangular2),
            o => CyclicLR(o, 0.01, 0.1, 7, mode: impl.CyclicLR.Mode.Triangular2, cycle_momentum: false));
    }

    [Fact]
    [Parity("Schedule.CyclicLR")]
    public void CyclicLrMomentumAndExpRangeMatchPyTorchFormula()
    {
        // TorchSharp deviations, so PyTorch's formula is the reference: its momentum climbs at the lr peak
        // instead of falling, and its exp_range scales by gamma per cycle instead of per iteration.
        foreach (var (mode, ours) in new[] { ("triangular", CyclicMode.Triangular), ("triangular2", CyclicMode.Triangular2), ("exp_range", CyclicMode.ExpRange) })
        {
            DriveFormula($"CyclicLR {mode}", new CyclicLR(0.01, 0.1, 10, 6, ours, gamma: 0.99),
                (t, _) => PyTorchCyclic(t, 0.01, 0.1, 10, 6, mode, 0.99).Lr,
                t => PyTorchCyclic(t, 0.01, 0.1, 10, 6, mode, 0.99).Momentum);
        }
        DriveFormula("CyclicLR exp_range momentum 0.7-0.95", new CyclicLR(0.002, 0.05, 4, 9, CyclicMode.ExpRange, 0.995, baseMomentum: 0.7, maxMomentum: 0.95),
            (t, _) => PyTorchCyclic(t, 0.002, 0.05, 4, 9, "exp_range", 0.995, 0.7, 0.95).Lr,
            t => PyTorchCyclic(t, 0.002, 0.05, 4, 9, "exp_range", 0.995, 0.7, 0.95).Momentum);
    }

    [Fact]
    [Parity("Schedule.OneCycle")]
    public void OneCyclePyTorchMatchesOneCycleLRWithinItsSteps()
    {
        // One parameter group: TorchSharp's OneCycleLR computes one lr for the whole optimizer and gets later
        // groups wrong (observed: group 1 at step 30 of 100 gets 0.49859 where PyTorch gives every group
        // 0.49975). Several groups are compared with PyTorch's formula in the next test.
        Drive("OneCycle.PyTorch(100, 0.5)", OneCycle.PyTorch(100, 0.5), o => OneCycleLR(o, 0.5, total_steps: 100), momentum: true, steps: 100, groups: 1);
        // The constructor is OneCycleLR with every default, so a port's `OneCycleLR(opt, max_lr, total_steps)` maps to it.
        Drive("new OneCycle(120, 0.3)", new OneCycle(120, 0.3), o => OneCycleLR(o, 0.3, total_steps: 120), momentum: true, steps: 120, groups: 1);
        Drive("OneCycle.PyTorch linear three-phase", OneCycle.PyTorch(130, 0.2, pctStart: 0.2, anneal: AnnealStrategy.Linear, threePhase: true, divFactor: 10, finalDivFactor: 100),
            o => OneCycleLR(o, 0.2, total_steps: 130, pct_start: 0.2, anneal_strategy: impl.OneCycleLR.AnnealStrategy.Linear, three_phase: true, div_factor: 10, final_div_factor: 100),
            momentum: true, steps: 130, groups: 1);
        Drive("OneCycle.PyTorch momentum 0.8-0.9", OneCycle.PyTorch(110, 1.0, pctStart: 0.45, baseMomentum: 0.8, maxMomentum: 0.9),
            o => OneCycleLR(o, 1.0, total_steps: 110, pct_start: 0.45, base_momentum: 0.8, max_momentum: 0.9), momentum: true, steps: 110, groups: 1);
    }

    /// <summary>PyTorch's OneCycleLR.get_lr for the two-phase cosine schedule, written out (valid up to step T inclusive).</summary>
    private static (double Lr, double Momentum) PyTorchOneCycle(long step, long total, double maxLr, double pctStart, double div = 25, double finalDiv = 1e4)
    {
        static double Cos(double a, double b, double p) => b + (a - b) / 2.0 * (Math.Cos(Math.PI * p) + 1);
        double initial = maxLr / div, min = initial / finalDiv, end1 = pctStart * total - 1, end2 = total - 1;
        if (step <= end1) return (Cos(initial, maxLr, step / end1), Cos(0.95, 0.85, step / end1));
        double pct = (step - end1) / (end2 - end1);
        return (Cos(maxLr, min, pct), Cos(0.85, 0.95, pct));
    }

    [Fact]
    [Parity("Schedule.OneCycle")]
    public void OneCyclePyTorchWithSeveralGroupsMatchesPyTorchFormula()
    {
        // With maxLr every group follows the same curve; without it each group peaks at its own initial lr
        // (what PyTorch does when given max_lr as a list of the groups' rates).
        DriveFormula("OneCycle.PyTorch(100, 0.5) two groups", OneCycle.PyTorch(100, 0.5),
            (t, _) => PyTorchOneCycle(t, 100, 0.5, 0.3).Lr, t => PyTorchOneCycle(t, 100, 0.5, 0.3).Momentum, steps: 101);
        DriveFormula("OneCycle.PyTorch(77) per-group peak", OneCycle.PyTorch(77, pctStart: 0.4),
            (t, b) => PyTorchOneCycle(t, 77, b, 0.4).Lr, t => PyTorchOneCycle(t, 77, 0.1, 0.4).Momentum, steps: 78);
    }

    [Fact]
    [Parity("Schedule.OneCycle")]
    public void OneCyclePyTorchAfterItsLastStepMatchesPyTorchFormula()
    {
        // TorchSharp sets lr and momentum to 0 at step total_steps; PyTorch keeps the last phase's
        // formula, whose position runs past 1 (pct = (T − start) / (T − 1 − start)).
        const int total = 100;
        double pctStart = 0.3, maxLr = 0.5;
        double start = pctStart * total - 1, end = total - 1;
        double pct = (total - start) / (end - start);
        static double Cos(double a, double b, double p) => b + (a - b) / 2.0 * (Math.Cos(Math.PI * p) + 1);
        var schedule = OneCycle.PyTorch(total, maxLr);
        Close("OneCycle.PyTorch lr at step T", schedule.Lr(total, 0.1), Cos(maxLr, maxLr / 25 / 1e4, pct));
        Close("OneCycle.PyTorch momentum at step T", schedule.Momentum(total)!.Value, Cos(0.85, 0.95, pct));
    }

    [Fact]
    [Parity("Schedule.OneCycle")]
    public void OneCycleFastaiMatchesFastaiFormula()
    {
        // OneCycle.Fastai is fastai's fit_one_cycle, which libtorch lacks: combined_cos(pct_start,
        // lr_max/div, lr_max, lr_max/div_final) on the position t/T, each piece SchedCos(a, b)(p) =
        // a + (1 + cos(π(1 − p)))·(b − a)/2; momentum combined_cos(pct_start, 0.95, 0.85, 0.95).
        static double SchedCos(double a, double b, double p) => a + (1 + Math.Cos(Math.PI * (1 - p))) * (b - a) / 2;
        static double Combined(double pos, double pct, double a, double b, double c) =>
            pos >= 1 ? SchedCos(b, c, 1) : pos < pct ? SchedCos(a, b, pos / pct) : SchedCos(b, c, (pos - pct) / (1 - pct));
        foreach (var (total, pctStart, maxLr) in new[] { (100L, 0.25, 0.5), (121L, 0.3, 0.01) })
        {
            DriveFormula($"OneCycle({total}, {maxLr}, pctStart {pctStart})", OneCycle.Fastai(total, maxLr, pctStart),
                (t, _) => Combined((double)t / total, pctStart, maxLr / 25, maxLr, maxLr / 1e5),
                t => Combined((double)t / total, pctStart, 0.95, 0.85, 0.95), steps: (int)total + 1);
        }
        // Without maxLr, each group peaks at its own initial lr.
        DriveFormula("OneCycle(90) per-group peak", OneCycle.Fastai(90),
            (t, b) => Combined(t / 90.0, 0.25, b / 25, b, b / 1e5), steps: 91);
    }

    [Fact]
    [Parity("Schedule.CosineAnnealingWarmRestarts")]
    public void CosineAnnealingWarmRestartsMatchesPyTorchFormula()
    {
        // TorchSharp 0.107 has no CosineAnnealingWarmRestarts: PyTorch's step() without an epoch, written out:
        // T_cur += 1; if T_cur >= T_i: T_cur -= T_i, T_i *= T_mult; lr = η_min + (base − η_min)(1 + cos(π T_cur / T_i)) / 2.
        foreach (var (t0, tMult, etaMin) in new[] { (10L, 1L, 0.0), (5L, 2L, 0.001), (3L, 3L, 0.0), (1L, 2L, 0.002) })
        {
            var curve = new List<(long TCur, long TI)>();
            long tCur = 0, tI = t0;
            for (int step = 0; step < Steps; step++)
            {
                curve.Add((tCur, tI));
                tCur++;
                if (tCur >= tI)
                {
                    tCur -= tI;
                    tI *= tMult;
                }
            }
            DriveFormula($"CosineAnnealingWarmRestarts({t0}, {tMult}, {etaMin})", new CosineAnnealingWarmRestarts(t0, tMult, etaMin),
                (t, b) => etaMin + (b - etaMin) * (1 + Math.Cos(Math.PI * curve[(int)t].TCur / curve[(int)t].TI)) / 2);
        }
    }

    public static TheoryData<PlateauMode, ThresholdMode, int, int, double, double> Plateaus => new()
    {
        { PlateauMode.Min, ThresholdMode.Rel, 10, 0, 0, 1e-4 },
        { PlateauMode.Min, ThresholdMode.Abs, 3, 2, 0.004, 0.01 },
        { PlateauMode.Max, ThresholdMode.Rel, 4, 1, 0.0001, 0.001 },
        { PlateauMode.Max, ThresholdMode.Abs, 0, 3, 0, 0.05 },
    };

    [Theory, MemberData(nameof(Plateaus))]
    [Parity("Schedule.ReduceLROnPlateau")]
    public void ReduceLROnPlateauMatches(PlateauMode mode, ThresholdMode thresholdMode, int patience, int cooldown, double minLr, double threshold)
    {
        var (opt, topt) = Optimizers();
        var ours = new ReduceLROnPlateau(opt, mode, 0.5, patience, threshold, thresholdMode, cooldown, minLr);
        var theirs = ReduceLROnPlateau(topt, mode == PlateauMode.Min ? "min" : "max", 0.5, patience, threshold,
            thresholdMode == ThresholdMode.Rel ? "rel" : "abs", cooldown, [minLr, minLr]);
        // Improving, then flat with noise, then worse: exercises improvement, patience, cooldown and the floor.
        var g = new Generator(3);
        for (int step = 0; step < Steps; step++)
        {
            double trend = step < 30 ? 1.0 - step * 0.02 : step < 80 ? 0.4 : 0.4 + (step - 80) * 0.01;
            double metric = (mode == PlateauMode.Min ? trend : -trend) + 0.01 * (g.NextFloat() - 0.5);
            ours.Step(metric);
            theirs.step(metric, null);
            var groups = topt.ParamGroups.ToArray();
            for (int i = 0; i < groups.Length; i++)
                Close($"ReduceLROnPlateau {mode} {thresholdMode} lr of group {i} after step {step + 1}", opt.ParamGroups[i].Lr, groups[i].LearningRate);
        }
        Assert.True(opt.ParamGroups[0].Lr < BaseLrs[0], "the metric sequence never triggered a reduction");
    }
}

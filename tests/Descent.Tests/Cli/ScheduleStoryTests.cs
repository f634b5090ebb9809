using Descent.Cli.Demo;
using Descent.Optim.Schedules;
using Descent.Tutorial;

namespace Descent.Tests.Cli;

/// <summary>Constant, cyclic and one-cycle rates on the sin MLP, as the demo's section 7 tells it.</summary>
public class ScheduleStoryTests
{
    private static readonly IReadOnlyList<TrainingRun> Runs = ScheduleStory.Run(new NetworkSettings(Seed: 0));

    [Fact]
    public void One_cycle_rises_to_its_peak_over_the_first_quarter_then_decays_to_almost_nothing()
    {
        var lrs = Runs.Single(r => r.Name == "one-cycle").Lrs;
        int peak = Enumerable.Range(0, lrs.Count).MaxBy(i => lrs[i]);
        Assert.Equal(NetworkSettings.PeakLr, lrs[peak], 12);
        Assert.Equal(lrs.Count / 4, peak);
        for (int i = 1; i <= peak; i++) Assert.True(lrs[i] > lrs[i - 1], $"rising at step {i}");
        for (int i = peak + 1; i < lrs.Count; i++) Assert.True(lrs[i] < lrs[i - 1], $"decaying at step {i}");
        Assert.Equal(NetworkSettings.PeakLr / 25, lrs[0], 12);
        Assert.True(lrs[^1] < lrs[0] / 100);
        Assert.Equal([peak], SecondHalfTextWriter.Peaks(lrs));
    }

    [Fact]
    public void Cyclic_goes_up_and_down_twice_between_a_tenth_of_the_peak_and_the_peak()
    {
        var run = Runs.Single(r => r.Name == "cyclic");
        int quarter = run.Steps / 4;
        Assert.Equal([quarter, 3 * quarter], SecondHalfTextWriter.Peaks(run.Lrs));
        Assert.All(run.Lrs, lr => Assert.InRange(lr, NetworkSettings.PeakLr / 10 - 1e-12, NetworkSettings.PeakLr + 1e-12));
        Assert.Equal(NetworkSettings.PeakLr / 10, run.Lrs[0], 12);
        Assert.Equal(NetworkSettings.PeakLr / 10, run.Lrs[2 * quarter], 12);
    }

    [Fact]
    public void Each_recorded_rate_is_the_schedule_at_that_step()
    {
        int steps = Runs[0].Steps;
        var oneCycle = OneCycle.Fastai(steps, maxLr: NetworkSettings.PeakLr);
        var cyclic = new CyclicLR(NetworkSettings.PeakLr / 10, NetworkSettings.PeakLr, stepSizeUp: steps / 4);
        for (int i = 0; i < steps; i++)
        {
            Assert.Equal(NetworkSettings.AdamLr, Runs[0].Lrs[i]);
            Assert.Equal(cyclic.Lr(i, NetworkSettings.PeakLr), Runs[1].Lrs[i], 12);
            Assert.Equal(oneCycle.Lr(i, NetworkSettings.PeakLr), Runs[2].Lrs[i], 12);
        }
    }

    [Fact]
    public void Every_schedule_trains_from_the_same_start_to_a_finite_low_loss()
    {
        Assert.Equal(["constant", "cyclic", "one-cycle"], Runs.Select(r => r.Name));
        Assert.Single(Runs.Select(r => r.InitialLoss).Distinct());
        foreach (var run in Runs)
        {
            Assert.All(run.Losses, v => Assert.True(float.IsFinite(v)));
            Assert.All(run.Lrs, v => Assert.True(double.IsFinite(v) && v > 0));
            Assert.True(run.FinalLoss < run.InitialLoss / 20, $"{run.Name}: {run.InitialLoss} → {run.FinalLoss}");
        }
    }

    [Fact]
    public void The_constant_run_is_what_training_under_a_constant_schedule_gives()
    {
        // The three stories share one Adam run; it must equal training the MLP under LrScheduler(Constant) afresh.
        var problem = SinProblem.Create(new NetworkSettings(Seed: 6, Steps: 30));
        var model = problem.NewMlp();
        var scheduled = problem.Train("constant", model,
            new Descent.Optim.Adam(model.Parameters(), lr: NetworkSettings.AdamLr), new Constant());
        Assert.Equal(scheduled.Losses, ScheduleStory.Run(problem)[0].Losses);
        Assert.Equal(scheduled.Losses, OptimizerStory.Run(problem)[^1].Losses);
        Assert.Equal(scheduled.Losses, NetworkStory.Run(problem).Mlp.Losses);
        Assert.Equal(scheduled.Lrs, ScheduleStory.Run(problem)[0].Lrs);
    }

    [Fact]
    public void Peaks_finds_where_a_rise_turns_into_a_fall()
    {
        Assert.Empty(SecondHalfTextWriter.Peaks([1, 1, 1]));
        Assert.Empty(SecondHalfTextWriter.Peaks([3, 2, 1]));
        Assert.Empty(SecondHalfTextWriter.Peaks([1, 2, 3]));
        Assert.Equal([2], SecondHalfTextWriter.Peaks([1, 2, 3, 2]));
        Assert.Equal([1, 4], SecondHalfTextWriter.Peaks([1, 3, 3, 1, 2, 0]));
    }

    [Fact]
    public void Sparkline_scales_to_the_top_and_resamples_to_forty_columns()
    {
        Assert.Equal("▁▄█", SecondHalfTextWriter.Sparkline([0, 3 / 7.0, 1], 1));
        var ramp = Enumerable.Range(0, 200).Select(i => (double)i).ToArray();
        string line = SecondHalfTextWriter.Sparkline(ramp, 199);
        Assert.Equal(40, line.Length);
        Assert.Equal('▁', line[0]);
        Assert.Equal('█', line[^1]);
    }
}

using Descent.Cli.Demo;
using Descent.Cli.Report;
using Descent.Tutorial;

namespace Descent.Tests.Cli.Report;

/// <summary>The figures redraw the story from replays; these check the replays are the story's own runs.</summary>
public class ReplayTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(4UL)]
    public void Line_paths_visit_every_step_and_pass_through_the_storys_snapshots_to_its_end(ulong seed)
    {
        var r = LinearRegressionStory.Run(new LineSettings(Seed: seed, Steps: 120));
        var paths = LinePaths.Of(r);
        var runs = r.LearningRates.Prepend(r.Main).ToList();
        var replays = paths.Rates.Prepend(paths.Main).ToList();
        for (int k = 0; k < runs.Count; k++)
        {
            var (run, path) = (runs[k], replays[k]);
            Assert.Equal(run.LearningRate, path.LearningRate);
            Assert.Equal(Enumerable.Range(0, run.Steps + 1), path.Steps.Select(s => s.Step));
            foreach (var snapshot in run.Trajectory) Assert.Equal(snapshot, path.Steps[snapshot.Step]);
            Assert.Equal((run.A, run.B), (path.Steps[^1].A, path.Steps[^1].B));
            Assert.Equal(path.Steps.Count, path.A.Length);
            Assert.Equal(path.Steps.Count, path.Losses.Length);
        }
        Assert.Equal(r.Settings.Points, paths.X.Length);
        // The data is the story's: its loss at (0, 0) is mean(y²).
        Assert.Equal(r.LossAt00, paths.Y.Average(y => y * y), 3);
        Assert.Contains(r.LearningRates, run => run.StoppedEarly);
    }

    [Fact]
    public void Sin_fits_end_at_the_storys_losses_and_the_mlp_follows_the_sine_where_the_line_cannot()
    {
        var settings = new NetworkSettings(Seed: 2, Steps: 120);
        var fit = NetworkStory.Run(settings);
        var fits = SinFits.Of(settings);
        Assert.Equal(fit.Line.FinalLoss, fits.LineLoss);
        Assert.Equal(fit.Mlp.FinalLoss, fits.MlpLoss);
        Assert.Equal(SinFits.GridPoints, fits.Grid.Length);
        Assert.Equal(-Math.PI, fits.Grid[0], 5);
        Assert.Equal(Math.PI, fits.Grid[^1], 5);
        double Gap(double[] curve) => fits.Grid.Select((x, i) => Math.Abs(curve[i] - Math.Sin(x))).Average();
        Assert.True(Gap(fits.Mlp) < Gap(fits.Line) / 2, $"MLP gap {Gap(fits.Mlp)}, line gap {Gap(fits.Line)}");
        // A line's predictions have one constant slope.
        double slope = (fits.Line[1] - fits.Line[0]) / (fits.Grid[1] - fits.Grid[0]);
        Assert.Equal(slope, (fits.Line[^1] - fits.Line[0]) / (fits.Grid[^1] - fits.Grid[0]), 3);
    }
}

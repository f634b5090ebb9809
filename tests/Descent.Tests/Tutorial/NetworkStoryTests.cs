using Descent.Tutorial;

namespace Descent.Tests.Tutorial;

/// <summary>The line against the MLP on sin plus noise, checked against quantities the test derives from the same data.</summary>
public class NetworkStoryTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(2UL)]
    public void The_mlp_fits_sin_far_better_than_any_line(ulong seed)
    {
        var fit = NetworkStory.Run(new NetworkSettings(Seed: seed));
        Assert.True(fit.Mlp.FinalLoss < fit.Line.FinalLoss / 5, $"MLP {fit.Mlp.FinalLoss} vs line {fit.Line.FinalLoss}");
        // The line is trained to (nearly) the least-squares line, and no line goes below it.
        Assert.InRange(fit.Line.FinalLoss, fit.BestLineLoss * (1 - 1e-5), fit.BestLineLoss * 1.05);
        // A line explains sin's trend but not its bends: far above the noise, below the variance of y.
        Assert.True(fit.Line.FinalLoss > 10 * fit.NoiseFloor);
        Assert.True(fit.Line.FinalLoss < fit.TargetVariance);
        // The MLP reaches the noise: within a factor 1.5 of the true curve's own loss.
        Assert.InRange(fit.Mlp.FinalLoss, fit.NoiseFloor / 1.5, fit.NoiseFloor * 1.5);
        Assert.Equal(2, fit.LineParameters);
        Assert.Equal(32 * 1 + 32 + 32 * 32 + 32 + 32 + 1, fit.MlpParameters);
        Assert.Equal("Linear(1, 32), Tanh, Linear(32, 32), Tanh, Linear(32, 1)", fit.MlpLayers);
    }

    [Fact]
    public void Noise_floor_variance_and_best_line_are_those_of_the_drawn_data()
    {
        var problem = SinProblem.Create(new NetworkSettings(Seed: 4));
        var x = problem.Data.Inputs.ToArray().Select(v => (double)v).ToArray();
        var y = problem.Data.Targets.ToArray().Select(v => (double)v).ToArray();
        Assert.Equal(200, x.Length);
        Assert.All(x, v => Assert.InRange(v, -Math.PI, Math.PI));
        Assert.Equal(x.Zip(y, (a, b) => (b - Math.Sin(a)) * (b - Math.Sin(a))).Average(), problem.NoiseFloor, 9);
        double my = y.Average();
        Assert.Equal(y.Average(v => (v - my) * (v - my)), problem.TargetVariance, 9);
        double mx = x.Average();
        double slope = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum() / x.Sum(a => (a - mx) * (a - mx));
        double best = x.Zip(y, (a, b) => Math.Pow(b - (slope * a + my - slope * mx), 2)).Average();
        Assert.Equal(best, problem.BestLineLoss, 6);
        // sin's best line over a period has slope 3/π² · 2 ≈ 0.30 (least squares of sin x on x over [−π, π]).
        Assert.InRange(slope, 0.2, 0.4);
    }

    [Fact]
    public void Every_new_model_starts_from_the_same_weights()
    {
        var problem = SinProblem.Create(new NetworkSettings(Seed: 3, Steps: 5));
        var a = problem.NewMlp();
        var first = problem.Train("a", a, new Descent.Optim.SGD(a.Parameters(), lr: 0.1));
        var b = problem.NewMlp();
        Assert.Equal(first.InitialLoss, problem.Loss(b));
        Assert.NotEqual(first.FinalLoss, first.InitialLoss);
        Assert.Equal(problem.Loss(problem.NewLine()), problem.Loss(problem.NewLine()));
    }

    [Fact]
    public void A_run_records_the_loss_before_each_step_and_after_the_last()
    {
        var problem = SinProblem.Create(new NetworkSettings(Seed: 1, Steps: 6));
        var model = problem.NewMlp();
        var run = problem.Train("SGD", model, new Descent.Optim.SGD(model.Parameters(), lr: 0.05), details: "lr 0.05");
        Assert.Equal(6, run.Steps);
        Assert.Equal(7, run.Losses.Count);
        Assert.Equal(problem.Loss(problem.NewMlp()), run.InitialLoss);
        Assert.Equal(problem.Loss(model), run.FinalLoss);
        Assert.All(run.Lrs, lr => Assert.Equal(0.05, lr));
        Assert.Equal("lr 0.05", run.Details);
    }

    [Fact]
    public void Same_seed_same_runs_other_seed_other_runs()
    {
        var settings = new NetworkSettings(Seed: 9, Steps: 20);
        var first = NetworkStory.Run(settings);
        var again = NetworkStory.Run(settings);
        var other = NetworkStory.Run(settings with { Seed = 10 });
        Assert.Equal(first.Mlp.Losses, again.Mlp.Losses);
        Assert.Equal(first.Line.Losses, again.Line.Losses);
        Assert.NotEqual(first.Mlp.Losses, other.Mlp.Losses);
    }

    [Theory]
    [InlineData(1, 32, 200, 0.1f, "Points")]
    [InlineData(200, 0, 200, 0.1f, "Hidden")]
    [InlineData(200, 32, 3, 0.1f, "Steps")]
    [InlineData(200, 32, 200, -0.1f, "Noise")]
    [InlineData(200, 32, 200, float.NaN, "Noise")]
    public void Bad_settings_throw_naming_the_setting(int points, int hidden, int steps, float noise, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SinProblem.Create(new NetworkSettings(Points: points, Hidden: hidden, Steps: steps, Noise: noise)));
        Assert.Equal(name, e.ParamName);
    }
}

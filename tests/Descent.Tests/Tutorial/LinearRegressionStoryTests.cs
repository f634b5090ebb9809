using Descent.Data;
using Descent.Tutorial;

namespace Descent.Tests.Tutorial;

public class LinearRegressionStoryTests
{
    [Fact]
    public void Expected_losses_match_a_large_sample_of_the_same_distribution()
    {
        // Monte Carlo over 100,000 points: the closed forms (91.09 at (0, 0), 64.42 at (1, 1), a = b
        // minimum at 87/14 ≈ 6.21) must agree with what the data generator actually draws.
        var (x, y) = Synthetic.Line(100_000, 3f, 8f, 0.3f, new Generator(123));
        var theory = LineTheory.Of(x.Data, y.Data, 3, 8, 0.3);
        Assert.InRange(LinearRegressionStory.Mse(x, y, 0, 0), theory.ExpectedLossAt00 - 0.3, theory.ExpectedLossAt00 + 0.3);
        Assert.InRange(LinearRegressionStory.Mse(x, y, 1, 1), theory.ExpectedLossAt11 - 0.3, theory.ExpectedLossAt11 + 0.3);
        Assert.InRange(theory.BestAEqualsB, theory.ExpectedBestAEqualsB - 0.02, theory.ExpectedBestAEqualsB + 0.02);
        Assert.InRange(theory.LeastSquaresA, 2.99, 3.01);
        Assert.InRange(theory.LeastSquaresB, 7.99, 8.01);
        Assert.InRange(theory.LeastSquaresLoss, 0.09 * 0.98, 0.09 * 1.02);
    }

    [Fact]
    public void Expected_loss_is_the_closed_form_of_the_line_model()
    {
        // E[(p·x + q + σε)²] with x ~ U(0, 1): p²/3 + pq + q² + σ².
        Assert.Equal(9.0 / 3 + 3 * 8 + 64 + 0.09, LineTheory.ExpectedLoss(0, 0, 3, 8, 0.3), 12);
        Assert.Equal(0.09, LineTheory.ExpectedLoss(3, 8, 3, 8, 0.3), 12);
    }

    [Theory]
    [InlineData(0.95, DescentOutcome.Converges)]
    [InlineData(1.05, DescentOutcome.OscillatesAndDiverges)]
    public void The_stability_limit_separates_convergence_from_divergence(double fractionOfLimit, DescentOutcome expected)
    {
        var (x, y) = Synthetic.Line(50, 3f, 8f, 0.3f, new Generator(2));
        var theory = LineTheory.Of(x.Data, y.Data, 3, 8, 0.3);
        float lr = (float)(fractionOfLimit * theory.MaxStableLearningRate);
        var run = LineDescent.Run(x, y, 0f, 0f, lr, steps: 400, theory.LeastSquaresLoss);
        Assert.Equal(expected, run.Outcome);
    }

    [Fact]
    public void A_diverging_run_stops_before_overflowing_and_says_so()
    {
        var (x, y) = Synthetic.Line(50, 3f, 8f, 0.3f, new Generator(0));
        var theory = LineTheory.Of(x.Data, y.Data, 3, 8, 0.3);
        var run = LineDescent.Run(x, y, 0f, 0f, lr: 2f, steps: 1000, theory.LeastSquaresLoss);
        Assert.True(run.StoppedEarly);
        Assert.True(run.Steps < 1000);
        Assert.True(float.IsFinite(run.FinalLoss));
        Assert.True(run.FinalLoss > LineDescent.BlowUpFactor * run.InitialLoss);
        Assert.Equal("oscillates and diverges", run.OutcomeText);
    }

    [Fact]
    public void Trajectory_keeps_steps_0_1_2_5_10_and_the_end()
    {
        var (x, y) = Synthetic.Line(50, 3f, 8f, 0.3f, new Generator(0));
        var run = LineDescent.Run(x, y, 0f, 0f, lr: 0.5f, steps: 120, leastSquaresLoss: 0);
        Assert.Equal([0, 1, 2, 5, 10, 20, 50, 100, 120], run.Trajectory.Select(p => p.Step));
        Assert.Equal(run.InitialLoss, run.Trajectory[0].Loss);
        Assert.Equal((run.A, run.B, run.FinalLoss), (run.Trajectory[^1].A, run.Trajectory[^1].B, run.Trajectory[^1].Loss));
    }

    [Fact]
    public void Each_trajectory_loss_is_the_mse_at_its_parameters()
    {
        var (x, y) = Synthetic.Line(50, 3f, 8f, 0.3f, new Generator(4));
        var run = LineDescent.Run(x, y, -1f, 2f, lr: 0.3f, steps: 60, leastSquaresLoss: 0);
        foreach (var p in run.Trajectory)
            Assert.Equal(LinearRegressionStory.Mse(x, y, p.A, p.B), p.Loss, 4);
    }

    [Theory]
    [InlineData(10.0, 11.0, 0.2, 1.0, DescentOutcome.Diverges)]
    [InlineData(10.0, 11.0, 0.8, 1.0, DescentOutcome.OscillatesAndDiverges)]
    [InlineData(10.0, double.NaN, 0.0, 1.0, DescentOutcome.Diverges)]
    [InlineData(10.0, 1.0 + 1e-8, 0.0, 1.0, DescentOutcome.Converges)]
    [InlineData(10.0, 1.01, 0.0, 1.0, DescentOutcome.Crawls)]
    [InlineData(10.0, 2.0, 0.9, 1.0, DescentOutcome.Crawls)]
    public void Judge_reads_the_outcome_from_the_losses(double initial, double final, double flips, double least, DescentOutcome expected) =>
        Assert.Equal(expected, LineDescent.Judge(initial, final, flips, least));

    [Fact]
    public void Settings_out_of_range_throw_naming_the_setting()
    {
        Assert.Equal("Points", Assert.Throws<ArgumentOutOfRangeException>(() => LinearRegressionStory.Run(new LineSettings(Points: 1))).ParamName);
        Assert.Equal("Steps", Assert.Throws<ArgumentOutOfRangeException>(() => LinearRegressionStory.Run(new LineSettings(Steps: 0))).ParamName);
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new LineSettings(LearningRate: float.NaN).Validate()).ParamName);
        Assert.Equal("ComparisonRates", Assert.Throws<ArgumentOutOfRangeException>(() => new LineSettings(ComparisonRates: [0.1f, -1f]).Validate()).ParamName);
    }

    [Fact]
    public void Run_uses_the_data_it_documents()
    {
        var result = LinearRegressionStory.Run(new LineSettings(Seed: 9, Steps: 3));
        var (x, y) = LinearRegressionStory.Data(new LineSettings(Seed: 9), new Generator(9));
        Assert.Equal(LinearRegressionStory.Mse(x, y, 0, 0), result.LossAt00);
        Assert.Equal(LinearRegressionStory.SweepPoints, result.Sweep.Count);
        Assert.Equal(0f, result.Sweep[0].C);
        Assert.Equal(LinearRegressionStory.SweepMax, result.Sweep[^1].C);
        Assert.Equal(result.Sweep.Min(p => p.Loss), result.BestAEqualsBLoss);
    }
}

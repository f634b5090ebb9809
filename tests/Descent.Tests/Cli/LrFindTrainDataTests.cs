using Descent.Cli.LrFind;
using Descent.Cli.Problems;

namespace Descent.Tests.Cli;

/// <summary>`descent lr-find` with the train command's data and model flags.</summary>
public class LrFindTrainDataTests
{
    [Fact]
    public void Moons_sweep_uses_the_train_model_and_suggests_a_rate_inside_the_sweep()
    {
        var run = CliRunner.Run("lr-find", "--data", "moons", "--model", "mlp:32", "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        Assert.Contains("model: mlp:32, 162 parameters", run.Stdout);
        var json = run.Json();
        Assert.Equal("moons (mlp:32)", json.GetProperty("data").GetString());
        double suggestion = json.GetProperty("suggestion").GetDouble();
        var lrs = json.GetProperty("lrs").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.Contains(suggestion, lrs);
        Assert.InRange(suggestion, 1e-5, 1);
    }

    [Fact]
    public void Sin_with_a_model_flag_sweeps_the_train_model_and_sin_alone_the_demo_problem()
    {
        var demo = CliRunner.Run("lr-find", "--data", "sin", "--json").Json();
        Assert.Equal(LrFindRun.Run(DataChoice.Sin, 0).Finder.Suggestion, demo.GetProperty("suggestion").GetDouble());
        var train = CliRunner.Run("lr-find", "--data", "sin", "--model", "mlp:16", "--iterations", "30", "--json").Json();
        Assert.Equal("sin (mlp:16)", train.GetProperty("data").GetString());
        Assert.True(train.GetProperty("steps").GetInt32() <= 30);
    }

    [Fact]
    public void Plots_writes_the_finder_curve()
    {
        using var dir = new TempFolder();
        var run = CliRunner.Run("lr-find", "--data", "sin", "--plots", dir.Path);
        Assert.Equal(0, run.ExitCode);
        Assert.True(new FileInfo(dir.File("lr-find.png")).Length > 2000);
        Assert.True(File.Exists(dir.File("lr-find.svg")));
    }
}

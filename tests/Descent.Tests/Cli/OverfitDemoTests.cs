using System.Text.Json;
using Descent.Cli.Demo;
using Descent.Data;
using Descent.Tutorial;

namespace Descent.Tests.Cli;

/// <summary>`descent demo overfit`: validation rises while training falls, and each cure closes the gap.</summary>
public class OverfitDemoTests
{
    private static readonly CliRunner.Result Run = CliRunner.Run("demo", "overfit", "--json");

    private static double D(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    private static JsonElement RunNamed(string name) =>
        Run.Json().GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);

    [Fact]
    public void Without_regularization_validation_rises_while_training_falls()
    {
        Assert.Equal(0, Run.ExitCode);
        Assert.Equal("", Run.Stderr);
        var none = RunNamed("none");
        var train = none.GetProperty("train_curve").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var valid = none.GetProperty("valid_curve").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        int best = none.GetProperty("best_epoch").GetInt32();
        Assert.Equal(Array.IndexOf(valid, valid.Min()) + 1, best);
        Assert.True(best < valid.Length / 2, $"best epoch {best} of {valid.Length}");
        Assert.True(valid[^1] > 1.2 * valid[best - 1], "validation loss rose clearly after its best epoch");
        Assert.True(train[^1] < 0.5 * train[best - 1], "training loss kept falling");
        Assert.Equal(valid[^1] - train[^1], D(none, "gap"), 3);
    }

    [Fact]
    public void Each_cure_closes_the_gap()
    {
        double gap = D(RunNamed("none"), "gap");
        foreach (var name in new[] { "weight decay", "dropout", "early stopping" })
        {
            var run = RunNamed(name);
            Assert.True(D(run, "gap") < 0.75 * gap, $"{name}: gap {D(run, "gap")} against {gap}");
            Assert.True(D(run, "valid_loss") < D(RunNamed("none"), "valid_loss"), $"{name} generalizes better");
        }
    }

    [Fact]
    public void Early_stopping_stops_patience_epochs_after_the_best_and_keeps_it()
    {
        var json = Run.Json();
        var early = RunNamed("early stopping");
        int best = early.GetProperty("best_epoch").GetInt32();
        int patience = json.GetProperty("patience").GetInt32();
        Assert.Equal(best + patience, early.GetProperty("stopped_epoch").GetInt32());
        Assert.Equal(best + patience, early.GetProperty("epochs").GetInt32());
        var valid = early.GetProperty("valid_curve").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(valid[best - 1], D(early, "valid_loss"), 6);
        Assert.Contains($"training stops at epoch {best + patience} and keeps the weights of epoch {best}", Run.Stdout);
    }

    [Fact]
    public void Noise_floor_is_the_true_curves_error_on_the_same_validation_points()
    {
        var json = Run.Json();
        var valid = Synthetic.Sin(json.GetProperty("valid_points").GetInt32(), (float)D(json, "noise"), new Generator(1000));
        double mse = 0;
        for (int i = 0; i < valid.Count; i++) mse += Math.Pow(valid.Targets.Data[i] - Math.Sin(valid.Inputs.Data[i]), 2);
        Assert.Equal(mse / valid.Count, D(json, "noise_floor"), 9);
        // noise 0.5: variance 0.25.
        Assert.InRange(D(json, "noise_floor"), 0.22, 0.28);
        Assert.All(json.GetProperty("runs").EnumerateArray(), r => Assert.True(D(r, "valid_loss") > 0.9 * D(json, "noise_floor")));
    }

    [Fact]
    public void Text_prints_the_table_of_cures()
    {
        Assert.Contains("<- lowest validation loss", Run.Stdout);
        Assert.Contains("regularization           epochs   train loss   valid loss       gap", Run.Stdout);
        Assert.Contains("weight decay 2 (AdamW)", Run.Stdout);
        Assert.Contains("dropout 0.2", Run.Stdout);
        Assert.Equal(3, Run.Stdout.Split('\n').Count(l => l.Contains("closed by", StringComparison.Ordinal)));
    }

    [Fact]
    public void Settings_out_of_range_throw_naming_the_setting()
    {
        Assert.Equal("TrainPoints", Assert.Throws<ArgumentOutOfRangeException>(() => new OverfitSettings(TrainPoints: 1).Validate()).ParamName);
        Assert.Equal("Dropout", Assert.Throws<ArgumentOutOfRangeException>(() => new OverfitSettings(Dropout: 1).Validate()).ParamName);
        Assert.Equal("Hidden", Assert.Throws<ArgumentOutOfRangeException>(() => new OverfitSettings(Hidden: [4, 0]).Validate()).ParamName);
    }
}

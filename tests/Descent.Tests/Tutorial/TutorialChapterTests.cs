using System.Text.Json;
using Descent.Tests.Cli;
using Descent.Tutorial;

namespace Descent.Tests.Tutorial;

/// <summary>Each chapter's numbers come from Descent.Tutorial alone, and are exactly what <c>descent demo</c> prints.</summary>
public class TutorialChapterTests
{
    private static readonly Lazy<JsonElement> DemoJson = new(() => CliRunner.Run("demo", "--no-plots", "--seed", "0", "--json").Json());

    [Fact]
    public void The_line_chapter_from_the_library_is_the_demos_line()
    {
        var result = LinearRegressionStory.Run(new LineSettings(Seed: 0));
        var json = DemoJson.Value;
        Assert.Equal(result.StartA, json.GetProperty("start_a").GetSingle());
        Assert.Equal(result.StartB, json.GetProperty("start_b").GetSingle());
        Assert.Equal(result.Main.A, json.GetProperty("a").GetSingle());
        Assert.Equal(result.Main.B, json.GetProperty("b").GetSingle());
        Assert.Equal(result.Main.FinalLoss, json.GetProperty("loss").GetSingle());
        Assert.Equal(result.Theory.LeastSquaresA, json.GetProperty("least_squares_a").GetDouble());
        var rates = json.GetProperty("learning_rates").EnumerateArray().ToList();
        Assert.Equal(result.LearningRates.Select(r => r.OutcomeText), rates.Select(r => r.GetProperty("outcome").GetString()));
    }

    [Fact]
    public void The_sin_chapters_from_the_library_are_the_demos_networks_optimizers_and_schedules()
    {
        var result = SecondHalf.Run(new NetworkSettings(Seed: 0));
        var json = DemoJson.Value;
        var network = json.GetProperty("network");
        Assert.Equal(result.Network.Line.FinalLoss, network.GetProperty("line_loss").GetSingle());
        Assert.Equal(result.Network.Mlp.FinalLoss, network.GetProperty("mlp_loss").GetSingle());
        Assert.Equal(result.Network.MlpParameters, network.GetProperty("mlp_parameters").GetInt32());
        Assert.Equal(result.Optimizers.Select(r => r.FinalLoss),
            json.GetProperty("optimizers").EnumerateArray().Select(r => r.GetProperty("final_loss").GetSingle()));
        Assert.Equal(result.Schedules.Select(r => r.FinalLoss),
            json.GetProperty("schedules").EnumerateArray().Select(r => r.GetProperty("final_loss").GetSingle()));
    }

    [Fact]
    public void A_chapter_run_twice_gives_the_same_numbers()
    {
        var first = LinearRegressionStory.Run(new LineSettings(Seed: 3, Steps: 50));
        var second = LinearRegressionStory.Run(new LineSettings(Seed: 3, Steps: 50));
        Assert.Equal(first.Main.Trajectory, second.Main.Trajectory);
        Assert.Equal(first.LearningRates.Select(r => r.FinalLoss), second.LearningRates.Select(r => r.FinalLoss));
    }
}

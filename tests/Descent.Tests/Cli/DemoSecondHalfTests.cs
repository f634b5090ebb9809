using System.Globalization;
using System.Text.Json;
using Descent.Cli.Demo;
using Descent.Tutorial;

namespace Descent.Tests.Cli;

/// <summary>`descent demo` after the straight line: its text sections and the numbers it adds to --json.</summary>
public class DemoSecondHalfTests
{
    private static readonly CliRunner.Result Seed0 = CliRunner.Run("demo", "--no-plots", "--seed", "0", "--json");

    private static double D(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    [Fact]
    public void Json_carries_the_same_numbers_as_the_story_classes()
    {
        Assert.Equal(0, Seed0.ExitCode);
        Assert.Equal("", Seed0.Stderr);
        var json = Seed0.Json();
        var expected = SecondHalf.Run(new NetworkSettings(Seed: 0));

        var network = json.GetProperty("network");
        Assert.Equal(expected.Network.Line.FinalLoss, (float)D(network, "line_loss"));
        Assert.Equal(expected.Network.Mlp.FinalLoss, (float)D(network, "mlp_loss"));
        Assert.Equal(expected.Network.BestLineLoss, D(network, "best_line_loss"), 12);
        Assert.Equal(expected.Network.NoiseFloor, D(network, "noise_floor"), 12);
        Assert.True(D(network, "mlp_loss") < D(network, "line_loss") / 5);
        Assert.Equal(expected.Settings.Steps, network.GetProperty("steps").GetInt32());

        var optimizers = json.GetProperty("optimizers").EnumerateArray().ToList();
        Assert.Equal(expected.Optimizers.Select(r => r.Name), optimizers.Select(o => o.GetProperty("name").GetString()));
        for (int i = 0; i < optimizers.Count; i++)
        {
            var curve = optimizers[i].GetProperty("curve").EnumerateArray().Select(v => (float)v.GetDouble()).ToList();
            Assert.Equal(expected.Optimizers[i].Losses, curve);
            Assert.Equal(curve[^1], (float)D(optimizers[i], "final_loss"));
            Assert.Equal(expected.Optimizers[i].Lr, D(optimizers[i], "lr"));
        }
    }

    [Fact]
    public void Json_schedules_are_subsampled_with_their_steps()
    {
        var expected = ScheduleStory.Run(new NetworkSettings(Seed: 0));
        var schedules = Seed0.Json().GetProperty("schedules").EnumerateArray().ToList();
        Assert.Equal(["constant", "cyclic", "one-cycle"], schedules.Select(s => s.GetProperty("name").GetString()));
        for (int k = 0; k < schedules.Count; k++)
        {
            var s = schedules[k];
            var steps = s.GetProperty("sample_steps").EnumerateArray().Select(v => v.GetInt32()).ToList();
            var lrs = s.GetProperty("lrs").EnumerateArray().Select(v => v.GetDouble()).ToList();
            var losses = s.GetProperty("losses").EnumerateArray().Select(v => (float)v.GetDouble()).ToList();
            Assert.Equal(steps.Count, lrs.Count);
            Assert.Equal(steps.Count, losses.Count);
            Assert.InRange(steps.Count, DemoJsonWriter.ScheduleSamples / 2, DemoJsonWriter.ScheduleSamples + 1);
            Assert.Equal(0, steps[0]);
            Assert.Equal(expected[k].Steps - 1, steps[^1]);
            Assert.Equal(steps.Order(), steps);
            Assert.Equal(steps.Select(i => expected[k].Lrs[i]), lrs);
            Assert.Equal(steps.Select(i => expected[k].Losses[i]), losses);
            Assert.Equal(expected[k].FinalLoss, (float)D(s, "final_loss"));
        }
        // The one-cycle rate, even subsampled, climbs to a peak and falls below where it started.
        var oneCycle = schedules[2].GetProperty("lrs").EnumerateArray().Select(v => v.GetDouble()).ToList();
        int top = oneCycle.IndexOf(oneCycle.Max());
        Assert.InRange(top, 1, oneCycle.Count - 2);
        Assert.True(oneCycle[^1] < oneCycle[0]);
    }

    [Theory]
    [InlineData(1, 50)]
    [InlineData(7, 50)]
    [InlineData(200, 50)]
    [InlineData(201, 50)]
    public void Sample_steps_are_spread_evenly_and_end_at_the_last_step(int steps, int samples)
    {
        var picked = DemoJsonWriter.SampleSteps(steps, samples);
        Assert.Equal(0, picked[0]);
        Assert.Equal(steps - 1, picked[^1]);
        Assert.True(picked.Length <= samples + 1);
        Assert.Equal(picked.Distinct().Order(), picked);
    }

    [Fact]
    public void Text_tells_the_three_new_sections_after_the_first_four()
    {
        string text = Seed0.Stdout;
        int four = text.IndexOf("\n4. The learning rate", StringComparison.Ordinal);
        int five = text.IndexOf("\n5. Networks are stacks of linear and non-linear layers", StringComparison.Ordinal);
        int six = text.IndexOf("\n6. Faster kinds of gradient descent", StringComparison.Ordinal);
        int seven = text.IndexOf("\n7. Cyclical learning rates rise, then decay", StringComparison.Ordinal);
        Assert.True(four > 0 && five > four && six > five && seven > six, $"{four} {five} {six} {seven}");
        foreach (var name in new[] { "SGD + momentum", "RMSprop", "Adam", "one-cycle", "cyclic", "constant" })
            Assert.Contains(name, text[six..]);
        var fit = NetworkStory.Run(new NetworkSettings(Seed: 0));
        Assert.Contains(fit.Mlp.FinalLoss.ToString("0.0000", CultureInfo.InvariantCulture), text[five..six]);
        Assert.Contains(fit.Line.FinalLoss.ToString("0.0000", CultureInfo.InvariantCulture), text[five..six]);
    }

    [Fact]
    public void Another_seed_changes_the_second_half()
    {
        var other = CliRunner.Run("demo", "--no-plots", "--seed", "1", "--json").Json();
        Assert.NotEqual(D(Seed0.Json().GetProperty("network"), "mlp_loss"), D(other.GetProperty("network"), "mlp_loss"));
    }
}

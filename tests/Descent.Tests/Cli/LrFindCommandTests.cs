using System.Text.Json;
using Descent.Cli.Commands;
using Descent.Cli.LrFind;
using Descent.Cli.Problems;

namespace Descent.Tests.Cli;

/// <summary>`descent lr-find`: the range test's curve and suggestions, and its bad command lines.</summary>
public class LrFindCommandTests
{
    private static readonly CliRunner.Result Sin0 = CliRunner.Run("lr-find", "--data", "sin", "--json");

    [Fact]
    public void Json_parses_and_its_suggestions_lie_inside_the_sweep()
    {
        Assert.Equal(0, Sin0.ExitCode);
        Assert.Equal("", Sin0.Stderr);
        var json = Sin0.Json();
        Assert.Equal("sin", json.GetProperty("data").GetString());
        Assert.Equal(0UL, json.GetProperty("seed").GetUInt64());
        double suggestion = json.GetProperty("suggestion").GetDouble();
        Assert.InRange(suggestion, 1e-7, 10);
        Assert.True(suggestion > 1e-7 && suggestion < 10);
        var suggestions = json.GetProperty("suggestions");
        foreach (var name in new[] { "valley", "steep", "minimum" })
            Assert.InRange(suggestions.GetProperty(name).GetProperty("lr").GetDouble(), 1e-8, 10);
        Assert.Equal(suggestion, suggestions.GetProperty("valley").GetProperty("lr").GetDouble());

        var lrs = json.GetProperty("lrs").EnumerateArray().Select(v => v.GetDouble()).ToList();
        var losses = json.GetProperty("losses").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.Equal(lrs.Count, losses.Count);
        Assert.Equal(lrs.Count, json.GetProperty("steps").GetInt32());
        Assert.InRange(lrs.Count, 10, 100);
        Assert.Equal(1e-7, lrs[0], 15);
        for (int i = 1; i < lrs.Count; i++) Assert.True(lrs[i] > lrs[i - 1]);
        Assert.Contains(suggestion, lrs);
        // The minimum rule suggests a tenth of the rate where the smoothed loss is lowest.
        var minimum = suggestions.GetProperty("minimum");
        Assert.Equal(minimum.GetProperty("point_lr").GetDouble() / 10, minimum.GetProperty("lr").GetDouble(), 12);
        Assert.True(minimum.GetProperty("point_loss").GetDouble() < losses[0]);
    }

    [Fact]
    public void Json_matches_the_finder_run_directly()
    {
        var direct = LrFindRun.Run(DataChoice.Sin, seed: 0);
        var json = Sin0.Json();
        Assert.Equal(direct.Finder.Suggestion, json.GetProperty("suggestion").GetDouble());
        Assert.Equal(direct.Finder.Losses, json.GetProperty("losses").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(direct.Finder.Diverged, json.GetProperty("diverged").GetBoolean());
    }

    [Fact]
    public void Text_shows_a_table_and_the_three_suggestions()
    {
        var text = CliRunner.Run("lr-find", "--data", "sin");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("smoothed loss", text.Stdout);
        Assert.Contains("← valley", text.Stdout);
        Assert.Contains("Suggested lr:", text.Stdout);
        Assert.Contains("steep:", text.Stdout);
        Assert.Contains("minimum/10:", text.Stdout);
        Assert.DoesNotContain("{", text.Stdout);
        Assert.StartsWith(text.Stdout, Sin0.Stdout);
    }

    [Fact]
    public void Same_seed_same_output_and_data_names_ignore_case()
    {
        Assert.Equal(Sin0.Stdout, CliRunner.Run("lr-find", "--data", "SIN", "--seed", "0", "--json").Stdout);
        var other = CliRunner.Run("lr-find", "--data", "sin", "--seed", "3", "--json").Json();
        Assert.NotEqual(Sin0.Json().GetProperty("losses").ToString(), other.GetProperty("losses").ToString());
    }

    [Theory]
    [InlineData("--data: unknown data set 'mnist2'; one of: mnist, mnist-idx, fashion-mnist, iris, moons, spirals, sin, csv:PATH[:target]", "lr-find", "--data", "mnist2")]
    [InlineData("--data: unknown data set ''; one of: mnist", "lr-find", "--data", "")]
    [InlineData("--data: missing value", "lr-find", "--data")]
    [InlineData("--data: missing value", "lr-find")]
    [InlineData("--seed: must be 0 or more; got -2", "lr-find", "--data", "sin", "--seed", "-2")]
    [InlineData("unknown option '--steps'", "lr-find", "--data", "sin", "--steps", "3")]
    public void Bad_command_lines_exit_2_with_one_line(string expected, params string[] args)
    {
        var run = CliRunner.Run(args);
        Assert.Equal(CliErrors.UsageError, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("descent lr-find: ", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("Exception", run.Stderr);
    }

    [Fact]
    public void Help_lists_the_supported_data_sets()
    {
        var run = CliRunner.Run("lr-find", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--data", run.Stdout);
        foreach (var name in Descent.Cli.Train.DataSpec.Names) Assert.Contains(name, run.Stdout);
    }

    [Fact]
    public void Data_choice_parses_known_names_and_lists_them_otherwise()
    {
        Assert.True(DataChoice.TryParse(" Sin ", out var sin));
        Assert.Same(DataChoice.Sin, sin);
        Assert.False(DataChoice.TryParse("iris", out _));
        Assert.False(DataChoice.TryParse(null, out _));
        var e = Assert.Throws<ArgumentException>(() => DataChoice.Parse("moons"));
        Assert.StartsWith("unknown data set 'moons'; supported: sin", e.Message);
        Assert.Equal(DataChoice.All.Count, DataChoice.All.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public void A_problem_hands_out_the_loss_of_each_batch_round_after_round()
    {
        var problem = DataChoice.Sin.Create(2);
        Assert.Equal("sin", problem.Name);
        Assert.Equal(problem.Data.Count, problem.BatchSize);
        var next = problem.BatchLosses();
        float first = next().Item();
        // Full batch and no training in between: every call sees the same whole data set.
        Assert.Equal(first, next().Item());
        Assert.Equal(first, next().Item());
        Assert.True(float.IsFinite(first) && first > 0);
    }
}

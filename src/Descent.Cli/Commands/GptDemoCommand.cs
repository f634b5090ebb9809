using System.CommandLine;
using Descent.Cli.Demo;
using Descent.Cli.Report;
using Descent.Cli.Train;
using Descent.Tutorial;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent demo gpt</c>: a character-level GPT trained on <i>Moby-Dick</i> by the library's loop, told with its
/// samples, losses and one head's attention. The recipe (2,000 iterations) by default; <c>--quick</c> runs a tiny one.
/// </summary>
public static class GptDemoCommand
{
    /// <summary>Builds the command; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var d = new GptSettings();
        var seed = CliOptions.Seed("--seed", "Seed for the weights and the batches.", d.Recipe.Seed);
        var quick = CliOptions.Flag("--quick", "A tiny model and 60 iterations: the chapter in seconds.");
        var iterations = CliOptions.OptionalInt("--iterations", "Training iterations (default: the recipe's 2,000, or --quick's 60).", min: 1);
        var earlyStep = CliOptions.OptionalInt("--early-step", $"The step after which the early sample is drawn (default {d.EarlyStep}, or --quick's).", min: 1);
        var tokens = CliOptions.OptionalInt("--tokens", $"Characters sampled each time (default {d.SampleTokens}, or --quick's).", min: 1);
        var head = CliOptions.Int("--head", "The attention head shown (1-based), in the last block.", 1, min: 1);
        var dataDir = LmCommand.DataDirOption();
        var json = CliOptions.Flag("--json", "End stdout with one line of JSON holding every number.");
        var report = new ReportOptions();
        var command = new Command("gpt", "A tiny GPT learns Moby-Dick: samples before, during and after training, the losses, and what one head attends to.")
        {
            seed, quick, iterations, earlyStep, tokens, head, dataDir, json,
        };
        report.AddTo(command);
        command.SetAction(parse => CommandGuard.Run(parse, verbose, output =>
        {
            var start = parse.GetValue(quick) ? GptSettings.Quick(parse.GetValue(seed)) : d with { Recipe = d.Recipe with { Seed = parse.GetValue(seed) } };
            var recipe = start.Recipe with { Iterations = parse.GetValue(iterations) ?? start.Recipe.Iterations };
            var settings = start with
            {
                Recipe = recipe,
                EarlyStep = parse.GetValue(earlyStep) ?? Math.Min(start.EarlyStep, recipe.Iterations),
                SampleTokens = parse.GetValue(tokens) ?? start.SampleTokens,
                Head = parse.GetValue(head) - 1,
            };
            if (settings.Head >= recipe.Heads) throw new CliUsageException($"--head must be at most the model's {recipe.Heads} heads; got {settings.Head + 1}");
            string tarball = DataLocator.Find(DataLocator.MobyDick, parse.GetValue(dataDir));
            string? folder = report.PrepareFolder(parse);
            var result = GptStory.Run(tarball, settings);
            GptText.Write(result, output);
            GptReportResult? written = null;
            try
            {
                if (folder != null) written = GptReport.Write(result, folder);
            }
            catch (Descent.Plots.MissingFontException e)
            {
                // The story itself is complete; without a font the figures would have blank text, so skip them.
                output.WriteLine("Figures skipped: " + e.Message);
            }
            if (written != null)
            {
                output.WriteLine();
                output.WriteLine($"Figures and page: {written.Figures.Count} figures as PNG and SVG, and {written.Index}");
            }
            if (parse.GetValue(json)) output.WriteLine(GptText.ToJson(result, written));
            return 0;
        }));
        return command;
    }
}

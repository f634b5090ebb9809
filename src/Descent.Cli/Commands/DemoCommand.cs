using System.CommandLine;
using Descent.Cli.Demo;
using Descent.Cli.Report;
using Descent.Tutorial;

namespace Descent.Cli.Commands;

/// <summary><c>descent demo</c>: the tutorial's story, from a noisy line and gradient descent to networks, optimizers and schedules.</summary>
public static class DemoCommand
{
    /// <summary>Builds the command; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var defaults = new LineSettings();
        var seed = CliOptions.Seed("--seed", "Seed for the data and the random starts.", defaults.Seed);
        var points = CliOptions.Int("--points", "Number of points on the noisy line (sections 1-4).", defaults.Points, min: 2);
        var steps = CliOptions.Int("--steps", "Gradient descent steps per run on the line (sections 1-4).", defaults.Steps, min: 1, max: LineSettings.MaxSteps);
        var lr = CliOptions.PositiveFloat("--lr", "Learning rate of the main descent on the line.", defaults.LearningRate);
        var json = CliOptions.Flag("--json", "End stdout with one line of JSON holding the results.");
        var offline = CliOptions.Flag("--offline", $"Never fetch data: without {DigitsLocator.FileName} the conv chapter is skipped.");
        var report = new ReportOptions();
        var command = new Command("demo", "Tell the tutorial's story: fit a line by gradient descent, then networks, faster optimizers and cyclical schedules.")
        {
            seed, points, steps, lr, json, offline,
        };
        report.AddTo(command);
        command.Subcommands.Add(OverfitCommand.Create(verbose));
        command.Subcommands.Add(GptDemoCommand.Create(verbose));
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            return CliErrors.Guard(CliErrors.CommandPath(parse.CommandResult), parse.GetValue(verbose),
                parse.InvocationConfiguration.Error, () =>
                {
                    var settings = defaults with
                    {
                        Seed = parse.GetValue(seed),
                        Points = parse.GetValue(points),
                        Steps = parse.GetValue(steps),
                        LearningRate = parse.GetValue(lr),
                    };
                    string? folder = report.PrepareFolder(parse);
                    var result = LinearRegressionStory.Run(settings);
                    DemoTextWriter.Write(result, output);
                    output.WriteLine();
                    var secondHalf = SecondHalf.Run(new NetworkSettings(Seed: settings.Seed));
                    SecondHalfTextWriter.Write(secondHalf, output);
                    ReportResult? written = null;
                    try
                    {
                        // Only the figures need the digits, so only a run that draws them fetches.
                        if (folder != null)
                            written = DemoReport.Write(result, secondHalf, folder, DigitsLocator.FindOrFetch(parse.GetValue(offline), output));
                    }
                    catch (Descent.Plots.MissingFontException e)
                    {
                        // The story itself is complete; without a font the figures would have blank text, so skip them.
                        output.WriteLine("Figures skipped: " + e.Message);
                    }
                    if (written != null) ReportOptions.WriteSummary(written, output);
                    if (parse.GetValue(json)) output.WriteLine(DemoJsonWriter.ToJson(result, secondHalf, written));
                    return 0;
                });
        });
        return command;
    }
}

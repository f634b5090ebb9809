using System.CommandLine;
using Descent.Cli.Demo;

namespace Descent.Cli.Commands;

/// <summary><c>descent demo</c>: the tutorial's first half, from a noisy line to gradient descent and learning rates.</summary>
public static class DemoCommand
{
    /// <summary>Builds the command; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var defaults = new DemoSettings();
        var seed = CliOptions.Seed("--seed", "Seed for the data and the random start.", defaults.Seed);
        var points = CliOptions.Int("--points", "Number of data points.", defaults.Points, min: 2);
        var steps = CliOptions.Int("--steps", "Gradient descent steps per run.", defaults.Steps, min: 1);
        var lr = CliOptions.PositiveFloat("--lr", "Learning rate of the main descent.", defaults.LearningRate);
        var json = CliOptions.Flag("--json", "End stdout with one line of JSON holding the results.");
        var command = new Command("demo", "Fit a line to noisy points by gradient descent, as in the tutorial's first half.")
        {
            seed, points, steps, lr, json,
        };
        command.Subcommands.Add(OverfitCommand.Create(verbose));
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
                    var result = LinearRegressionStory.Run(settings);
                    DemoTextWriter.Write(result, output);
                    if (parse.GetValue(json)) output.WriteLine(DemoJsonWriter.ToJson(result));
                    return 0;
                });
        });
        return command;
    }
}

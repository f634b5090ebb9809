using System.CommandLine;
using Descent.Cli.Train;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent train</c>: trains a model on a data set, prints each epoch and the final validation numbers (and the
/// test part's, evaluated once, for the image sets), saves it. With only <c>--data</c> and <c>--model</c> it trains the
/// recipe of that pair (<see cref="Descent.Training.Recipes"/>) and prints its name; every other flag changes its field.
/// </summary>
/// <example><code>descent train --data fashion-mnist --model cnn --save fashion.safetensors --plots out</code></example>
public static class TrainCommand
{
    /// <summary>Builds the command; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var shared = new TrainOptionSet();
        var earlyStop = CliOptions.OptionalInt("--early-stop", "Stop after N epochs without a lower validation loss and keep the best weights.", min: 1);
        var save = CliOptions.OutputFile("--save", "Write the trained model (safetensors with its architecture in the metadata).");
        var checkpoint = CliOptions.OutputFile("--checkpoint", "Write a full training checkpoint after every epoch.");
        var resume = CliOptions.ExistingFile("--resume", "Continue from a checkpoint written by --checkpoint: the same flags (a larger --epochs with --schedule constant).");
        var augment = CliOptions.Int("--augment", "Shift training images randomly by up to N pixels each epoch (images only; 0: off).", 0, min: 0);
        var plots = CliOptions.OutputFolder("--plots", "Write the training figures (PNG and SVG) into this folder.");
        var dryRun = CliOptions.Flag("--dry-run", "Print the recipe and the settings in effect (as JSON with --json) and stop before loading any data.");
        var command = new Command("train", "Train a model on a data set and report its validation loss and accuracy (or MAE).");
        foreach (var option in shared.All) command.Options.Add(option);
        command.Options.Add(earlyStop);
        command.Options.Add(save);
        command.Options.Add(checkpoint);
        command.Options.Add(resume);
        command.Options.Add(augment);
        command.Options.Add(plots);
        command.Options.Add(dryRun);
        command.SetAction(parse => CommandGuard.Run(parse, verbose, output => shared.WithThreads(parse, () =>
        {
            var flags = shared.Read(parse);
            var settings = flags with
            {
                EarlyStop = parse.GetValue(earlyStop),
                Save = parse.GetValue(save),
                Checkpoint = parse.GetValue(checkpoint),
                Resume = parse.GetValue(resume),
                Plots = parse.GetValue(plots),
                Augment = Given(parse, augment) || flags.Recipe == null ? parse.GetValue(augment) : flags.Recipe.Shift,
            };
            var overrides = shared.Overrides(parse).Concat(Given(parse, augment) ? [$"--augment {settings.Augment}"] : []).ToList();
            string recipeLine = TrainText.RecipeLine(settings, overrides);
            if (parse.GetValue(dryRun))
            {
                settings.CheckCombination();
                output.WriteLine(recipeLine);
                if (parse.GetValue(shared.Json)) output.WriteLine(TrainText.PlanJson(settings));
                return 0;
            }
            var result = TrainRunner.Run(settings, output, ProgressHost.For(output), recipeLine);
            if (result.Diverged)
                throw new InvalidOperationException($"{result.StopReason}; try a lower --lr (now {settings.LearningRate:g3})");
            TrainText.WriteSummary(result, output);
            if (parse.GetValue(shared.Json)) output.WriteLine(TrainText.ToJson(result));
            return 0;
        })));
        return command;
    }

    private static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };
}

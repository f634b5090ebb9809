using System.CommandLine;
using Descent.Cli.Lm;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent lm</c>: a tiny GPT on a text. <c>train</c> runs the recipe (nanoGPT's CPU configuration unless flags
/// say otherwise), <c>sample</c> continues a prompt with a saved model, <c>eval</c> measures a saved model's
/// validation loss.
/// </summary>
/// <example><code>
/// descent lm train --text moby-dick --save moby.safetensors
/// descent lm sample --model moby.safetensors --prompt "Call me " --tokens 300
/// </code></example>
public static class LmCommand
{
    /// <summary>Builds the command group; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose) =>
        new("lm", "A tiny GPT that learns a text: train it, sample from it, evaluate it.")
        {
            CreateTrain(verbose), LmSampleCommand.Create(verbose), LmEvalCommand.Create(verbose),
        };

    /// <summary>The <c>--text</c> option: moby-dick or a path to an existing UTF-8 file.</summary>
    public static Option<string> TextOption()
    {
        var text = CliOptions.Custom<string>("--text", $"The text: {LmText.MobyDickName} (the npm package's chapters) or a UTF-8 file.", null!, value =>
            value == LmText.MobyDickName || File.Exists(value) ? value : throw new CliValueException($"file not found: {value} (or use {LmText.MobyDickName})"));
        text.DefaultValueFactory = null;
        text.Required = true;
        return text;
    }

    /// <summary>The <c>--data-dir</c> option: where Moby-Dick's tarball is looked for.</summary>
    public static Option<string?> DataDirOption() => CliOptions.ExistingFolder("--data-dir",
        "Folder holding Moby-Dick's tarball (default: the current folder, then $DESCENT_DATA, then ../shared/data).");

    private static Command CreateTrain(Option<bool> verbose)
    {
        var recipe = new LmOptionSet();
        var text = TextOption();
        var tokenizer = CliOptions.Choice("--tokenizer", "char: the text's distinct characters; byte: the 256 UTF-8 bytes.", "char", LmText.Tokenizers, "tokenizer");
        var dataDir = DataDirOption();
        var threads = CliOptions.OptionalInt("--threads", "Threads for the kernels (default: all cores).", min: 1);
        var save = CliOptions.OutputFile("--save", "Write the trained model (safetensors, with its config and tokenizer).");
        var checkpoint = CliOptions.OutputFile("--checkpoint", "Write the run's whole state at every evaluation.");
        var resume = CliOptions.ExistingFile("--resume", "Continue from a --checkpoint file (same flags and text).");
        var plots = CliOptions.OutputFolder("--plots", "Write the loss and learning-rate figures (PNG and SVG) into this folder.");
        var json = CliOptions.Flag("--json", "End stdout with one line of JSON holding the results.");
        var command = new Command("train", "Train a GPT on a text with nanoGPT's recipe, printing the training and validation loss.") { text, dataDir, tokenizer };
        foreach (var option in recipe.All) command.Options.Add(option);
        foreach (var option in new Option[] { threads, save, checkpoint, resume, plots, json }) command.Options.Add(option);
        command.SetAction(parse => CommandGuard.Run(parse, verbose, output => TrainOptionSet.WithThreads(parse.GetValue(threads), () =>
        {
            var settings = new LmTrainSettings(parse.GetValue(text)!, parse.GetValue(tokenizer)!, parse.GetValue(save), parse.GetValue(checkpoint),
                parse.GetValue(resume), parse.GetValue(plots), parse.GetValue(dataDir));
            var trainer = LmTrainRunner.Run(recipe.Read(parse), settings, output);
            if (parse.GetValue(json)) output.WriteLine(LmTrainRunner.ToJson(trainer));
            return 0;
        })));
        return command;
    }
}

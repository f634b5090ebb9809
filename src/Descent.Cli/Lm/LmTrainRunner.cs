using System.Globalization;
using Descent.Cli.Commands;
using Descent.Data;
using Descent.Training;

namespace Descent.Cli.Lm;

/// <summary>The flags of one <c>descent lm train</c> run besides the recipe.</summary>
/// <param name="Text">moby-dick or a path.</param>
/// <param name="Tokenizer">char or byte.</param>
/// <param name="Save">Where to write the model, or null.</param>
/// <param name="Checkpoint">Where to write the run's state at every evaluation, or null.</param>
/// <param name="Resume">A checkpoint to continue from, or null.</param>
/// <param name="Plots">A folder for the figures, or null.</param>
/// <param name="DataDir">Where to look for Moby-Dick's tarball first, or null for the usual folders.</param>
public sealed record LmTrainSettings(string Text, string Tokenizer, string? Save = null, string? Checkpoint = null, string? Resume = null,
    string? Plots = null, string? DataDir = null);

/// <summary>Runs <c>descent lm train</c>: reads the text, checks everything, trains with progress lines, then writes the model and the figures.</summary>
public static class LmTrainRunner
{
    /// <summary>Trains <paramref name="recipe"/> as <paramref name="settings"/> say, printing progress to <paramref name="log"/>; returns the trainer.</summary>
    public static LmTrainer Run(LmRecipe recipe, LmTrainSettings settings, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        CheckOutputs(settings);
        string text = LmText.Read(settings.Text, settings.DataDir);
        var tokenizer = LmText.NewTokenizer(settings.Tokenizer, text);
        string textName = settings.Text == LmText.MobyDickName ? "Moby-Dick" : Path.GetFileName(settings.Text);
        LmTrainer trainer;
        try
        {
            trainer = LmTrainer.FromText(text, tokenizer, recipe);
        }
        catch (ArgumentException e)
        {
            // The flags were checked one by one and together, so what is left is the text: too short for a window.
            throw new InvalidDataException($"{textName}: {e.Message}", e);
        }
        if (settings.Resume != null) Resume(trainer, settings.Resume);

        var c = CultureInfo.InvariantCulture;
        log.WriteLine(string.Create(c, $"text: {textName}, {text.Length:N0} characters, " +
            $"{tokenizer.Type} tokenizer of {tokenizer.VocabSize} ids; {trainer.TrainSplit.Count:N0} training and {trainer.ValidationSplit.Count:N0} validation tokens"));
        log.WriteLine(string.Create(c, $"model: GPT of {recipe.Layers} block(s), {recipe.Heads} head(s), width {recipe.Width}, block {recipe.Block}; " +
            $"{Parameters(trainer):N0} parameters; {recipe.Iterations} iterations of batch {recipe.Batch}{(trainer.StepCount > 0 ? $", resumed at {trainer.StepCount}" : "")}"));
        int logEvery = Math.Max(1, recipe.EvalInterval / 5);
        trainer.Run(p =>
        {
            if (p.Evaluation is { } e)
            {
                log.WriteLine(string.Create(c, $"iter {p.Step,5}: train loss {e.TrainLoss:F4}, val loss {e.ValidLoss:F4}, lr {e.Lr:0.###e+0}, {p.TokensPerSecond:N0} tokens/s"));
                if (settings.Checkpoint != null) trainer.SaveCheckpoint(settings.Checkpoint);
            }
            else if (p.Step % logEvery == 0)
                log.WriteLine(string.Create(c, $"iter {p.Step,5}: loss {p.Loss:F4}, lr {p.Lr:0.###e+0}, {p.TokensPerSecond:N0} tokens/s"));
        });
        if (settings.Save != null)
        {
            LmModelFile.Save(settings.Save, trainer.Model, tokenizer);
            log.WriteLine($"saved {settings.Save}");
        }
        if (settings.Plots != null) LmPlots.Write(settings.Plots, trainer);
        return trainer;
    }

    /// <summary>The number of distinct parameters (the tied head counted once).</summary>
    public static long Parameters(LmTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        return trainer.Parameters.Sum(p => (long)p.Numel);
    }

    /// <summary>The one line of JSON that ends <c>--json</c> output.</summary>
    public static string ToJson(LmTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var last = trainer.Evaluations[^1];
        using var line = new Train.JsonLine();
        line.Number("train_loss", last.TrainLoss).Number("val_loss", last.ValidLoss).Number("iterations", trainer.StepCount)
            .Number("train_seconds", trainer.TrainSeconds).Number("parameters", Parameters(trainer))
            .Number("tokens_per_second", trainer.TokensPerSecond)
            .String("tokenizer", trainer.Tokenizer.Type).Number("vocab_size", trainer.Tokenizer.VocabSize)
            .Number("layers", trainer.Recipe.Layers).Number("heads", trainer.Recipe.Heads).Number("width", trainer.Recipe.Width)
            .Number("block", trainer.Recipe.Block).Number("batch", trainer.Recipe.Batch);
        var w = line.Writer;
        w.WriteNumber("seed", trainer.Recipe.Seed);
        w.WriteStartArray("evaluations");
        foreach (var e in trainer.Evaluations) LmJson.Evaluation(w, e);
        w.WriteEndArray();
        return line.ToString();
    }

    // A run that would fail at its end on an output path fails now, before minutes of training.
    private static void CheckOutputs(LmTrainSettings settings)
    {
        var outputs = new[] { ("--save", settings.Save), ("--checkpoint", settings.Checkpoint) }.Where(o => o.Item2 != null).ToList();
        if (outputs.Count == 2 && Path.GetFullPath(outputs[0].Item2!) == Path.GetFullPath(outputs[1].Item2!))
            throw new CliUsageException($"--save and --checkpoint name the same file ({settings.Save}); the model would overwrite the checkpoint");
        if (settings.Resume != null && settings.Save != null && Path.GetFullPath(settings.Resume) == Path.GetFullPath(settings.Save))
            throw new CliUsageException($"--save names the checkpoint given to --resume ({settings.Save}); it would be overwritten by a model file");
        if (settings.Plots != null) Directory.CreateDirectory(settings.Plots);
    }

    private static void Resume(LmTrainer trainer, string path)
    {
        string name = Path.GetFileName(path);
        var checkpoint = Checkpoint.Load(path);
        if (trainer.DifferenceFrom(checkpoint, name) is var (field, theirs, ours))
        {
            bool flag = trainer.Recipe.Fields().Any(f => f.Name == field) || field == "tokenizer";
            throw new CliUsageException(flag
                ? $"--resume: {name} was written with --{field} {theirs}, this run has --{field} {ours}"
                : $"--resume: {name} was written for another text ({field} {theirs} there, {ours} here)");
        }
        trainer.Restore(checkpoint, name);
    }
}

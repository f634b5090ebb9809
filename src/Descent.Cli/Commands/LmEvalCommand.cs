using System.CommandLine;
using System.Globalization;
using Descent.Cli.Lm;
using Descent.Cli.Train;
using Descent.Data;
using Descent.Training;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent lm eval</c>: a saved model's mean loss on the validation split of a text (its last 10 %), over random
/// batches drawn as <c>descent lm train</c> draws its evaluations, so the same seed and batch reproduce the run's number.
/// </summary>
/// <example><code>descent lm eval --model moby.safetensors --text moby-dick</code></example>
public static class LmEvalCommand
{
    /// <summary>Builds the command; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var defaults = new LmRecipe();
        var model = CliOptions.ExistingFile("--model", "A model saved by `descent lm train --save`.");
        model.DefaultValueFactory = null;
        model.Required = true;
        var text = LmCommand.TextOption();
        var dataDir = LmCommand.DataDirOption();
        var batch = CliOptions.Int("--batch", "Windows per batch.", defaults.Batch, min: 1);
        var batches = CliOptions.Int("--eval-batches", "Random batches averaged.", defaults.EvalBatches, min: 1);
        var seed = CliOptions.Seed("--seed", "The training run's seed: evaluation batches are drawn from it.", defaults.Seed);
        var json = CliOptions.Flag("--json", "End stdout with one line of JSON holding the loss.");
        var command = new Command("eval", "Measure a saved language model's validation loss on a text.") { model, text, dataDir, batch, batches, seed, json };
        command.SetAction(parse => CommandGuard.Run(parse, verbose, output =>
        {
            var (gpt, tokenizer) = LmModelFile.Load(parse.GetValue(model)!);
            string source = parse.GetValue(text)!;
            var corpus = LmText.Read(source, parse.GetValue(dataDir));
            var (_, validation) = TokenWindows.Split(tokenizer.Encode(corpus));
            double loss = LmTrainer.MeanLoss(gpt, validation, parse.GetValue(batches), parse.GetValue(batch), parse.GetValue(seed));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"validation loss {loss:F4} over {parse.GetValue(batches)} batches of {parse.GetValue(batch)}×{gpt.Config.BlockSize} tokens ({validation.Count:N0} validation tokens)"));
            if (parse.GetValue(json))
            {
                using var line = new JsonLine();
                line.Number("val_loss", loss).Number("eval_batches", parse.GetValue(batches)).Number("batch", parse.GetValue(batch))
                    .Number("validation_tokens", validation.Count).Number("seed", parse.GetValue(seed));
                output.WriteLine(line.ToString());
            }
            return 0;
        }));
        return command;
    }
}

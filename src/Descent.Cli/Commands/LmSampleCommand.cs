using System.CommandLine;
using System.Diagnostics;
using Descent.Cli.Train;
using Descent.Nn;
using Descent.Training;

namespace Descent.Cli.Commands;

/// <summary><c>descent lm sample</c>: continues a prompt with a saved model and prints the text.</summary>
/// <example><code>descent lm sample --model moby.safetensors --prompt "Call me " --tokens 300 --temperature 0.8 --top-k 40 --seed 1</code></example>
public static class LmSampleCommand
{
    /// <summary>Builds the command; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var model = CliOptions.ExistingFile("--model", "A model saved by `descent lm train --save`.");
        model.DefaultValueFactory = null;
        model.Required = true;
        var prompt = CliOptions.Custom("--prompt", "The text to continue (at least one token).", "Call me ", text =>
            text.Length > 0 ? text : throw new CliValueException("must not be empty"));
        var tokens = CliOptions.Int("--tokens", "Tokens to sample after the prompt.", 300, min: 0);
        var temperature = CliOptions.NonNegativeFloat("--temperature", "Divides the logits before sampling (0: always the likeliest token).", 0.8f);
        var topK = CliOptions.OptionalInt("--top-k", "Sample among the k likeliest tokens only (default 40).", min: 1);
        var seed = CliOptions.Seed("--seed", "Seed of the draws.", 0);
        var noCache = CliOptions.Flag("--no-cache", "Recompute the whole context for every token instead of using the key/value cache (same text, slower).");
        var json = CliOptions.Flag("--json", "End stdout with one line of JSON holding the text and its speed.");
        var command = new Command("sample", "Continue a prompt with a saved language model.") { model, prompt, tokens, temperature, topK, seed, noCache, json };
        command.SetAction(parse => CommandGuard.Run(parse, verbose, output =>
        {
            string path = parse.GetValue(model)!;
            var (gpt, tokenizer) = LmModelFile.Load(path);
            int[] ids;
            try
            {
                ids = tokenizer.Encode(parse.GetValue(prompt)!);
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException($"--prompt: {e.Message}");
            }
            if (ids.Length == 0) throw new CliUsageException("--prompt: it encodes to no tokens");
            int k = Math.Min(parse.GetValue(topK) ?? 40, gpt.Config.VocabSize);
            bool cache = !parse.GetValue(noCache);
            var watch = Stopwatch.StartNew();
            var all = gpt.Generate(ids, parse.GetValue(tokens), parse.GetValue(temperature), k, new Generator(parse.GetValue(seed)), useCache: cache);
            double seconds = watch.Elapsed.TotalSeconds;
            string prefix = tokenizer.Decode(ids), text = tokenizer.Decode(all.Data);
            output.WriteLine(text);
            if (parse.GetValue(json))
            {
                int newChars = text.Length - prefix.Length;
                using var line = new JsonLine();
                line.String("text", text).Number("tokens", parse.GetValue(tokens)).Number("seconds", seconds)
                    .Number("chars_per_second", seconds > 0 ? newChars / seconds : null).Number("seed", parse.GetValue(seed))
                    .String("cache", cache ? "on" : "off");
                output.WriteLine(line.ToString());
            }
            return 0;
        }));
        return command;
    }
}

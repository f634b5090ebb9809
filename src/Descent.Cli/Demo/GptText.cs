using System.Globalization;
using System.Text.Json;
using Descent.Cli.Lm;
using Descent.Training;
using Descent.Tutorial;

namespace Descent.Cli.Demo;

/// <summary>Prints a <see cref="GptResult"/> as the chapter's text, and as one JSON line with every number.</summary>
public static class GptText
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Writes the chapter.</summary>
    public static void Write(GptResult r, TextWriter w)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(w);
        var recipe = r.Settings.Recipe;
        w.WriteLine($"A tiny GPT learns Moby-Dick ({r.Source}).");
        w.WriteLine($"The corpus: {F(r.Characters, "N0")} characters, {r.VocabularySize} distinct ones: {Printable(r.Vocabulary)}");
        w.WriteLine($"   Each character is a token; the first 90 % ({F(r.TrainTokens, "N0")} tokens) trains, the last 10 % ({F(r.ValidTokens, "N0")}) validates.");
        w.WriteLine($"The model: {recipe.Layers} {(recipe.Layers == 1 ? "block" : "blocks")} of causal self-attention ({recipe.Heads} heads) and a 4x GELU MLP, width {recipe.Width}, " +
                    $"a window of {recipe.Block} characters: {F(r.Parameters, "N0")} numbers.");
        w.WriteLine("   The loop is the tutorial's loop with more numbers: the line had 2 numbers and one gradient step per batch; here a");
        w.WriteLine($"   batch of {recipe.Batch} windows goes forward, the cross-entropy of every next character goes backward, and AdamW");
        w.WriteLine($"   takes the step ({recipe.Warmup} warm-up steps, then a cosine from {F(recipe.Lr, "0.####")} to {F(recipe.MinLr, "0.####")}, " +
                    $"gradients clipped at norm {F(recipe.GradClip, "0.##")}), {F(recipe.Iterations, "N0")} times.");
        w.WriteLine();
        Sample(w, "Untrained, it babbles: every character about as likely as any other", r.Untrained);
        Sample(w, $"After {F(r.Early.Step, "N0")} steps", r.Early);
        Sample(w, $"After all {F(r.Final.Step, "N0")} steps", r.Final);
        w.WriteLine($"Training and validation loss (mean cross-entropy over {recipe.EvalBatches} random batches; a uniform guess scores " +
                    $"ln {r.VocabularySize} = {F(Math.Log(r.VocabularySize), "0.000")}):");
        w.WriteLine("    step   train loss   valid loss   lr");
        foreach (var e in r.Evaluations)
            w.WriteLine($"   {e.Step,5}   {F(e.TrainLoss, "0.0000"),10}   {F(e.ValidLoss, "0.0000"),10}   {F(e.Lr, "0.000000")}");
        w.WriteLine($"   {Overfitting(r)}");
        w.WriteLine();
        var a = r.Attention;
        w.WriteLine($"What one head looks at: block {a.Layer + 1}, head {a.Head + 1} over \"{string.Concat(a.Tokens)}\".");
        w.WriteLine($"   {Pct(a.SelfShare)} of the characters look hardest at themselves, {Pct(a.PreviousShare)} at the character before;");
        w.WriteLine($"   on average the head looks {F(a.MeanLookBack, "0.0")} characters back. No character can look ahead: the mask forbids it.");
        w.WriteLine();
        w.WriteLine($"Training took {F(r.TrainSeconds, "0.0")} s without the evaluations: {F(r.TokensPerSecond, "N0")} tokens per second.");
    }

    /// <summary>The chapter's verdict on the two curves, in words.</summary>
    public static string Overfitting(GptResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var best = r.BestValidation;
        var last = r.Last;
        string gap = $"At the end the validation loss is {F(last.ValidLoss, "0.0000")} against {F(last.TrainLoss, "0.0000")} on the training text " +
                     $"(a gap of {F(r.Gap, "0.0000")})";
        return best.Step < last.Step && last.ValidLoss > best.ValidLoss
            ? $"{gap}; the validation loss was lowest at step {best.Step} ({F(best.ValidLoss, "0.0000")}) and has risen since: " +
              "the model has begun to memorize its training text, the overfitting picture of the tutorial again."
            : $"{gap}; the validation loss is still falling: the model generalizes, and training longer would still help " +
              "until the two curves part, as they did in the tutorial's overfitting chapter.";
    }

    /// <summary>The result as a single-line JSON object with snake_case keys; <paramref name="report"/> adds the files written.</summary>
    public static string ToJson(GptResult r, Report.GptReportResult? report = null)
    {
        ArgumentNullException.ThrowIfNull(r);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("source", r.Source);
            w.WriteNumber("characters", r.Characters);
            w.WriteNumber("vocabulary_size", r.VocabularySize);
            w.WriteString("vocabulary", r.Vocabulary);
            w.WriteNumber("train_tokens", r.TrainTokens);
            w.WriteNumber("valid_tokens", r.ValidTokens);
            w.WriteNumber("parameters", r.Parameters);
            w.WriteStartObject("recipe");
            foreach (var (name, value) in r.Settings.Recipe.Fields()) w.WriteString(name.Replace('-', '_'), value);
            w.WriteEndObject();
            w.WriteNumber("iterations", r.Final.Step);
            w.WriteStartArray("samples");
            foreach (var s in new[] { r.Untrained, r.Early, r.Final })
            {
                w.WriteStartObject();
                w.WriteNumber("step", s.Step);
                w.WriteString("text", s.Text);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("evaluations");
            foreach (var e in r.Evaluations) LmJson.Evaluation(w, e);
            w.WriteEndArray();
            w.WriteNumber("train_loss", r.Last.TrainLoss);
            w.WriteNumber("val_loss", r.Last.ValidLoss);
            w.WriteNumber("best_val_step", r.BestValidation.Step);
            w.WriteNumber("best_val_loss", r.BestValidation.ValidLoss);
            w.WriteNumber("gap", r.Gap);
            w.WriteNumber("train_seconds", r.TrainSeconds);
            w.WriteNumber("tokens_per_second", r.TokensPerSecond);
            w.WriteStartArray("losses");
            foreach (float loss in r.Losses) w.WriteNumberValue(loss);
            w.WriteEndArray();
            Attention(w, r.Attention);
            if (report != null)
            {
                w.WriteStartObject("report");
                DemoJsonWriter.ReportFiles(w, report.Folder, report.Index, report.Files);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Attention(Utf8JsonWriter w, GptAttention a)
    {
        w.WriteStartObject("attention");
        w.WriteNumber("layer", a.Layer);
        w.WriteNumber("head", a.Head);
        w.WriteString("sentence", string.Concat(a.Tokens));
        w.WriteNumber("self_share", a.SelfShare);
        w.WriteNumber("previous_share", a.PreviousShare);
        w.WriteNumber("mean_look_back", a.MeanLookBack);
        w.WriteStartArray("weights");
        foreach (var row in a.Weights)
        {
            w.WriteStartArray();
            foreach (float v in row) w.WriteNumberValue(v);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Sample(TextWriter w, string heading, GptSample sample)
    {
        w.WriteLine($"{heading} (step {sample.Step}):");
        foreach (var line in sample.Text.Split('\n')) w.WriteLine("   | " + line);
        w.WriteLine();
    }

    // Control characters (the newline) would break the line; they are shown escaped.
    private static string Printable(string vocabulary) =>
        string.Concat(vocabulary.Select(c => c switch { '\n' => "\\n", '\t' => "\\t", '\r' => "\\r", _ => c.ToString() }));

    private static string Pct(double share) => F(100 * share, "0") + " %";

    private static string F(double value, string format) => value.ToString(format, C);
}

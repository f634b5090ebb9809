using System.Globalization;
using Descent.Cli.Train;
using Descent.Tutorial;

namespace Descent.Cli.Demo;

/// <summary>Prints an <see cref="OverfitResult"/> as text, and as one JSON line with every number.</summary>
public static class OverfitText
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Rows printed of the unregularized run: about this many, plus the best epoch.</summary>
    public const int PrintedRows = 24;

    /// <summary>Writes the story.</summary>
    public static void Write(OverfitResult r, TextWriter w)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(w);
        var s = r.Settings;
        var b = r.Baseline;
        w.WriteLine($"Overfitting: an MLP 1-{string.Join("-", s.Layers)}-1 learns {s.TrainPoints} noisy points of y = sin(x) + {F(s.Noise, "0.##")}·N(0, 1), " +
                    $"checked on {s.ValidPoints} more (seed {s.Seed}).");
        w.WriteLine($"The noise alone gives a validation loss of {F(r.NoiseFloor, "0.0000")}: the true curve's own error; no model does better on average.");
        w.WriteLine();
        w.WriteLine($"1. No regularization: {s.Epochs} full-batch epochs of Adam, lr {F(s.LearningRate, "0.####")}.");
        w.WriteLine("   epoch   train loss   valid loss");
        int every = Math.Max(1, s.Epochs / PrintedRows);
        for (int e = 1; e <= b.TrainLoss.Length; e++)
        {
            if (e != 1 && e % every != 0 && e != b.BestEpoch && e != b.TrainLoss.Length) continue;
            string mark = e == b.BestEpoch ? "   <- lowest validation loss" : "";
            w.WriteLine($"   {e,5}   {F(b.TrainLoss[e - 1], "0.000000"),10}   {F(b.ValidLoss[e - 1], "0.000000"),10}{mark}");
        }
        w.WriteLine($"   The validation loss is lowest at epoch {b.BestEpoch} ({F(b.ValidLoss[b.BestEpoch - 1], "0.0000")}), then rises to " +
                    $"{F(b.FinalValidLoss, "0.0000")} while the training loss keeps falling to {F(b.FinalTrainLoss, "0.0000")}:");
        w.WriteLine("   the network has begun to memorize the noise of its few points instead of the curve.");
        w.WriteLine();
        var early = r.Runs.Single(x => x.Name == "early stopping");
        w.WriteLine(early.StoppedEpoch > 0
            ? $"2. EarlyStopping (patience {s.Patience}) catches it: training stops at epoch {early.StoppedEpoch} and keeps the weights of epoch {early.BestEpoch}."
            : $"2. EarlyStopping (patience {s.Patience}) never stopped the run: the validation loss kept improving within {s.Patience} epochs.");
        w.WriteLine();
        w.WriteLine("3. Three cures, the same network and start (final model; gap = valid − train):");
        w.WriteLine("   regularization           epochs   train loss   valid loss       gap");
        foreach (var run in r.Runs)
        {
            string label = run.Name switch
            {
                "weight decay" => $"weight decay {F(s.WeightDecay, "0.###")} (AdamW)",
                "dropout" => $"dropout {F(s.Dropout, "0.##")}",
                "early stopping" => $"early stopping ({s.Patience})",
                _ => run.Name,
            };
            w.WriteLine($"   {label,-24} {run.ValidLoss.Length,6}   {F(run.FinalTrainLoss, "0.000000"),10}   {F(run.FinalValidLoss, "0.000000"),10}   {F(run.Gap, "0.000000"),8}");
        }
        foreach (var run in r.Runs.Skip(1))
            w.WriteLine($"   {run.Name}: gap {F(run.Gap, "0.0000")} against {F(b.Gap, "0.0000")} without " +
                        $"({(run.Gap < b.Gap ? "closed by " + F(1 - run.Gap / b.Gap, "0%") : "not closed")}), " +
                        $"validation loss {F(run.FinalValidLoss, "0.0000")} against {F(b.FinalValidLoss, "0.0000")}");
    }

    /// <summary>The result as one JSON line: settings, noise floor, and each run's curves and final numbers.</summary>
    public static string ToJson(OverfitResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var s = r.Settings;
        using var json = new JsonLine();
        json.Number("seed", s.Seed).Number("train_points", s.TrainPoints).Number("valid_points", s.ValidPoints).Number("noise", s.Noise)
            .Number("epochs", s.Epochs).Number("lr", s.LearningRate).Number("weight_decay", s.WeightDecay).Number("dropout", s.Dropout)
            .Number("patience", s.Patience).Number("noise_floor", r.NoiseFloor);
        var w = json.Writer;
        w.WriteStartArray("hidden");
        foreach (int h in s.Layers) w.WriteNumberValue(h);
        w.WriteEndArray();
        w.WriteStartArray("runs");
        foreach (var run in r.Runs)
        {
            w.WriteStartObject();
            w.WriteString("name", run.Name);
            w.WriteNumber("epochs", run.ValidLoss.Length);
            w.WriteNumber("best_epoch", run.BestEpoch);
            w.WriteNumber("stopped_epoch", run.StoppedEpoch);
            Num(w, "train_loss", run.FinalTrainLoss);
            Num(w, "valid_loss", run.FinalValidLoss);
            Num(w, "gap", run.Gap);
            w.WriteStartArray("train_curve");
            foreach (var v in run.TrainLoss) JsonLine.Value(w, v);
            w.WriteEndArray();
            w.WriteStartArray("valid_curve");
            foreach (var v in run.ValidLoss) JsonLine.Value(w, v);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        return json.ToString();
    }

    private static void Num(System.Text.Json.Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        JsonLine.Value(w, value);
    }

    private static string F(double v, string format) => v.ToString(format, C);
}

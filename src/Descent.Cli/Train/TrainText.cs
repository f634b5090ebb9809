using System.Globalization;
using System.Text.Json;

namespace Descent.Cli.Train;

/// <summary>The plain text and the JSON line <c>descent train</c> prints.</summary>
public static class TrainText
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>
    /// The line naming the recipe in effect, e.g. <c>recipe: cnn on fashion-mnist — cnn-bn:16,32,128, 4 epochs of batch 128, …</c>,
    /// then the flags that changed it; without a recipe, the plain defaults.
    /// </summary>
    public static string RecipeLine(TrainSettings s, IReadOnlyList<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(overrides);
        string changed = overrides.Count > 0 ? $"; changed by {string.Join(", ", overrides)}" : "";
        return s.Recipe != null
            ? $"recipe: {s.Recipe.Describe()}{changed}"
            : $"recipe: none for --model {s.Model} on {s.Data}; the flags and their defaults{changed}";
    }

    /// <summary>The settings a run would use, as one JSON line (<c>descent train --dry-run --json</c>).</summary>
    public static string PlanJson(TrainSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        using var json = new JsonLine();
        json.String("recipe", s.Recipe?.Title).String("data", s.Data.ToString()).String("model", s.Model.ToString())
            .Number("epochs", s.Epochs).Number("batch_size", s.BatchSize).String("optimizer", s.Optimizer).Number("lr", s.LearningRate)
            .String("schedule", s.Schedule).Number("weight_decay", s.WeightDecay).Number("augment", s.Augment).Number("dropout", s.Dropout)
            .Number("label_smoothing", s.LabelSmoothing).Number("seed", s.Seed);
        return json.ToString();
    }

    /// <summary>The lines before the first epoch: the data, the model and the training setup.</summary>
    /// <param name="session">The run.</param>
    /// <param name="w">Where the lines go.</param>
    /// <param name="training">False for the LR finder, which sets its own rates: the setup line then names only the optimizer and batch.</param>
    public static void WriteHeader(TrainingSession session, TextWriter w, bool training = true)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(w);
        var d = session.Data;
        var s = session.Settings;
        string target = d.IsClassification ? $"{d.Outputs} classes" : "regression";
        w.WriteLine($"data: {d.Spec}, {d.Train.Count} training and {d.Valid.Count} validation examples ({d.ValidDescription}), " +
                    $"inputs {Shape.Format(d.InputShape)}, {target}{(d.Scaling != null ? ", standardized on the training part" : "")}");
        long parameters = session.Model.Parameters().Sum(p => (long)p.Numel);
        w.WriteLine($"model: {session.Info.Arch}{(s.Dropout > 0 ? $" with dropout {s.Dropout.ToString("0.###", C)}" : "")}, {parameters.ToString("N0", C)} parameters");
        if (!training)
        {
            w.WriteLine($"sweep: batches of {s.BatchSize}, optimizer {s.Optimizer}" +
                        (s.WeightDecay > 0 ? $", weight decay {s.WeightDecay.ToString("g3", C)}" : "") + $", seed {s.Seed}");
            return;
        }
        w.WriteLine($"training: {s.Epochs} epochs of {session.Learner.TrainLoader.Count} batches of {s.BatchSize}, optimizer {s.Optimizer}, " +
                    $"lr {s.LearningRate.ToString("g3", C)}, schedule {s.Schedule}" +
                    (s.WeightDecay > 0 ? $", weight decay {s.WeightDecay.ToString("g3", C)}" : "") +
                    (s.Augment > 0 ? $", random shifts of up to {s.Augment} px" : "") +
                    (s.EarlyStop is int p ? $", early stopping after {p} epochs without improvement" : "") +
                    $", seed {s.Seed}, {Threads.Count} thread{(Threads.Count == 1 ? "" : "s")}" +
                    (s.Resume != null ? $", resuming from {s.Resume}" : ""));
    }

    /// <summary>The lines after training: final validation numbers, the saved file, the figures and the time.</summary>
    public static void WriteSummary(TrainResult r, TextWriter w)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(w);
        var s = r.Session.Settings;
        string metric = r.Session.Data.IsClassification
            ? $"accuracy {(100 * r.Metric).ToString("0.00", C)}%"
            : $"MAE {r.Metric.ToString("0.0000", C)}";
        string epoch = r.BestEpoch < r.History.Count ? $" (weights of epoch {r.BestEpoch}, the best of {r.History.Count})" : $" (after {r.History.Count} epoch{(r.History.Count == 1 ? "" : "s")})";
        w.WriteLine($"validation: loss {r.Final.Loss.ToString("0.0000", C)}, {metric}{epoch}");
        if (r.Test is { } test)
            w.WriteLine($"test: loss {test.Loss.ToString("0.0000", C)}, accuracy {(100 * test.Metrics["accuracy"]).ToString("0.00", C)}% on {r.Session.Data.Test!.Count} examples, evaluated once after training");
        if (s.Save != null) w.WriteLine($"saved the model to {s.Save}");
        else w.WriteLine("the model was not saved (use --save PATH to keep it)");
        if (s.Checkpoint != null) w.WriteLine($"full checkpoint: {s.Checkpoint} (continue with --resume {s.Checkpoint})");
        if (r.Figures.Count > 0) w.WriteLine($"figures in {s.Plots}: {string.Join(", ", r.Figures)} (PNG and SVG)");
        w.WriteLine($"time: {r.Seconds.ToString("0.0", C)} s");
    }

    /// <summary>The run as one JSON line.</summary>
    public static string ToJson(TrainResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var s = r.Session.Settings;
        using var json = new JsonLine();
        json.String("data", s.Data.ToString()).String("model", r.Session.Info.Arch).String("task", r.Session.Data.Task)
            .String("optimizer", s.Optimizer).Number("lr", s.LearningRate).String("schedule", s.Schedule)
            .Number("epochs", s.Epochs).Number("epochs_run", r.History.Count).Number("batch_size", s.BatchSize).Number("augment", s.Augment)
            .Number("seed", s.Seed).Number("threads", Threads.Count)
            .Number("train_examples", r.Session.Data.Train.Count).Number("valid_examples", r.Session.Data.Valid.Count)
            .Number("parameters", r.Session.Model.Parameters().Sum(p => (long)p.Numel))
            .Number("valid_loss", r.Final.Loss).Number(r.Session.Data.IsClassification ? "valid_accuracy" : "valid_mae", r.Metric)
            .Number("test_loss", r.Test?.Loss).Number("test_accuracy", r.Test?.Metrics["accuracy"])
            .Number("test_examples", r.Session.Data.Test?.Count)
            .Number("best_epoch", r.BestEpoch).String("stop_reason", r.StopReason)
            .String("saved", s.Save).String("checkpoint", s.Checkpoint).Number("seconds", r.Seconds);
        var w = json.Writer;
        w.WriteStartArray("figures");
        foreach (var f in r.Figures) w.WriteStringValue(f);
        w.WriteEndArray();
        w.WriteStartArray("history");
        foreach (var e in r.History)
        {
            w.WriteStartObject();
            w.WriteNumber("epoch", e.Epoch);
            Num(w, "train_loss", e.TrainLoss);
            Num(w, "valid_loss", e.ValidLoss);
            Num(w, r.MetricName, e.Get(r.MetricName));
            Num(w, "lr", e.Lr);
            Num(w, "seconds", e.Seconds);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        return json.ToString();
    }

    private static void Num(Utf8JsonWriter w, string name, double? value)
    {
        w.WritePropertyName(name);
        JsonLine.Value(w, value);
    }
}

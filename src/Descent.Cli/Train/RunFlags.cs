using System.Globalization;
using Descent.Cli.Commands;
using Descent.Training;

namespace Descent.Cli.Train;

/// <summary>
/// The flags of <c>descent train</c> that decide what a run computes, as text, in the order help lists them. A
/// checkpoint records them (<see cref="Checkpoint.Run"/>) and <c>--resume</c> compares them all before loading any
/// data, so a resumed run is the run that wrote the checkpoint or is refused naming the first flag that differs.
/// Where the data lives (<c>--data-dir</c>), what is written and the thread count do not define the run.
/// </summary>
/// <example><code>
/// var checkpoint = Checkpoint.Load("run.safetensors");
/// RunFlags.CheckResume(settings, checkpoint, "run.safetensors");   // CliUsageException: --batch-size differs
/// </code></example>
public static class RunFlags
{
    /// <summary>The run-defining flags of <paramref name="settings"/>, with the learning rate in effect.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Of(TrainSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var c = CultureInfo.InvariantCulture;
        return
        [
            new("--data", settings.Data.ToString()),
            new("--model", settings.Model.ToString()),
            new("--epochs", settings.Epochs.ToString(c)),
            new("--batch-size", settings.BatchSize.ToString(c)),
            new("--optimizer", settings.Optimizer),
            new("--lr", settings.LearningRate.ToString("R", c)),
            new("--schedule", settings.Schedule),
            new("--weight-decay", settings.WeightDecay.ToString("R", c)),
            new("--dropout", settings.Dropout.ToString("R", c)),
            new("--val-split", settings.ValSplit.ToString("R", c)),
            new("--seed", settings.Seed.ToString(c)),
            new("--early-stop", settings.EarlyStop?.ToString(c) ?? "off"),
            new("--augment", settings.Augment.ToString(c)),
            // Recorded only when set, so that checkpoints written before the flag existed still resume.
            .. settings.LabelSmoothing > 0 ? [new KeyValuePair<string, string>("--label-smoothing", settings.LabelSmoothing.ToString("R", c))] : Array.Empty<KeyValuePair<string, string>>(),
        ];
    }

    /// <summary>
    /// Throws <see cref="CliUsageException"/> naming the first flag of <paramref name="settings"/> whose value differs
    /// from the one <paramref name="checkpoint"/> recorded, with both values; <paramref name="name"/> names the file.
    /// <c>--epochs</c> may grow under the constant schedule, whose rates do not depend on the run's length; every
    /// other schedule is laid out over the total, so there it must match.
    /// </summary>
    public static void CheckResume(TrainSettings settings, Checkpoint checkpoint, string name)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.Run == null)
            throw new FormatException($"{name}: the checkpoint records no training flags (metadata 'run'), so resuming it cannot be checked; " +
                                      "resume only from a checkpoint written by `descent train --checkpoint`");
        var recorded = checkpoint.Run.ToDictionary(kv => kv.Key, kv => kv.Value);
        bool lengthFree = settings.Schedule == "constant" && recorded.GetValueOrDefault("--schedule") == "constant";
        foreach (var (flag, value) in Of(settings))
        {
            if (flag == "--epochs" && lengthFree) continue;
            string was = recorded.TryGetValue(flag, out var v) ? v : "(not recorded)";
            if (was != value)
                throw new CliUsageException($"--resume: {name} was written by a run with {flag} {Clip(was)}, this run has {flag} {value}; " +
                                            "resume with the flags of the run that wrote it");
        }
        if (settings.Epochs < checkpoint.Epoch)
            throw new CliUsageException($"--epochs {settings.Epochs} is below the {checkpoint.Epoch} epochs {name} has already completed");
    }

    // The recorded value comes from a file: a damaged or hostile one must not flood the one-line error.
    private static string Clip(string text) => text.Length <= 80 ? text : text[..80] + "...";
}

namespace Descent.Training;

/// <summary>Whether a monitored value should fall or rise; <see cref="Auto"/> decides from the name.</summary>
public enum MonitorMode
{
    /// <summary>Losses fall; a metric whose <see cref="IMetric.HigherIsBetter"/> is true rises.</summary>
    Auto,
    /// <summary>Lower is better.</summary>
    Min,
    /// <summary>Higher is better.</summary>
    Max,
}

/// <summary>
/// Reading a monitored value from an epoch's record, shared by the callbacks that watch one; whether it improved is
/// <see cref="Optim.Schedules.Plateau"/>'s to judge.
/// </summary>
internal static class MonitoredValue
{
    /// <summary>True when higher is better for <paramref name="name"/> under <paramref name="mode"/>.</summary>
    public static bool HigherIsBetter(Learner learner, string name, MonitorMode mode)
    {
        if (mode != MonitorMode.Auto) return mode == MonitorMode.Max;
        string metric = name.StartsWith("train_", StringComparison.Ordinal) ? name["train_".Length..] : name;
        return learner.Metrics.FirstOrDefault(m => m.Name == name || m.Name == metric) is { HigherIsBetter: true };
    }

    /// <summary>The monitored value, or an exception listing what the record holds.</summary>
    public static double Read(EpochRecord record, string name, string owner) =>
        record.Get(name) ?? throw new InvalidOperationException(
            $"{owner}: '{name}' is not recorded at epoch {record.Epoch}; available: {string.Join(", ", record.Names())}");

    public static void CheckMode(MonitorMode mode, string owner)
    {
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, $"{owner}: unknown mode {mode}");
    }

    public static void CheckName(string monitor, string owner)
    {
        if (string.IsNullOrWhiteSpace(monitor)) throw new ArgumentException($"{owner}: monitor must name a recorded value such as 'valid_loss'", nameof(monitor));
    }
}

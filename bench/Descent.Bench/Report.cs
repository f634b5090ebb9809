using System.Text.Encodings.Web;
using System.Text.Json;

namespace Descent.Bench;

/// <summary>The FMA peak on one thread count: the measured loop's median, min and max, and the theoretical figure.</summary>
public sealed record Peak(double Median, double Min, double Max, double Theoretical);

/// <summary>What a run was asked to do: its thread counts, batch length, rounds, redo limit, order seed and gate thresholds.</summary>
public sealed record Settings(string CommandLine, string[] Sections, int[] ThreadCounts, bool Quick, double BatchSeconds, int Batches,
    int MaxRedo, int OrderSeed, double GateOthersCoreFraction, double GateStealFraction, bool GateAvailable,
    int TorchIntraOpThreads, int TorchInterOpThreads);

/// <summary>One row as saved: the measurements, and what they mean against the peak and the target.</summary>
public sealed record SavedRow(Row Row, double? PercentOfPeak, string? Target, bool? Met);

/// <summary>
/// A run's raw results as written to bench/results/DATE-bench-CPU/: every row with both sides' spreads, the
/// machine and libraries, the settings, the peaks, the allocation figure and the quiet gate per section.
/// </summary>
public sealed record Report(string Date, string OtherSide, Machine Machine, Settings Settings, Dictionary<int, Peak> Peaks,
    List<SavedRow> Rows, AllocResult? Alloc, Dictionary<string, GateCount> GateBySection, bool GatePassed,
    string LoadAverageBefore, string LoadAverageAfter, long PeakWorkingSetBytes, float SinkValue)
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static Report Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"table: no file {path}; give a run saved with --save or --json", path);
        try
        {
            return JsonSerializer.Deserialize<Report>(File.ReadAllText(path), Options)
                ?? throw new InvalidDataException($"table: {path} holds no benchmark report");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"table: {path} is not a benchmark report written by this version ({e.Message})", e);
        }
    }

    /// <summary>The measured peak medians by thread count, the denominators of every "% of peak".</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<int, double> MeasuredPeaks => Peaks.ToDictionary(p => p.Key, p => p.Value.Median);
}

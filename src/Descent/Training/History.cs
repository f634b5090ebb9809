using System.Text;
using System.Text.Json;
using static Descent.IO.SafetensorsMetadata;

namespace Descent.Training;

/// <summary>
/// What <see cref="Learner.Fit(int, string?)"/> recorded, one <see cref="EpochRecord"/> per completed epoch, plus the
/// reason training stopped early (if it did). Serializes to JSON for checkpoints and the CLI's <c>--json</c>.
/// </summary>
/// <example><code>
/// var history = learner.Fit(10);
/// double[] valid = history.Series("valid_loss");
/// Console.WriteLine(history.ToJson());
/// </code></example>
public sealed class History : IReadOnlyList<EpochRecord>
{
    private readonly List<EpochRecord> _rows = [];

    /// <summary>Why training stopped before its last epoch (a callback's message), or null.</summary>
    public string? StopReason { get; internal set; }

    /// <inheritdoc/>
    public int Count => _rows.Count;

    /// <inheritdoc/>
    public EpochRecord this[int index] => _rows[index];

    /// <summary>The last row, or null before the first epoch ends.</summary>
    public EpochRecord? Last => _rows.Count == 0 ? null : _rows[^1];

    /// <summary>Appends a row; epochs must follow each other from 1.</summary>
    public void Add(EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Epoch != _rows.Count + 1)
            throw new ArgumentException($"History: expected epoch {_rows.Count + 1} next; got {record.Epoch}", nameof(record));
        _rows.Add(record);
    }

    /// <summary>One value per epoch by a monitored name (see <see cref="EpochRecord.Get"/>); NaN where an epoch lacks it.</summary>
    public double[] Series(string name) => _rows.Select(r => r.Get(name) ?? double.NaN).ToArray();

    /// <summary>True when both histories hold the same rows bit for bit, times aside.</summary>
    public bool SameValues(History other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Count == other.Count && StopReason == other.StopReason && _rows.Zip(other._rows).All(p => p.First.SameValues(p.Second));
    }

    /// <inheritdoc/>
    public IEnumerator<EpochRecord> GetEnumerator() => _rows.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The rows as a JSON array of objects (<c>epoch</c>, <c>train_loss</c>, <c>valid_loss</c>, <c>metrics</c>,
    /// <c>train_metrics</c>, <c>lr</c>, <c>seconds</c>). Doubles are written so that they read back bit for bit;
    /// NaN and infinities are written as the strings "NaN", "Infinity", "-Infinity".
    /// </summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartArray();
            foreach (var r in _rows)
            {
                w.WriteStartObject();
                w.WriteNumber("epoch", r.Epoch);
                WriteDouble(w, "train_loss", r.TrainLoss);
                if (r.ValidLoss is double v) WriteDouble(w, "valid_loss", v);
                else w.WriteNull("valid_loss");
                WriteMap(w, "metrics", r.Metrics);
                WriteMap(w, "train_metrics", r.TrainMetrics);
                WriteDouble(w, "lr", r.Lr);
                WriteDouble(w, "seconds", r.Seconds);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads rows written by <see cref="ToJson"/>; throws <see cref="FormatException"/> naming the fault.</summary>
    public static History FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var history = new History();
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new FormatException("history: expected a JSON array");
            foreach (var row in doc.RootElement.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Object) throw new FormatException("history: every row must be an object");
                if (!row.TryGetProperty("epoch", out var e) || e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int epoch))
                    throw new FormatException($"history row {history.Count + 1}: missing or invalid 'epoch'");
                var valid = Property(row, "valid_loss");
                var record = new EpochRecord(epoch, ReadDouble(row, "train_loss"),
                    valid.ValueKind == JsonValueKind.Null ? null : ReadDouble(row, "valid_loss"),
                    ReadMap(row, "metrics"), ReadMap(row, "train_metrics"), ReadDouble(row, "lr"), ReadDouble(row, "seconds"));
                try
                {
                    history.Add(record);
                }
                catch (ArgumentException ex)
                {
                    throw new FormatException(ex.Message, ex);
                }
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException($"history: not valid JSON: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // A lone surrogate escape ("\ud800") is valid JSON but no text: reading it as a string or name throws this.
            throw new FormatException($"history: a string is not valid Unicode: {ex.Message}", ex);
        }
        return history;
    }

    internal static double ReadDouble(JsonElement obj, string name) => ParseDouble(Property(obj, name), name);

    private static JsonElement Property(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var el) ? el : throw new FormatException($"history: a row lacks '{name}'");

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, double> map)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in map) WriteDouble(w, k, v);
        w.WriteEndObject();
    }

    private static Dictionary<string, double> ReadMap(JsonElement obj, string name)
    {
        var el = Property(obj, name);
        if (el.ValueKind != JsonValueKind.Object) throw new FormatException($"history: '{name}' must be an object");
        var map = new Dictionary<string, double>();
        foreach (var p in el.EnumerateObject())
            if (!map.TryAdd(p.Name, ParseDouble(p.Value, $"{name}.{p.Name}"))) throw new FormatException($"history: '{name}' repeats '{p.Name}'");
        return map;
    }
}

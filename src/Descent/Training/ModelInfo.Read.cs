using System.Globalization;
using System.Text.Json;
using Descent.Nn;

namespace Descent.Training;

// Reading a model's description back. A model file is data from anywhere: every entry is checked for its type,
// its range and its agreement with the others, and an invalid one names the file and the key.
public sealed partial record ModelInfo
{
    /// <summary>The most input dimensions a model reads ([channels, height, width]).</summary>
    public const int MaxInputRank = 3;

    /// <summary>The longest class or feature name accepted from a model file.</summary>
    public const int MaxNameLength = 256;

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 4 };

    /// <summary>Reads <see cref="ToJson"/>'s output; <paramref name="file"/> names the source in errors.</summary>
    public static ModelInfo FromJson(string json, string file)
    {
        ArgumentNullException.ThrowIfNull(json);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(json, JsonOptions);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Invalid(file, "architecture", "expected a JSON object of strings");
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String) throw Invalid(file, "architecture", $"entry '{Quote(p.Name)}' is not a string");
                if (!map.TryAdd(p.Name, p.Value.GetString()!)) throw Invalid(file, "architecture", $"entry '{Quote(p.Name)}' appears twice");
            }
        }
        catch (JsonException e)
        {
            throw Invalid(file, "architecture", $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine})");
        }
        catch (InvalidOperationException)
        {
            throw Invalid(file, "architecture", "holds a string that is not valid Unicode");
        }
        return FromMetadata(map, file);
    }

    /// <summary>
    /// Reads the metadata entries; throws <see cref="FormatException"/> naming the file and the entry. Keys that
    /// are not read are ignored; every key that is read is checked: numbers are finite and in range, lists have
    /// the model's lengths (<c>class_names</c> one per class, <c>features</c> and <c>standardize</c> one per
    /// input) and <c>data</c> is a built-in set's name or a CSV label, never a file to open.
    /// </summary>
    public static ModelInfo FromMetadata(IReadOnlyDictionary<string, string> map, string file)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(file);
        if (!map.ContainsKey("arch"))
            throw new FormatException($"{file}: no model description in its metadata ('arch' is missing); was it saved by `descent train --save`?");
        string Get(string key) => map.TryGetValue(key, out var v) ? v : throw new FormatException($"{file}: metadata '{key}' is missing");
        var c = CultureInfo.InvariantCulture;

        string arch = Get("arch");
        try
        {
            ModelSpec.Parse(arch);
        }
        catch (FormatException e)
        {
            throw Invalid(file, "arch", e.Message);
        }
        string task = Get("task");
        if (task is not (Classification or Regression)) throw Invalid(file, "task", $"must be classification or regression; got '{Quote(task)}'");
        int[] shape = ReadShape(file, Get("input_shape"));
        long inputs = shape.Aggregate(1L, (a, b) => a * b);
        if (map.TryGetValue("inputs", out var given) && given != inputs.ToString(c))
            throw Invalid(file, "inputs", $"is '{Quote(given)}' but 'input_shape' {Quote(Get("input_shape"))} holds {inputs} values");

        int outputs = 1;
        if (task == Classification)
        {
            string classes = Get("classes");
            if (!int.TryParse(classes, NumberStyles.None, c, out outputs) || outputs < 2)
                throw Invalid(file, "classes", $"must be a whole number of at least 2; got '{Quote(classes)}'");
        }
        else if (map.ContainsKey("classes")) throw Invalid(file, "classes", "is given, but the model does regression");

        string dropoutText = Get("dropout");
        if (!float.TryParse(dropoutText, NumberStyles.Float, c, out float dropout) || !(dropout >= 0 && dropout < 1))
            throw Invalid(file, "dropout", $"must be a number from 0 up to (not including) 1; got '{Quote(dropoutText)}'");
        string seedText = Get("seed");
        if (!ulong.TryParse(seedText, NumberStyles.None, c, out ulong seed))
            throw Invalid(file, "seed", $"must be a whole number from 0 to {ulong.MaxValue}; got '{Quote(seedText)}'");
        string splitText = Get("val_split");
        if (!double.TryParse(splitText, NumberStyles.Float, c, out double split) || !(split > 0 && split < 1))
            throw Invalid(file, "val_split", $"must be a number between 0 and 1; got '{Quote(splitText)}'");
        string data = Get("data");
        if (!IsDataRecord(data))
            throw Invalid(file, "data", $"must name a built-in set ({string.Join(", ", BuiltInData)}) or be a CSV label csv:NAME of at most {MaxDataLength} characters; got '{Quote(data)}'");

        FeatureScaling? scaling = null;
        if (map.TryGetValue("standardize", out var st))
        {
            try
            {
                scaling = FeatureScaling.FromJson(st);
            }
            catch (FormatException e)
            {
                throw Invalid(file, "standardize", e.Message);
            }
            if (scaling.Mean.Length != inputs) throw Invalid(file, "standardize", $"has {scaling.Mean.Length} features but the model reads {inputs}");
        }
        string[]? names = null;
        if (map.TryGetValue("class_names", out var cn))
        {
            if (task != Classification) throw Invalid(file, "class_names", "is given, but the model does regression");
            names = ReadNames(file, "class_names", cn);
            if (names.Length != outputs) throw Invalid(file, "class_names", $"names {names.Length} classes but 'classes' is {outputs}");
        }
        string[]? features = null;
        if (map.TryGetValue("features", out var fs))
        {
            features = ReadNames(file, "features", fs);
            if (features.Length != inputs) throw Invalid(file, "features", $"names {features.Length} columns but the model reads {inputs}");
        }
        return new ModelInfo(arch, task, shape, outputs, dropout, scaling, names, features, data, seed, split);
    }

    private static int[] ReadShape(string file, string text)
    {
        var parts = text.Split(',', MaxInputRank + 1);
        var shape = new int[parts.Length];
        long product = 1;
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts.Length > MaxInputRank || !int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) || shape[i] < 1)
                throw Invalid(file, "input_shape", $"must be 1 to {MaxInputRank} whole numbers of at least 1, as 4 or 1,28,28; got '{Quote(text)}'");
            product *= shape[i];
            if (product > Array.MaxLength) throw Invalid(file, "input_shape", $"'{Quote(text)}' holds more values than an array can");
        }
        return shape;
    }

    /// <summary>A JSON array of distinct, non-empty, printable names.</summary>
    private static string[] ReadNames(string file, string key, string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, JsonOptions);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw Invalid(file, key, "expected a JSON array of names");
            var names = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                string? name = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
                    throw Invalid(file, key, $"entry {names.Count} must be a name of 1 to {MaxNameLength} printable characters; got {Quote(e.GetRawText())}");
                if (!seen.Add(name)) throw Invalid(file, key, $"'{Quote(name)}' appears twice");
                names.Add(name);
            }
            return [.. names];
        }
        catch (JsonException e)
        {
            throw Invalid(file, key, $"not valid JSON (byte {e.BytePositionInLine})");
        }
        catch (InvalidOperationException)
        {
            throw Invalid(file, key, "holds a string that is not valid Unicode");
        }
    }

    // Problems quote the file's text (through the arch parser's messages too), so the message is escaped to one line.
    private static FormatException Invalid(string file, string key, string problem) => new(Escape($"{file}: metadata '{key}': {problem}"));

    /// <summary>Text from the file, quoted in a message: short and on one line.</summary>
    private static string Quote(string text) => Escape(text.Length <= 40 ? text : text[..40] + "...");

    private static string Escape(string text) =>
        text.Any(char.IsControl) ? string.Concat(text.Select(ch => char.IsControl(ch) ? $"\\u{(int)ch:x4}" : ch.ToString())) : text;
}

using System.Globalization;
using System.Text.Json;

namespace Descent.Cli.Train;

/// <summary>
/// Everything eval, predict and export need to rebuild a trained model without flags, stored as string
/// entries of the safetensors <c>__metadata__</c> (<c>arch</c>, <c>inputs</c>, <c>input_shape</c>,
/// <c>classes</c>, <c>task</c>, <c>dropout</c>, <c>standardize</c>, <c>class_names</c>, <c>features</c>,
/// <c>data</c>, <c>seed</c>, <c>val_split</c>); in a full checkpoint the same map is the <c>architecture</c> JSON.
/// </summary>
/// <param name="Arch">The model spec, e.g. <c>mlp:256,128</c>.</param>
/// <param name="Task"><c>classification</c> or <c>regression</c>.</param>
/// <param name="InputShape">One example's input shape, e.g. [1, 28, 28] or [4].</param>
/// <param name="Outputs">The classes (classification) or 1 (regression).</param>
/// <param name="Dropout">The dropout rate the model was built with (it decides the layer layout).</param>
/// <param name="Scaling">The input standardization, or null.</param>
/// <param name="ClassNames">The class names, or null for class numbers.</param>
/// <param name="Features">The CSV feature columns the model reads, or null.</param>
/// <param name="Data">The <c>--data</c> it was trained on.</param>
/// <param name="Seed">The seed of its data split.</param>
/// <param name="ValSplit">The validation fraction of its data split.</param>
public sealed record ModelInfo(string Arch, string Task, int[] InputShape, int Outputs, float Dropout, FeatureScaling? Scaling,
    IReadOnlyList<string>? ClassNames, IReadOnlyList<string>? Features, string Data, ulong Seed, double ValSplit)
{
    /// <summary>The task name of classifiers.</summary>
    public const string Classification = "classification";

    /// <summary>The task name of regressors.</summary>
    public const string Regression = "regression";

    /// <summary>True for a classifier.</summary>
    public bool IsClassification => Task == Classification;

    /// <summary>Input values per example.</summary>
    public int Inputs => InputShape.Aggregate(1, (a, b) => a * b);

    /// <summary>The name of class <paramref name="c"/>.</summary>
    public string ClassName(int c) => ClassNames != null && (uint)c < (uint)ClassNames.Count ? ClassNames[c] : c.ToString(CultureInfo.InvariantCulture);

    /// <summary>The metadata entries.</summary>
    public Dictionary<string, string> ToMetadata()
    {
        var c = CultureInfo.InvariantCulture;
        var map = new Dictionary<string, string>
        {
            ["arch"] = Arch,
            ["task"] = Task,
            ["inputs"] = Inputs.ToString(c),
            ["input_shape"] = string.Join(',', InputShape.Select(d => d.ToString(c))),
            ["dropout"] = Dropout.ToString("R", c),
            ["data"] = Data,
            ["seed"] = Seed.ToString(c),
            ["val_split"] = ValSplit.ToString("R", c),
        };
        if (IsClassification) map["classes"] = Outputs.ToString(c);
        if (Scaling != null) map["standardize"] = Scaling.ToJson();
        if (ClassNames != null) map["class_names"] = JsonSerializer.Serialize(ClassNames);
        if (Features != null) map["features"] = JsonSerializer.Serialize(Features);
        return map;
    }

    /// <summary>The entries as one JSON object (keys sorted), the <c>architecture</c> of checkpoints.</summary>
    public string ToJson() => JsonSerializer.Serialize(new SortedDictionary<string, string>(ToMetadata(), StringComparer.Ordinal));

    /// <summary>Reads <see cref="ToJson"/>'s output; <paramref name="file"/> names the source in errors.</summary>
    public static ModelInfo FromJson(string json, string file)
    {
        Dictionary<string, string>? map;
        try
        {
            map = JsonSerializer.Deserialize<Dictionary<string, string>>(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{file}: metadata 'architecture' is not a descent model description: {e.Message}", e);
        }
        return FromMetadata(map ?? [], file);
    }

    /// <summary>Reads the metadata entries; throws <see cref="FormatException"/> naming the file and the entry.</summary>
    public static ModelInfo FromMetadata(IReadOnlyDictionary<string, string> map, string file)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (!map.ContainsKey("arch"))
            throw new FormatException($"{file}: no model description in its metadata ('arch' is missing); was it saved by `descent train --save`?");
        string Get(string key) => map.TryGetValue(key, out var v) ? v : throw new FormatException($"{file}: metadata '{key}' is missing");
        var c = CultureInfo.InvariantCulture;
        T Read<T>(string key, Func<string, T?> parse) where T : struct =>
            parse(Get(key)) ?? throw new FormatException($"{file}: metadata '{key}' has an invalid value '{Get(key)}'");
        try
        {
            string task = Get("task");
            if (task is not (Classification or Regression)) throw new FormatException($"{file}: metadata 'task' must be classification or regression; got '{task}'");
            var shape = Get("input_shape").Split(',').Select(s => int.TryParse(s, System.Globalization.NumberStyles.None, c, out int d) && d > 0 ? d : -1).ToArray();
            if (shape.Length is 0 or > 3 || shape.Any(d => d < 0)) throw new FormatException($"{file}: metadata 'input_shape' is invalid: '{Get("input_shape")}'");
            int outputs = task == Classification
                ? Read("classes", s => int.TryParse(s, System.Globalization.NumberStyles.None, c, out int k) && k >= 2 ? k : (int?)null)
                : 1;
            float dropout = Read("dropout", s => float.TryParse(s, System.Globalization.NumberStyles.Float, c, out float p) && p >= 0 && p < 1 ? p : (float?)null);
            ulong seed = Read("seed", s => ulong.TryParse(s, System.Globalization.NumberStyles.None, c, out ulong v) ? v : (ulong?)null);
            double split = Read("val_split", s => double.TryParse(s, System.Globalization.NumberStyles.Float, c, out double v) && v > 0 && v < 1 ? v : (double?)null);
            var scaling = map.TryGetValue("standardize", out var st) ? FeatureScaling.FromJson(st) : null;
            int inputs = shape.Aggregate(1, (a, b) => a * b);
            if (scaling != null && scaling.Mean.Length != inputs)
                throw new FormatException($"{file}: metadata 'standardize' has {scaling.Mean.Length} features but the model reads {inputs}");
            var names = map.TryGetValue("class_names", out var cn) ? JsonSerializer.Deserialize<string[]>(cn) : null;
            var features = map.TryGetValue("features", out var fs) ? JsonSerializer.Deserialize<string[]>(fs) : null;
            if (features != null && features.Length != inputs)
                throw new FormatException($"{file}: metadata 'features' names {features.Length} columns but the model reads {inputs}");
            return new ModelInfo(Get("arch"), task, shape, outputs, dropout, scaling, names, features, Get("data"), seed, split);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{file}: metadata holds invalid JSON: {e.Message}", e);
        }
    }
}

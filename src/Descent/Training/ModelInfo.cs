using System.Globalization;
using System.Text.Json;
using Descent.Nn;

namespace Descent.Training;

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
/// <param name="Data">What it was trained on, as <c>descent train</c> records it: a built-in set's name (<see cref="BuiltInData"/>) or a CSV label <c>csv:NAME</c>, never a path.</param>
/// <param name="Seed">The seed of its data split.</param>
/// <param name="ValSplit">The validation fraction of its data split.</param>
public sealed partial record ModelInfo(string Arch, string Task, int[] InputShape, int Outputs, float Dropout, FeatureScaling? Scaling,
    IReadOnlyList<string>? ClassNames, IReadOnlyList<string>? Features, string Data, ulong Seed, double ValSplit)
{
    /// <summary>The data sets <c>descent train</c> knows by name; a model file's <c>data</c> is one of them or a CSV label.</summary>
    public static readonly IReadOnlyList<string> BuiltInData = ["mnist", "mnist-idx", "fashion-mnist", "iris", "moons", "spirals", "sin"];

    /// <summary>The longest <c>data</c> label a model file may carry.</summary>
    public const int MaxDataLength = 256;

    /// <summary>True when <paramref name="data"/> can be a model file's <c>data</c>: a built-in name or a printable CSV label <c>csv:NAME</c>, never a path to open.</summary>
    public static bool IsDataRecord(string data) =>
        BuiltInData.Contains(data, StringComparer.Ordinal)
        || (data.StartsWith("csv:", StringComparison.Ordinal) && data.Length is > 4 and <= MaxDataLength && !data.Any(char.IsControl));

    /// <summary>
    /// The description of a classifier trained in code: <paramref name="arch"/> a <see cref="ModelSpec"/> text,
    /// one example's <paramref name="inputShape"/>, <paramref name="classes"/> outputs, no input scaling.
    /// <paramref name="data"/> names what it learned (a built-in set or <c>csv:NAME</c>).
    /// </summary>
    /// <example><code>var info = ModelInfo.Classifier("cnn:16,32,128", [1, 28, 28], classes: 10);</code></example>
    public static ModelInfo Classifier(string arch, int[] inputShape, int classes, float dropout = 0, string data = "mnist", IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(inputShape);
        var info = new ModelInfo(arch, Classification, inputShape, classes, dropout, null, classNames, null, data, 0, 0.2);
        // Written and read back, so a description the reader would refuse is refused now, naming the entry.
        return FromMetadata(info.ToMetadata(), "ModelInfo.Classifier");
    }

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
        if (ClassNames != null) map["class_names"] = JsonSerializer.Serialize(ClassNames, ModelJsonContext.Default.IReadOnlyListString);
        if (Features != null) map["features"] = JsonSerializer.Serialize(Features, ModelJsonContext.Default.IReadOnlyListString);
        return map;
    }

    /// <summary>The entries as one JSON object (keys sorted), the <c>architecture</c> of checkpoints.</summary>
    public string ToJson() => JsonSerializer.Serialize(new SortedDictionary<string, string>(ToMetadata(), StringComparer.Ordinal), ModelJsonContext.Default.SortedDictionaryStringString);
}

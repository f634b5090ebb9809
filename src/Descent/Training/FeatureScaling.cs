using System.Text.Json;
using Descent.Data;

namespace Descent.Training;

/// <summary>Per-feature standardization (x − mean) / std, fitted on the training part and stored with the model.</summary>
/// <param name="Mean">Per-feature means.</param>
/// <param name="Std">Per-feature standard deviations (1 for a constant feature).</param>
public sealed record FeatureScaling(float[] Mean, float[] Std)
{
    /// <summary>Fits the statistics on a [N, features] tensor.</summary>
    public static FeatureScaling Fit(Tensor inputs)
    {
        var s = Standardizer.Fit(inputs);
        return new FeatureScaling([.. s.Mean], [.. s.Std]);
    }

    /// <summary>Standardizes a [N, features] tensor.</summary>
    public Tensor Apply(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank != 2 || inputs.Size(1) != Mean.Length)
            throw new ArgumentException($"standardization: expected [N, {Mean.Length}] inputs; got {Shape.Format(inputs.Shape)}");
        using var _ = Autograd.NoGrad();
        return (inputs - Tensor.FromArray(Mean)) / Tensor.FromArray(Std);
    }

    /// <summary>The statistics as JSON: <c>{"mean":[...],"std":[...]}</c>, floats written to read back exactly.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, float[]> { ["mean"] = Mean, ["std"] = Std }, ModelJsonContext.Default.DictionaryStringSingleArray);

    /// <summary>
    /// Reads <see cref="ToJson"/>'s output: an object holding equally long arrays <c>mean</c> (finite numbers) and
    /// <c>std</c> (finite numbers above 0). Throws <see cref="FormatException"/> saying which rule failed.
    /// </summary>
    public static FeatureScaling FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("mean", out var meanEl) || !root.TryGetProperty("std", out var stdEl))
                throw new FormatException("expected {\"mean\": [...], \"std\": [...]}");
            var mean = Numbers(meanEl, "mean", s => float.IsFinite(s), "a finite number");
            var std = Numbers(stdEl, "std", s => float.IsFinite(s) && s > 0, "a finite number above 0");
            if (mean.Length != std.Length) throw new FormatException($"'mean' has {mean.Length} values but 'std' has {std.Length}");
            return new FeatureScaling(mean, std);
        }
        catch (JsonException e)
        {
            // The parser's own message names its internals (paths, positions); the byte is what a reader can use.
            throw new FormatException($"not valid JSON (byte {e.BytePositionInLine})", e);
        }
    }

    private static float[] Numbers(JsonElement array, string name, Func<float, bool> valid, string what)
    {
        if (array.ValueKind != JsonValueKind.Array) throw new FormatException($"'{name}' is not an array of numbers");
        var values = new float[array.GetArrayLength()];
        int i = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetSingle(out values[i]) || !valid(values[i]))
                throw new FormatException($"'{name}' value {i} is not {what}: {(e.ValueKind == JsonValueKind.Number ? e.GetRawText() : e.ValueKind.ToString())}");
            i++;
        }
        return values;
    }
}

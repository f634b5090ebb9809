using System.Text.Json;
using Descent.Data;

namespace Descent.Cli.Train;

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
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, float[]> { ["mean"] = Mean, ["std"] = Std });

    /// <summary>Reads <see cref="ToJson"/>'s output; throws <see cref="FormatException"/> naming the fault.</summary>
    public static FeatureScaling FromJson(string json)
    {
        try
        {
            var map = JsonSerializer.Deserialize<Dictionary<string, float[]>>(json);
            if (map == null || !map.TryGetValue("mean", out var mean) || !map.TryGetValue("std", out var std) || mean.Length != std.Length)
                throw new FormatException("standardize: expected {\"mean\": [...], \"std\": [...]} of equal lengths");
            if (std.Any(s => !(s > 0) || !float.IsFinite(s)) || mean.Any(m => !float.IsFinite(m)))
                throw new FormatException("standardize: means must be finite and standard deviations finite and > 0");
            return new FeatureScaling(mean, std);
        }
        catch (JsonException e)
        {
            throw new FormatException($"standardize: not valid JSON: {e.Message}", e);
        }
    }
}

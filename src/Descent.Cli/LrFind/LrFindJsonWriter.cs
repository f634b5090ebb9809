using System.Text.Json;
using Descent.Optim;

namespace Descent.Cli.LrFind;

/// <summary>Writes an <see cref="LrFindResult"/> as one line of JSON with snake_case keys; non-finite numbers become null.</summary>
public static class LrFindJsonWriter
{
    /// <summary>The result as a single-line JSON object: settings, <c>suggestion</c>, <c>suggestions</c>, and the curve as <c>lrs</c> and <c>losses</c>.</summary>
    /// <example><code>Console.WriteLine(LrFindJsonWriter.ToJson(LrFindRun.Run(DataChoice.Sin, 0)));</code></example>
    public static string ToJson(LrFindResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var f = r.Finder;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("data", r.Data);
            w.WriteNumber("seed", r.Seed);
            w.WriteString("optimizer", r.Optimizer);
            Number(w, "start_lr", r.StartLr);
            Number(w, "end_lr", r.EndLr);
            w.WriteNumber("iterations", r.Iterations);
            w.WriteNumber("steps", f.Lrs.Count);
            w.WriteBoolean("diverged", f.Diverged);
            Number(w, "suggestion", f.Suggestion);
            w.WriteStartObject("suggestions");
            foreach (var s in new[] { f.Valley, f.Steep, f.Minimum }) Suggestion(w, s);
            w.WriteEndObject();
            Array(w, "lrs", f.Lrs);
            Array(w, "losses", f.Losses);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Suggestion(Utf8JsonWriter w, LrSuggestion s)
    {
        w.WriteStartObject(s.Method);
        Number(w, "lr", s.Lr);
        Number(w, "point_lr", s.PointLr);
        Number(w, "point_loss", s.PointLoss);
        w.WriteEndObject();
    }

    private static void Array(Utf8JsonWriter w, string name, IReadOnlyList<double> values)
    {
        w.WriteStartArray(name);
        foreach (double v in values) Value(w, v);
        w.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        Value(w, value);
    }

    private static void Value(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value)) w.WriteNumberValue(value);
        else w.WriteNullValue();
    }
}

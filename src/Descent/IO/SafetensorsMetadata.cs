using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Descent.IO;

/// <summary>
/// JSON values kept in a safetensors file's <c>__metadata__</c> strings, for formats built on safetensors
/// (a training checkpoint): doubles that read back bit for bit (NaN and infinities as the strings "NaN",
/// "Infinity", "-Infinity"), maps of them, whole numbers, and errors that name the file and the entry.
/// </summary>
internal static class SafetensorsMetadata
{
    /// <summary>Writes one named double exactly; JSON has no NaN or infinity, so those become strings.</summary>
    internal static void WriteDouble(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteString(name, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }

    /// <summary>Reads a double written by <see cref="WriteDouble"/>; <paramref name="name"/> names it in the error.</summary>
    internal static double ParseDouble(JsonElement el, string name)
    {
        if (el.ValueKind == JsonValueKind.Number && el.TryGetDouble(out double d) && double.IsFinite(d)) return d;
        if (el.ValueKind == JsonValueKind.String)
        {
            switch (el.GetString())
            {
                case "NaN": return double.NaN;
                case "Infinity": return double.PositiveInfinity;
                case "-Infinity": return double.NegativeInfinity;
            }
        }
        throw new FormatException($"'{name}' is not a number: {el.GetRawText()}");
    }

    /// <summary>Writes an object of exact doubles.</summary>
    internal static void WriteMap(Utf8JsonWriter w, IReadOnlyDictionary<string, double> map)
    {
        w.WriteStartObject();
        foreach (var (k, v) in map) WriteDouble(w, k, v);
        w.WriteEndObject();
    }

    /// <summary>Reads an object written by <see cref="WriteMap"/>; a repeated name is an error.</summary>
    internal static Dictionary<string, double> ReadMap(JsonElement el)
    {
        if (el.ValueKind != JsonValueKind.Object) throw new FormatException("expected an object of numbers");
        var map = new Dictionary<string, double>();
        foreach (var p in el.EnumerateObject())
            if (!map.TryAdd(p.Name, ParseDouble(p.Value, p.Name))) throw new FormatException($"'{p.Name}' appears twice");
        return map;
    }

    /// <summary>The JSON text that <paramref name="write"/> writes.</summary>
    internal static string Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream)) write(w);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Parses the entry <paramref name="key"/> of <paramref name="file"/> and reads it; invalid JSON and the
    /// reader's <see cref="FormatException"/>s become one <see cref="SafetensorsFormatException"/> naming both.
    /// </summary>
    internal static T ReadJson<T>(string file, string key, string json, Func<JsonElement, T> read)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            return read(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw Fail(file, $"metadata '{key}' is not valid JSON: {e.Message}", e);
        }
        catch (FormatException e)
        {
            throw Fail(file, $"metadata '{key}': {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // A lone surrogate escape ("\ud800") is valid JSON but no text: reading it as a string or name throws this.
            throw Fail(file, $"metadata '{key}' holds a string that is not valid Unicode: {e.Message}", e);
        }
    }

    /// <summary>Reads the entry <paramref name="key"/> as a whole number from 0 to <paramref name="max"/>.</summary>
    internal static long ParseWhole(string file, string key, string text, long max) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v <= max
            ? v : throw Fail(file, $"metadata '{key}' must be a whole number from 0 to {max}; got '{Truncate(text)}'");

    /// <inheritdoc cref="ParseWhole(string, string, string, long)"/>
    internal static int ParseWhole(string file, string key, string text, int max) => (int)ParseWhole(file, key, text, (long)max);

    /// <summary>The error for <paramref name="file"/>, kept on one line.</summary>
    internal static SafetensorsFormatException Fail(string file, string problem, Exception? inner = null) => new(OneLine($"{file}: {problem}"), inner);

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";

    /// <summary>Messages quote text from the file, line breaks included; they stay on one line.</summary>
    internal static string OneLine(string message)
    {
        var sb = new StringBuilder(message.Length);
        foreach (char c in message) sb.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.ToString();
    }
}

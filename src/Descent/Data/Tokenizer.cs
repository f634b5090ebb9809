using System.Text;
using System.Text.Json;

namespace Descent.Data;

/// <summary>
/// Turns text into token ids and back, for a language model: <see cref="CharTokenizer"/> (one id per character
/// of a fixed vocabulary) or <see cref="ByteTokenizer"/> (one id per UTF-8 byte, for any text). A tokenizer is
/// saved with the model that uses it: <see cref="ToJson"/> is a small JSON string for the model file's
/// safetensors metadata under <see cref="MetadataKey"/>, and <see cref="FromMetadata"/> reads it back.
/// </summary>
/// <example><code>
/// var tokenizer = CharTokenizer.FromText(text);
/// var ids = IntTensor.FromArray(tokenizer.Encode("Call me Ishmael."));
/// string back = tokenizer.Decode(ids.Data);
/// var metadata = new Dictionary&lt;string, string&gt; { [Tokenizer.MetadataKey] = tokenizer.ToJson() };
/// </code></example>
public abstract class Tokenizer
{
    /// <summary>The safetensors metadata entry that holds a model's tokenizer.</summary>
    public const string MetadataKey = "tokenizer";

    private protected Tokenizer() { }

    /// <summary>The number of distinct ids: every id is in [0, VocabSize).</summary>
    public abstract int VocabSize { get; }

    /// <summary>The <c>"type"</c> written in <see cref="ToJson"/>: <c>"char"</c> or <c>"byte"</c>.</summary>
    public abstract string Type { get; }

    /// <summary>The ids of <paramref name="text"/>; throws naming what the tokenizer cannot represent.</summary>
    public abstract int[] Encode(string text);

    /// <summary>The text of <paramref name="ids"/>; throws naming an id outside [0, <see cref="VocabSize"/>).</summary>
    public abstract string Decode(ReadOnlySpan<long> ids);

    /// <summary>The text of <paramref name="ids"/>, as returned by <see cref="Encode"/>.</summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var wide = new long[ids.Length];
        for (int i = 0; i < ids.Length; i++) wide[i] = ids[i];
        return Decode(wide);
    }

    /// <summary>The tokenizer as a small JSON object, <c>{"type": ..., ...}</c>, that <see cref="FromJson"/> reads back.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("type", Type);
            WriteFields(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the fields after <c>"type"</c>.</summary>
    private protected abstract void WriteFields(Utf8JsonWriter w);

    /// <summary>Reads a tokenizer written by <see cref="ToJson"/>; a <see cref="FormatException"/> names the bad or missing key.</summary>
    /// <example><code>var tokenizer = Tokenizer.FromJson("{\"type\":\"byte\"}");</code></example>
    public static Tokenizer FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Tokenizer.FromJson: not JSON: {e.Message}", e);
        }
        using (doc)
        {
            try
            {
                return FromJsonObject(doc.RootElement);
            }
            catch (InvalidOperationException e)
            {
                // Valid JSON, but an escaped lone surrogate (in a key or a value) is not text; it fails only when read.
                throw new FormatException($"Tokenizer.FromJson: not text: {e.Message}", e);
            }
        }
    }

    private static Tokenizer FromJsonObject(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"Tokenizer.FromJson: expected a JSON object {{\"type\": ...}}; got {root.ValueKind}");
        if (!root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw new FormatException("Tokenizer.FromJson: 'type' is missing or not a string (expected \"char\" or \"byte\")");
        return type.GetString() switch
        {
            CharTokenizer.TypeName => CharTokenizer.FromJsonObject(root),
            ByteTokenizer.TypeName => ByteTokenizer.FromJsonObject(root),
            _ => throw new FormatException($"Tokenizer.FromJson: 'type' is {Shown(type)}; expected \"{CharTokenizer.TypeName}\" or \"{ByteTokenizer.TypeName}\""),
        };
    }

    /// <summary>
    /// The tokenizer saved in a model file's metadata under <see cref="MetadataKey"/>; throws a
    /// <see cref="DataFormatException"/> naming <paramref name="file"/> and the key when it is missing or unreadable.
    /// </summary>
    /// <example><code>
    /// var (tensors, metadata) = Safetensors.Load("lm.safetensors");
    /// var tokenizer = Tokenizer.FromMetadata(metadata, "lm.safetensors");
    /// </code></example>
    public static Tokenizer FromMetadata(IReadOnlyDictionary<string, string>? metadata, string file)
    {
        if (metadata == null || !metadata.TryGetValue(MetadataKey, out var json))
            throw new DataFormatException(file, $"metadata '{MetadataKey}'", null, "missing: this model file holds no tokenizer (a language model is saved with its tokenizer)");
        try
        {
            return FromJson(json);
        }
        catch (FormatException e)
        {
            throw new DataFormatException(file, $"metadata '{MetadataKey}'", null, e.Message, e);
        }
    }

    /// <summary>A JSON value as an error quotes it: its source text, cut after 40 characters.</summary>
    private protected static string Shown(JsonElement value)
    {
        string raw = value.GetRawText();
        return raw.Length <= 40 ? raw : raw[..40] + "...";
    }

    /// <summary>Throws unless every id is in [0, VocabSize), naming the first bad one and its position.</summary>
    private protected void CheckIds(ReadOnlySpan<long> ids)
    {
        for (int i = 0; i < ids.Length; i++)
            if ((ulong)ids[i] >= (ulong)VocabSize)
                throw new ArgumentOutOfRangeException(nameof(ids), $"{GetType().Name}.Decode: id {ids[i]} at position {i} is outside the vocabulary [0, {VocabSize})");
    }
}

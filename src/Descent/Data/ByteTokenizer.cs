using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Descent.Data;

/// <summary>
/// A byte-level tokenizer: the ids of a text are its UTF-8 bytes, 256 symbols that cover any text with no
/// vocabulary to build or save. <see cref="Decode(ReadOnlySpan{long})"/> never throws on a byte sequence that is not UTF-8 (a model
/// may sample one, or a window may cut a character in two): each invalid or incomplete sequence becomes one
/// U+FFFD replacement character per maximal invalid subsequence, as Python's <c>bytes.decode("utf-8", "replace")</c>
/// does, so <c>Decode(Encode(text)) == text</c> for every text and nothing is lost silently elsewhere.
/// </summary>
/// <example><code>
/// var tokenizer = new ByteTokenizer();
/// int[] ids = tokenizer.Encode("né");          // [110, 195, 169]
/// string text = tokenizer.Decode(ids);         // "né"
/// string cut = tokenizer.Decode([110, 195]);   // "n\uFFFD"
/// </code></example>
public sealed class ByteTokenizer : Tokenizer
{
    internal const string TypeName = "byte";

    /// <inheritdoc/>
    public override int VocabSize => 256;

    /// <inheritdoc/>
    public override string Type => TypeName;

    /// <summary>The UTF-8 bytes of <paramref name="text"/>; a lone surrogate (not a character, so not encodable) is an error naming its index.</summary>
    public override int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new byte[Encoding.UTF8.GetByteCount(text)];
        var status = Utf8.FromUtf16(text, bytes, out int read, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
            throw new ArgumentException($"ByteTokenizer.Encode: index {read} holds a lone surrogate U+{(int)text[read]:X4}, which is not a character and has no UTF-8 bytes", nameof(text));
        var ids = new int[written];
        for (int i = 0; i < written; i++) ids[i] = bytes[i];
        return ids;
    }

    /// <inheritdoc/>
    public override string Decode(ReadOnlySpan<long> ids)
    {
        CheckIds(ids);
        var bytes = new byte[ids.Length];
        for (int i = 0; i < ids.Length; i++) bytes[i] = (byte)ids[i];
        // Encoding.UTF8 replaces invalid sequences with U+FFFD (the WHATWG/Unicode "maximal subpart" rule, as Python).
        return Encoding.UTF8.GetString(bytes);
    }

    private protected override void WriteFields(Utf8JsonWriter w) { }

    /// <summary>Reads <c>{"type": "byte"}</c>; no other key is defined.</summary>
    internal static ByteTokenizer FromJsonObject(JsonElement root)
    {
        foreach (var p in root.EnumerateObject())
            if (p.Name != "type") throw new FormatException($"Tokenizer.FromJson: '{p.Name}' is not a key of type \"byte\" (it has only 'type')");
        return new ByteTokenizer();
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Descent.Data;

/// <summary>
/// A character-level tokenizer, as in Karpathy's char-rnn and nanoGPT's <c>shakespeare_char</c>: the vocabulary
/// is the sorted distinct characters of the training text, and id i is the i-th of them. A character here is a
/// Unicode scalar value (a <see cref="Rune"/>), not a UTF-16 code unit: a surrogate pair such as an emoji is one
/// token, and the vocabulary is sorted by scalar value (code point order, as Python's <c>sorted(set(text))</c>).
/// A lone surrogate is not a character and is refused, naming its index.
/// </summary>
/// <example><code>
/// var tokenizer = CharTokenizer.FromText("hello");   // vocabulary e, h, l, o
/// int[] ids = tokenizer.Encode("hole");              // [1, 3, 2, 0]
/// string text = tokenizer.Decode(ids);               // "hole"
/// </code></example>
public sealed class CharTokenizer : Tokenizer
{
    internal const string TypeName = "char";

    private readonly Rune[] _vocabulary;
    private readonly Dictionary<int, int> _ids;

    /// <summary>A tokenizer whose id i is <paramref name="vocabulary"/>[i]; the characters must be distinct.</summary>
    public CharTokenizer(IEnumerable<Rune> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        _vocabulary = vocabulary.ToArray();
        if (_vocabulary.Length == 0) throw new ArgumentException("CharTokenizer: the vocabulary is empty; it needs at least one character", nameof(vocabulary));
        _ids = new Dictionary<int, int>(_vocabulary.Length);
        for (int i = 0; i < _vocabulary.Length; i++)
            if (!_ids.TryAdd(_vocabulary[i].Value, i))
                throw new ArgumentException($"CharTokenizer: {Describe(_vocabulary[i])} appears twice in the vocabulary (ids {_ids[_vocabulary[i].Value]} and {i})", nameof(vocabulary));
    }

    /// <summary>The sorted distinct characters of <paramref name="text"/> as the vocabulary.</summary>
    public static CharTokenizer FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) throw new ArgumentException("CharTokenizer.FromText: the text is empty; the vocabulary needs at least one character", nameof(text));
        var seen = new HashSet<int>();
        for (int i = 0; i < text.Length;)
        {
            var rune = RuneAt(text, i, "CharTokenizer.FromText");
            seen.Add(rune.Value);
            i += rune.Utf16SequenceLength;
        }
        var sorted = seen.ToArray();
        Array.Sort(sorted);
        return new CharTokenizer(sorted.Select(v => new Rune(v)));
    }

    /// <summary>The characters, in id order.</summary>
    public IReadOnlyList<Rune> Vocabulary => _vocabulary;

    /// <inheritdoc/>
    public override int VocabSize => _vocabulary.Length;

    /// <inheritdoc/>
    public override string Type => TypeName;

    /// <summary>
    /// The id of each character of <paramref name="text"/>. Characters outside the vocabulary are an error that
    /// names each of them (up to ten) and where it first occurs; nothing is mapped silently.
    /// </summary>
    public override int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length);
        List<(Rune Rune, int Index)>? unknown = null;
        HashSet<int>? listed = null;
        for (int i = 0; i < text.Length;)
        {
            var rune = RuneAt(text, i, "CharTokenizer.Encode");
            if (_ids.TryGetValue(rune.Value, out int id)) ids.Add(id);
            else if ((listed ??= []).Add(rune.Value)) (unknown ??= []).Add((rune, i));
            i += rune.Utf16SequenceLength;
        }
        if (unknown != null)
        {
            string which = string.Join(", ", unknown.Take(10).Select(u => $"{Describe(u.Rune)} at index {u.Index}"));
            string more = unknown.Count > 10 ? $" and {unknown.Count - 10} more" : "";
            throw new ArgumentException($"CharTokenizer.Encode: {unknown.Count} character(s) are not in the vocabulary of {VocabSize}: {which}{more}", nameof(text));
        }
        return ids.ToArray();
    }

    /// <inheritdoc/>
    public override string Decode(ReadOnlySpan<long> ids)
    {
        CheckIds(ids);
        var sb = new StringBuilder(ids.Length);
        foreach (long id in ids) sb.Append(_vocabulary[id].ToString());
        return sb.ToString();
    }

    private protected override void WriteFields(Utf8JsonWriter w)
    {
        w.WriteStartArray("vocab");
        foreach (var rune in _vocabulary) w.WriteStringValue(rune.ToString());
        w.WriteEndArray();
    }

    /// <summary>Reads <c>{"type": "char", "vocab": ["a", "b", ...]}</c>: one character per entry, id = position.</summary>
    internal static CharTokenizer FromJsonObject(JsonElement root)
    {
        if (!root.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Array)
            throw new FormatException("Tokenizer.FromJson: 'vocab' is missing or not an array of characters (type \"char\")");
        var runes = new List<Rune>();
        int i = 0;
        foreach (var entry in vocab.EnumerateArray())
        {
            string? s = null;
            try
            {
                if (entry.ValueKind == JsonValueKind.String) s = entry.GetString();
            }
            catch (InvalidOperationException)
            {
                // An escaped lone surrogate is valid JSON but not text.
            }
            if (string.IsNullOrEmpty(s) || !Rune.TryGetRuneAt(s, 0, out var rune) || rune.Utf16SequenceLength != s.Length)
                throw new FormatException($"Tokenizer.FromJson: 'vocab' entry {i} is {Shown(entry)}, not a string of one character");
            runes.Add(rune);
            i++;
        }
        try
        {
            return new CharTokenizer(runes);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Tokenizer.FromJson: 'vocab': {e.Message}", e);
        }
    }

    /// <summary>The character starting at <paramref name="index"/>; a lone surrogate is an error naming it.</summary>
    private static Rune RuneAt(string text, int index, string op) =>
        Rune.TryGetRuneAt(text, index, out var rune) ? rune
        : throw new ArgumentException($"{op}: index {index} holds a lone surrogate U+{(int)text[index]:X4}, which is not a character", nameof(text));

    /// <summary>A character as an error shows it: printable ones quoted, with the code point always.</summary>
    internal static string Describe(Rune rune) =>
        Rune.IsControl(rune) || Rune.IsWhiteSpace(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format
            ? $"U+{rune.Value:X4}"
            : $"'{rune}' (U+{rune.Value:X4})";
}

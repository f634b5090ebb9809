using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Descent.Data;

/// <summary>
/// Reads a UTF-8 text file as the corpus of a language model (the <c>--text PATH</c> of <c>descent lm</c>).
/// Decoding is strict, so the same file gives the same characters everywhere: invalid UTF-8 is an error naming
/// the byte offset of its first bad byte, never a silent U+FFFD. A leading byte-order mark (EF BB BF) is not text
/// and is dropped, as <c>File.ReadAllText</c> and Python's <c>utf-8-sig</c> do; nothing else is changed (line
/// endings stay as they are).
/// </summary>
/// <example><code>
/// string text = TextCorpus.ReadFile("shakespeare.txt");
/// var tokenizer = CharTokenizer.FromText(text);
/// </code></example>
public static class TextCorpus
{
    /// <summary>The largest file read (1 GiB); a larger one is refused before it is read, so memory stays bounded.</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>Reads and strictly decodes a UTF-8 text file; throws on a missing, empty, too large or invalid file.</summary>
    public static string ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{Path.GetFileName(path)}: file not found (looked for '{Path.GetFullPath(path)}')", path);
        using var file = File.OpenRead(path);
        if (file.Length > MaxBytes)
            throw new DataFormatException(path, null, null, $"{file.Length} bytes is more than the {MaxBytes}-byte (1 GiB) limit of a text corpus");
        // The length is read again as the bytes arrive: a file that grows after the check is still capped.
        var bytes = new byte[file.Length];
        int filled = 0;
        while (filled < bytes.Length)
        {
            int n = file.Read(bytes, filled, bytes.Length - filled);
            if (n == 0) break;
            filled += n;
        }
        if (filled == bytes.Length && file.ReadByte() >= 0)
            throw new DataFormatException(path, null, bytes.Length, "the file grew while it was read");
        return Decode(bytes.AsSpan(0, filled), path);
    }

    /// <summary>
    /// Strictly decodes UTF-8 bytes (after dropping a leading byte-order mark); <paramref name="file"/> names them in errors.
    /// </summary>
    /// <example><code>string text = TextCorpus.Decode("héllo"u8, "inline");</code></example>
    public static string Decode(ReadOnlySpan<byte> bytes, string file)
    {
        int bom = bytes.StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        var body = bytes[bom..];
        if (body.IsEmpty)
            throw new DataFormatException(file, null, null, bom == 0 ? "the file is empty; a corpus needs text" : "the file holds only a byte-order mark; a corpus needs text");
        var chars = new char[body.Length];
        var status = Utf8.ToUtf16(body, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            long at = bom + read;
            throw new DataFormatException(file, null, at, $"invalid UTF-8: the sequence starting with byte 0x{bytes[(int)at]:X2} is not a character (a text corpus must be UTF-8)");
        }
        return new string(chars, 0, written);
    }
}

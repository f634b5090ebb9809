namespace Descent.Data;

/// <summary>
/// A data file that cannot be read as what it claims to be. The message names the file, the part
/// inside it (a tarball entry, a line, a field) and the byte offset where known.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception; the message reads "file: part: at byte offset: problem".</summary>
    public DataFormatException(string file, string? part, long? offset, string problem, Exception? inner = null)
        : base(Compose(file, part, offset, problem), inner)
    {
        File = file;
        Part = part;
        Offset = offset;
    }

    /// <summary>The file's name.</summary>
    public string File { get; }

    /// <summary>The entry, line or field inside the file, if any.</summary>
    public string? Part { get; }

    /// <summary>The byte offset of the problem, if known.</summary>
    public long? Offset { get; }

    private static string Compose(string file, string? part, long? offset, string problem) =>
        OneLine(Path.GetFileName(file) + (part != null ? ": " + part : "") + (offset is long o ? $": at byte {o}" : "") + ": " + problem);

    /// <summary>Entry names and parser messages quote the file's own bytes, line breaks included; messages stay on one line.</summary>
    private static string OneLine(string message)
    {
        if (!message.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029')) return message;
        var sb = new System.Text.StringBuilder(message.Length + 16);
        foreach (char c in message) sb.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.ToString();
    }
}

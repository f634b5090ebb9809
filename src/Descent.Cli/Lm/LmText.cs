using Descent.Cli.Train;
using Descent.Data;

namespace Descent.Cli.Lm;

/// <summary>The corpus of <c>descent lm</c>: <c>moby-dick</c> (found as the other data sets are) or a strict UTF-8 file, and its tokenizer.</summary>
public static class LmText
{
    /// <summary>The <c>--text</c> value that names <i>Moby-Dick</i>.</summary>
    public const string MobyDickName = "moby-dick";

    /// <summary>The tokenizers <c>--tokenizer</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Tokenizers = ["char", "byte"];

    /// <summary>
    /// The text <paramref name="source"/> names, <i>Moby-Dick</i>'s tarball looked for as <see cref="DataLocator"/> says
    /// (in <paramref name="dataDir"/> when given); a missing, empty or invalid file throws naming the file (and the byte offset).
    /// </summary>
    public static string Read(string source, string? dataDir = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source == MobyDickName ? MobyDick.Read(DataLocator.Find(DataLocator.MobyDick, dataDir)) : TextCorpus.ReadFile(source);
    }

    /// <summary>A new tokenizer of <paramref name="kind"/>: the characters of <paramref name="text"/>, or the 256 bytes.</summary>
    public static Tokenizer NewTokenizer(string kind, string text) =>
        kind == "byte" ? new ByteTokenizer() : CharTokenizer.FromText(text);
}

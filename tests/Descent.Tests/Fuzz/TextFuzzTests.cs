using System.Text;
using Descent.Data;
using Xunit.Abstractions;

namespace Descent.Tests.Fuzz;

/// <summary>
/// Seeded mutation tests of the text side of a language model: <see cref="TextCorpus.Decode"/> (a corpus file's
/// bytes) and <see cref="Tokenizer.FromMetadata"/> (the tokenizer JSON a model file carries).
/// </summary>
public class TextFuzzTests(ITestOutputHelper output)
{
    private const string File = "fuzz-text.txt";

    private static readonly string[] Texts =
    [
        "Call me Ishmael. Some years ago—never mind how long precisely\n",
        "Åhab's 🐋 and Queequeg's ﬁre\r\n\tnot ASCII: é ü ß ✓\n",
        "\uFEFFa file with a byte-order mark\n",
    ];

    [Fact]
    public void CorpusDecodingSurvivesMutations()
    {
        var result = FuzzRunner.Run("TextCorpus.Decode", File, 41,
            r =>
            {
                var (bytes, how) = Mutate.Bytes(r, Encoding.UTF8.GetBytes(Texts[r.Next(Texts.Length)]));
                return new FuzzCase(bytes, how);
            },
            c =>
            {
                // Decoding is lossless: the text is the file's bytes, less a leading byte-order mark.
                string text = TextCorpus.Decode(c.Input, File);
                var again = Encoding.UTF8.GetBytes(text);
                var body = c.Input.AsSpan(c.Input.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? 3 : 0);
                if (!body.SequenceEqual(again)) throw new InvalidOperationException("the decoded text does not encode back to the file's bytes");
            },
            typeof(DataFormatException));
        output.WriteLine($"TextCorpus.Decode: {result.Succeeded} read, {result.Rejected} rejected");
        Assert.True(result.Succeeded > 0 && result.Rejected > FuzzRunner.Cases / 4, $"{result.Succeeded} read, {result.Rejected} rejected");
    }

    [Fact]
    public void TokenizerMetadataSurvivesMutations()
    {
        string[] seeds =
        [
            CharTokenizer.FromText(Texts[0] + Texts[1]).ToJson(),
            new ByteTokenizer().ToJson(),
            CharTokenizer.FromText("ab").ToJson(),
        ];
        var result = FuzzRunner.Run("Tokenizer.FromMetadata", File, 42,
            r =>
            {
                var seed = Encoding.UTF8.GetBytes(seeds[r.Next(seeds.Length)]);
                var (bytes, how) = r.Next(2) == 0 ? Mutate.Text(r, seed) : Mutate.Bytes(r, seed);
                return new FuzzCase(bytes, how);
            },
            c =>
            {
                // Metadata strings are text; invalid bytes reach the reader as U+FFFD, as a safetensors reader hands them over.
                var metadata = new Dictionary<string, string> { [Tokenizer.MetadataKey] = Encoding.UTF8.GetString(c.Input) };
                var tokenizer = Tokenizer.FromMetadata(metadata, File);
                var back = Tokenizer.FromJson(tokenizer.ToJson());
                if (back.VocabSize != tokenizer.VocabSize || back.Type != tokenizer.Type) throw new InvalidOperationException("the tokenizer does not round-trip");
            },
            typeof(DataFormatException));
        output.WriteLine($"Tokenizer.FromMetadata: {result.Succeeded} read, {result.Rejected} rejected");
        Assert.True(result.Succeeded > 0 && result.Rejected > FuzzRunner.Cases / 4, $"{result.Succeeded} read, {result.Rejected} rejected");
    }
}

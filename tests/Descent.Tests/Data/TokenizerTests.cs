using System.Text;
using Descent.Data;

namespace Descent.Tests.Data;

public class TokenizerTests
{
    [Fact]
    public void CharVocabularyIsTheSortedDistinctCharacters()
    {
        var tokenizer = CharTokenizer.FromText("hello, world");
        Assert.Equal(" ,dehlorw", string.Concat(tokenizer.Vocabulary));
        Assert.Equal(9, tokenizer.VocabSize);
        Assert.Equal([4, 3, 5, 5, 6], tokenizer.Encode("hello"));
        Assert.Equal("low", tokenizer.Decode([5, 6, 8]));
    }

    [Fact]
    public void CharRoundTripOfMobyDickHasPythonsVocabulary()
    {
        string text = MobyDick.Read(TestData.MobyDick);
        var tokenizer = CharTokenizer.FromText(text);
        // sorted(set(text)) in Python: 81 characters, '\n' first and the em dash last.
        Assert.Equal(81, tokenizer.VocabSize);
        Assert.Equal(new Rune('\n'), tokenizer.Vocabulary[0]);
        Assert.Equal(new Rune('—'), tokenizer.Vocabulary[^1]);
        var ids = tokenizer.Encode(text);
        Assert.Equal(text.Length, ids.Length);
        Assert.Equal(text, tokenizer.Decode(ids));
    }

    [Fact]
    public void ACharacterIsAScalarValueNotACodeUnit()
    {
        // U+1F40B is the surrogate pair D83D DC0B; U+FB01 (a ligature) sorts below it as a code point but above
        // its surrogates as UTF-16 code units. Sorting by scalar value puts the whale last.
        var tokenizer = CharTokenizer.FromText("ﬁ🐋a🐋");
        Assert.Equal(["a", "ﬁ", "🐋"], tokenizer.Vocabulary.Select(r => r.ToString()));
        Assert.Equal([2, 0, 1], tokenizer.Encode("🐋aﬁ"));
        Assert.Equal("🐋aﬁ", tokenizer.Decode([2, 0, 1]));
        var e = Assert.Throws<ArgumentException>(() => tokenizer.Encode("a\uD83D"));
        Assert.Contains("CharTokenizer.Encode: index 1 holds a lone surrogate U+D83D", e.Message);
        Assert.Contains("lone surrogate U+DC0B", Assert.Throws<ArgumentException>(() => CharTokenizer.FromText("\uDC0Ba")).Message);
    }

    [Fact]
    public void OutOfVocabularyCharactersAreNamed()
    {
        var tokenizer = CharTokenizer.FromText("abc");
        var e = Assert.Throws<ArgumentException>(() => tokenizer.Encode("abXcé\nX"));
        Assert.Contains("CharTokenizer.Encode: 3 character(s) are not in the vocabulary of 3", e.Message);
        Assert.Contains("'X' (U+0058) at index 2", e.Message);
        Assert.Contains("'é' (U+00E9) at index 4", e.Message);
        Assert.Contains("U+000A at index 5", e.Message);
        var many = Assert.Throws<ArgumentException>(() => tokenizer.Encode("0123456789xyz"));
        Assert.Contains("and 3 more", many.Message);
    }

    [Fact]
    public void DecodeRefusesIdsOutsideTheVocabulary()
    {
        var tokenizer = CharTokenizer.FromText("abc");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([0L, 3L]));
        Assert.Contains("CharTokenizer.Decode: id 3 at position 1 is outside the vocabulary [0, 3)", e.Message);
        Assert.Contains("id -1", Assert.Throws<ArgumentOutOfRangeException>(() => new ByteTokenizer().Decode([-1L])).Message);
        Assert.Contains("id 256", Assert.Throws<ArgumentOutOfRangeException>(() => new ByteTokenizer().Decode([256])).Message);
    }

    [Fact]
    public void CharVocabularyMustBeDistinctAndNonEmpty()
    {
        Assert.Contains("'a' (U+0061) appears twice in the vocabulary (ids 0 and 2)",
            Assert.Throws<ArgumentException>(() => new CharTokenizer([new Rune('a'), new Rune('b'), new Rune('a')])).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new CharTokenizer([])).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => CharTokenizer.FromText("")).Message);
    }

    [Fact]
    public void BytesRoundTripAnyText()
    {
        var tokenizer = new ByteTokenizer();
        const string text = "Queequeg — né à Kokovoko 🐋\n";
        var ids = tokenizer.Encode(text);
        Assert.Equal(Encoding.UTF8.GetBytes(text).Select(b => (int)b), ids);
        Assert.Equal(256, tokenizer.VocabSize);
        Assert.Equal(text, tokenizer.Decode(ids));
        Assert.Equal([110, 195, 169], tokenizer.Encode("né"));
        Assert.Contains("ByteTokenizer.Encode: index 2 holds a lone surrogate U+D800", Assert.Throws<ArgumentException>(() => tokenizer.Encode("ab\uD800")).Message);
    }

    [Theory]
    [InlineData(new long[] { 110, 195 }, "n\uFFFD")]                   // a two-byte character cut after its first byte
    [InlineData(new long[] { 0xE2, 0x82, 0x41 }, "\uFFFDA")]            // a cut three-byte prefix is one maximal subpart
    [InlineData(new long[] { 0x80, 0x80, 0x41 }, "\uFFFD\uFFFDA")]      // stray continuation bytes, one each
    [InlineData(new long[] { 0xF0, 0x9F, 0x90 }, "\uFFFD")]             // the whale without its last byte
    public void BytesThatAreNotUtf8DecodeToReplacementCharacters(long[] ids, string expected)
    {
        // The same strings as Python's bytes(ids).decode("utf-8", "replace").
        Assert.Equal(expected, new ByteTokenizer().Decode(ids));
    }

    [Fact]
    public void TokenizersRoundTripThroughJsonAndMetadata()
    {
        var chars = CharTokenizer.FromText("\"quoted\"\n\\ and 🐋\t");
        string json = chars.ToJson();
        Assert.StartsWith("{\"type\":\"char\",\"vocab\":[", json);
        var back = Assert.IsType<CharTokenizer>(Tokenizer.FromJson(json));
        Assert.Equal(chars.Vocabulary, back.Vocabulary);

        var metadata = new Dictionary<string, string> { [Tokenizer.MetadataKey] = new ByteTokenizer().ToJson(), ["format"] = "x" };
        Assert.Equal("{\"type\":\"byte\"}", metadata["tokenizer"]);
        Assert.IsType<ByteTokenizer>(Tokenizer.FromMetadata(metadata, "lm.safetensors"));
    }

    [Theory]
    [InlineData("not json", "Tokenizer.FromJson: not JSON")]
    [InlineData("[1]", "expected a JSON object")]
    [InlineData("{}", "'type' is missing or not a string")]
    [InlineData("{\"type\":\"bpe\"}", "'type' is \"bpe\"; expected \"char\" or \"byte\"")]
    [InlineData("{\"type\":\"char\"}", "'vocab' is missing or not an array")]
    [InlineData("{\"type\":\"char\",\"vocab\":\"abc\"}", "'vocab' is missing or not an array")]
    [InlineData("{\"type\":\"char\",\"vocab\":[\"a\",\"bc\"]}", "'vocab' entry 1 is \"bc\", not a string of one character")]
    [InlineData("{\"type\":\"char\",\"vocab\":[\"a\",7]}", "'vocab' entry 1 is 7")]
    [InlineData("{\"type\":\"char\",\"vocab\":[\"\"]}", "'vocab' entry 0 is \"\", not a string of one character")]
    [InlineData("{\"type\":\"\\udc00\"}", "Tokenizer.FromJson: not text")]
    [InlineData("{\"type\":\"char\",\"vocab\":[\"\\ud800\"]}", "'vocab' entry 0")]
    [InlineData("{\"type\":\"char\",\"vocab\":[\"a\",\"a\"]}", "'vocab': CharTokenizer: 'a' (U+0061) appears twice")]
    [InlineData("{\"type\":\"char\",\"vocab\":[]}", "'vocab': CharTokenizer: the vocabulary is empty")]
    [InlineData("{\"type\":\"byte\",\"vocab\":[]}", "'vocab' is not a key of type \"byte\"")]
    public void BadTokenizerJsonNamesTheKey(string json, string expected)
    {
        Assert.Contains(expected, Assert.Throws<FormatException>(() => Tokenizer.FromJson(json)).Message);
        var e = Assert.Throws<DataFormatException>(() => Tokenizer.FromMetadata(new Dictionary<string, string> { ["tokenizer"] = json }, "/models/lm.safetensors"));
        Assert.StartsWith("lm.safetensors: metadata 'tokenizer': Tokenizer.FromJson", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void AModelFileWithoutATokenizerIsNamed()
    {
        var e = Assert.Throws<DataFormatException>(() => Tokenizer.FromMetadata(new Dictionary<string, string> { ["format"] = "x" }, "mnist.safetensors"));
        Assert.Equal("mnist.safetensors: metadata 'tokenizer': missing: this model file holds no tokenizer (a language model is saved with its tokenizer)", e.Message);
        Assert.Contains("holds no tokenizer", Assert.Throws<DataFormatException>(() => Tokenizer.FromMetadata(null, "m.safetensors")).Message);
    }
}

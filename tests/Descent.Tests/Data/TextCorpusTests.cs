using System.Security.Cryptography;
using System.Text;
using Descent.Data;

namespace Descent.Tests.Data;

public class TextCorpusTests
{
    [Fact]
    public void MobyDickFollowsTheCorpusRule()
    {
        string text = MobyDick.Read(TestData.MobyDick);
        // Pinned once from the tarball (the same rule in Python gives the same numbers); they guard the rule.
        Assert.Equal(1_188_006, text.Length);
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(1_191_238, bytes.Length);
        Assert.Equal("57b2c329a52b26a76cbc06d9c6d08dba36b7b084ba58428507a9ba2e1850ea07", Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.StartsWith("Loomings.\nCall me Ishmael.", text);
        Assert.EndsWith("as it rolled five thousand years ago.\n\n\n", text);
    }

    [Fact]
    public void ChaptersGoInNumericOrderNotNameOrder()
    {
        string text = MobyDick.Read(TestData.MobyDick);
        int two = text.IndexOf("\nThe Carpet-Bag.\n", StringComparison.Ordinal);
        int nine = text.IndexOf("\nThe Sermon.\n", StringComparison.Ordinal);
        int ten = text.IndexOf("\nA Bosom Friend.\n", StringComparison.Ordinal);
        int hundred = text.IndexOf("\nLeg and Arm. The Pequod, of Nantucket, Meets the Samuel\n", StringComparison.Ordinal);
        Assert.True(two > 0 && two < nine && nine < ten && ten < hundred, $"offsets 2: {two}, 9: {nine}, 10: {ten}, 100: {hundred}");
    }

    [Fact]
    public void TheRuleJoinsTitleTextAndBlankLine()
    {
        WithTempFile(".tgz", path =>
        {
            ReaderTests.WriteTgz(path, new()
            {
                ["package/data/chapter_10.json"] = """{"chapter":"10","title":"Ten.","text":"ten"}""",
                ["package/data/chapter_2.json"] = """{"chapter":2,"title":"Two.","text":"two"}""",
                ["package/data/data.js"] = "module.exports = {};",
            });
            Assert.Equal("Two.\ntwo\n\nTen.\nten\n\n", MobyDick.Read(path));
        });
    }

    [Theory]
    [InlineData("""{"chapter":"1","title":"A."}""", "chapter_1.json: \"text\" is missing or not a string")]
    [InlineData("""{"chapter":"one","title":"A.","text":"a"}""", "chapter_1.json: \"chapter\" is missing or not a whole number")]
    [InlineData("""{"chapter":"2","title":"A.","text":"a"}""", "\"chapter\" is 2, but the entry is not named package/data/chapter_2.json")]
    [InlineData("""["chapter"]""", "expected a JSON object")]
    [InlineData("""{"chapter":"1",""", "malformed JSON")]
    public void BadChaptersNameTheEntryAndTheField(string json, string expected)
    {
        WithTempFile(".tgz", path =>
        {
            ReaderTests.WriteTgz(path, new() { ["package/data/chapter_1.json"] = json });
            var e = Assert.Throws<DataFormatException>(() => MobyDick.Read(path));
            Assert.Contains(Path.GetFileName(path), e.Message);
            Assert.Contains(expected, e.Message);
        });
    }

    [Fact]
    public void APackageWithoutChaptersIsRefused()
    {
        WithTempFile(".tgz", path =>
        {
            ReaderTests.WriteTgz(path, new() { ["package/package.json"] = "{}" });
            Assert.Contains("no chapter entries", Assert.Throws<DataFormatException>(() => MobyDick.Read(path)).Message);
        });
    }

    [Fact]
    public void ReadFileDecodesUtf8AndDropsAByteOrderMark()
    {
        WithTempFile(".txt", path =>
        {
            File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "Åhab's 🐋\r\n"u8]);
            Assert.Equal("Åhab's 🐋\r\n", TextCorpus.ReadFile(path));
        });
    }

    [Theory]
    [InlineData(new byte[] { (byte)'a', (byte)'b', 0xFF, (byte)'c' }, 2, "0xFF")]
    [InlineData(new byte[] { (byte)'a', 0xC3, (byte)'(' }, 1, "0xC3")]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'x', 0xE2, 0x82 }, 4, "0xE2")]
    [InlineData(new byte[] { (byte)'o', 0xED, 0xA0, 0x80 }, 1, "0xED")]
    public void InvalidUtf8NamesTheByteOffset(byte[] bytes, long offset, string firstByte)
    {
        WithTempFile(".txt", path =>
        {
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<DataFormatException>(() => TextCorpus.ReadFile(path));
            Assert.Equal(offset, e.Offset);
            Assert.Contains($"at byte {offset}: invalid UTF-8", e.Message);
            Assert.Contains(firstByte, e.Message);
            Assert.StartsWith(Path.GetFileName(path), e.Message);
        });
    }

    [Fact]
    public void EmptyFilesAreRefused()
    {
        WithTempFile(".txt", path =>
        {
            File.WriteAllBytes(path, []);
            Assert.Contains("the file is empty", Assert.Throws<DataFormatException>(() => TextCorpus.ReadFile(path)).Message);
            File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF]);
            Assert.Contains("only a byte-order mark", Assert.Throws<DataFormatException>(() => TextCorpus.ReadFile(path)).Message);
        });
    }

    [Fact]
    public void FilesAboveTheCapAreRefusedUnread()
    {
        WithTempFile(".txt", path =>
        {
            // SetLength makes a sparse file: the size is real, the gigabyte is never written or read.
            using (var f = File.Create(path)) f.SetLength(TextCorpus.MaxBytes + 1);
            var e = Assert.Throws<DataFormatException>(() => TextCorpus.ReadFile(path));
            Assert.Contains($"{TextCorpus.MaxBytes + 1} bytes is more than the {TextCorpus.MaxBytes}-byte", e.Message);
        });
    }

    [Fact]
    public void MissingFilesAreNamed()
    {
        var path = TempPath(".txt");
        Assert.Contains(Path.GetFileName(path), Assert.Throws<FileNotFoundException>(() => TextCorpus.ReadFile(path)).Message);
    }

    private static string TempPath(string extension) => Path.Combine(Path.GetTempPath(), $"descent-text-{Guid.NewGuid():N}{extension}");

    /// <summary>Runs <paramref name="test"/> with a fresh file path and deletes whatever it wrote there.</summary>
    private static void WithTempFile(string extension, Action<string> test)
    {
        var path = TempPath(extension);
        try
        {
            test(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

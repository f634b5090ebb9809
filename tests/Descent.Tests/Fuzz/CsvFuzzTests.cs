using System.Text;
using Descent.Data;
using Xunit.Abstractions;

namespace Descent.Tests.Fuzz;

/// <summary>Seeded mutation tests of <see cref="Csv.Load(string, string?)"/> (in memory through its internal reader overload).</summary>
public class CsvFuzzTests(ITestOutputHelper output)
{
    private const string File = "fuzz.csv";

    private static readonly (string Text, string? Target)[] Seeds =
    [
        ("a,b,kind\n1,2,cat\n3,4.5,dog\n-1,0,cat\n", "kind"),
        ("x,y\n1,2\n3,4\n5e-3,-6\n", null),
        ("\"sepal length\",\"sepal width\",species,w\r\n5.1,3.5,setosa,0.2\r\n4.9,3,virginica,1\r\n", "species"),
        ("f1,f2,f3,target\n0,0,0,1\n1,1,1,0\n\n2,2,2,1\n", "target"),
        ("p,q\n1,\" 2 \"\n", "p"),
    ];

    private static readonly string?[] Targets = [null, "kind", "y", "species", "target", "missing", "", "a"];

    private static FuzzCase Generate(Random r, out string? target)
    {
        var (text, seedTarget) = Seeds[r.Next(Seeds.Length)];
        target = r.Next(5) == 0 ? Targets[r.Next(Targets.Length)] : seedTarget;
        var bytes = Encoding.UTF8.GetBytes(text);
        var (mutated, how) = r.Next(2) == 0 ? Mutate.Text(r, bytes) : Mutate.Bytes(r, bytes);
        if (r.Next(8) == 0)
        {
            // A wide or long file: the header or a row repeated.
            var lines = Encoding.UTF8.GetString(mutated).Split('\n');
            int i = r.Next(lines.Length);
            int times = r.Next(2, 200);
            lines[i] = r.Next(2) == 0 ? string.Join(",", Enumerable.Repeat(lines[i], times)) : string.Join("\n", Enumerable.Repeat(lines[i], times));
            mutated = Encoding.UTF8.GetBytes(string.Join("\n", lines));
            how += $"+repeat line {i} x{times}";
        }
        return new FuzzCase(mutated, how + $" target={target ?? "(last)"}");
    }

    /// <summary>A successful load must be rectangular and finite.</summary>
    private static void Load(FuzzCase c, string? target)
    {
        using var reader = new StreamReader(new MemoryStream(c.Input));
        var (data, features, classes) = Csv.Load(reader, File, target);
        var x = data.Inputs;
        var y = data.Targets.ToArray();
        if (x.Rank != 2 || x.Size(1) != features.Count || x.Size(0) != y.Length || x.Size(0) == 0)
            throw new InvalidOperationException($"inputs {Shape.Format(x.Shape)} for {features.Count} features and {y.Length} targets");
        if (x.ToArray().Any(v => !float.IsFinite(v))) throw new InvalidOperationException("a non-finite input was accepted");
        if (y.Any(v => !float.IsFinite(v))) throw new InvalidOperationException("a non-finite target was accepted");
        if (classes.Count > 0 && y.Any(v => v < 0 || v >= classes.Count)) throw new InvalidOperationException("a class index out of range");
    }

    [Fact]
    public void SeedsLoad()
    {
        foreach (var (text, target) in Seeds) Load(new FuzzCase(Encoding.UTF8.GetBytes(text), "seed"), target);
    }

    [Fact]
    public void LoadSurvivesMutations()
    {
        string? target = null;
        var (ok, rejected) = FuzzRunner.Run("Csv.Load", File, 21, r => Generate(r, out target), c => Load(c, target), typeof(DataFormatException));
        output.WriteLine($"Csv.Load: {ok + rejected} cases, {ok} loaded, {rejected} rejected");
        Assert.Equal(FuzzRunner.Cases, ok + rejected);
        Assert.True(ok > 0 && rejected > 0, $"Csv.Load: {ok} loaded, {rejected} rejected");
    }

    [Fact]
    public void FilesOnDiskGoThroughTheSameChecks()
    {
        var dir = FuzzRunner.TempFolder();
        try
        {
            var path = Path.Combine(dir, File);
            System.IO.File.WriteAllText(path, "x,y\n1,2\nNaN,3\n");
            var e = Assert.Throws<DataFormatException>(() => Csv.Load(path));
            Assert.StartsWith(File, e.Message);
            Assert.Throws<FileNotFoundException>(() => Csv.Load(Path.Combine(dir, "missing.csv")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}

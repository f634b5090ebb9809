using System.Globalization;
using Descent.Cli.Commands;
using Descent.Cli.Train;
using Descent.IO;
using Descent.Training;

namespace Descent.Tests.Cli;

/// <summary>
/// A model file is data: it cannot choose what eval reads, and each invalid metadata entry fails with one line naming
/// the file and the key (issue 17, item 1). The seeded fuzz of every key is <c>ModelMetadataFuzzTests</c>.
/// </summary>
public sealed class ModelFileTrustTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A small moons classifier saved as m.safetensors, then its metadata edited by <paramref name="edit"/>.</summary>
    private string Model(Action<Dictionary<string, string>>? edit = null)
    {
        string path = _dir.File("m.safetensors");
        var train = CliRunner.Run("train", "--data", "moons", "--model", "mlp:4", "--epochs", "1", "--save", path);
        Assert.Equal(0, train.ExitCode);
        if (edit == null) return path;
        var (tensors, meta) = Safetensors.Load(path);
        edit(meta);
        Safetensors.Save(path, tensors, meta);
        return path;
    }

    [Fact]
    public void A_data_entry_naming_a_file_never_makes_eval_read_it()
    {
        string secret = _dir.File("secret.csv");
        File.WriteAllLines(secret, ["topsecret_a,topsecret_b,label", "1,2,x", "3,4,y"]);
        foreach (string entry in new[] { $"csv:{secret}", $"csv:{secret}:label" })
        {
            var run = CliRunner.Run("eval", "--model", Model(m => m["data"] = entry));
            Assert.Equal(CliErrors.UsageError, run.ExitCode);
            Assert.Equal($"descent eval: the model was trained on {entry}; a model file never names a file to read, so pass the data with --data csv:PATH (see --help)",
                Assert.Single(run.StderrLines));
            Assert.DoesNotContain("topsecret", run.Stdout + run.Stderr);
        }
        var path = CliRunner.Run("eval", "--model", Model(m => m["data"] = secret));
        Assert.Equal(CliErrors.Failure, path.ExitCode);
        Assert.StartsWith("descent eval: m.safetensors: metadata 'data': must name a built-in set (mnist, mnist-idx, fashion-mnist, iris, moons, spirals, sin)", Assert.Single(path.StderrLines));
        Assert.DoesNotContain("topsecret", path.Stdout + path.Stderr);
    }

    [Fact]
    public void A_csv_trained_model_records_the_file_name_only_and_eval_needs_data()
    {
        string csv = _dir.File("points.csv");
        var moons = Descent.Data.Synthetic.Moons(200, 0.2f, new Generator(1));
        var lines = new List<string> { "x,y,label" };
        for (int i = 0; i < moons.Count; i++)
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{moons.Inputs.At(i, 0)},{moons.Inputs.At(i, 1)},{(moons.Targets.At(i) == 0 ? "a" : "b")}"));
        File.WriteAllLines(csv, lines);
        string model = _dir.File("csv.safetensors");
        Assert.Equal(0, CliRunner.Run("train", "--data", $"csv:{csv}", "--model", "mlp:4", "--epochs", "1", "--save", model).ExitCode);
        Assert.Equal("csv:points.csv", Safetensors.Load(model).Metadata["data"]);

        var bare = CliRunner.Run("eval", "--model", model);
        Assert.Equal(CliErrors.UsageError, bare.ExitCode);
        Assert.Contains("pass the data with --data csv:PATH", Assert.Single(bare.StderrLines));
        // Given the training file again, eval measures the validation part of the split it was trained with.
        var run = CliRunner.Run("eval", "--model", model, "--data", $"csv:{csv}", "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(40, run.Json().GetProperty("examples").GetInt32());
        Assert.Contains("the validation part of its training split", run.Stdout);
    }

    public static TheoryData<string, string, string> InvalidEntries => new()
    {
        { "class_names", "[\"a\"]", "metadata 'class_names': names 1 classes but 'classes' is 2" },
        { "standardize", "{mean:[0,0]}", "metadata 'standardize': not valid JSON (byte 1)" },
        { "standardize", "{\"mean\":[0,0],\"std\":[1,0]}", "metadata 'standardize': 'std' value 1 is not a finite number above 0: 0" },
        { "standardize", "{\"mean\":[0,0,0],\"std\":[1,1,1]}", "metadata 'standardize': has 3 features but the model reads 2" },
        { "features", "[\"x\",\"x\"]", "metadata 'features': 'x' appears twice" },
        { "classes", "1e9", "metadata 'classes': must be a whole number of at least 2; got '1e9'" },
        { "dropout", "NaN", "metadata 'dropout': must be a number from 0 up to (not including) 1; got 'NaN'" },
        { "val_split", "Infinity", "metadata 'val_split': must be a number between 0 and 1; got 'Infinity'" },
        { "input_shape", "2147483647,2147483647", "metadata 'input_shape': '2147483647,2147483647' holds more values than an array can" },
        { "inputs", "3", "metadata 'inputs': is '3' but 'input_shape' 2 holds 2 values" },
        { "task", "regression", "metadata 'classes': is given, but the model does regression" },
        { "arch", "mlp:65536,65536", "metadata 'arch', 'input_shape' and 'classes' describe mlp:65536,65536 for inputs [2] with 2 outputs, 4295360514 weights, but the file holds 22" },
    };

    [Theory]
    [MemberData(nameof(InvalidEntries))]
    public void An_invalid_entry_names_the_file_and_the_key(string key, string value, string message)
    {
        var run = CliRunner.Run("eval", "--model", Model(m => m[key] = value));
        Assert.Equal(CliErrors.Failure, run.ExitCode);
        Assert.Equal("descent eval: m.safetensors: " + message, Assert.Single(run.StderrLines));
    }

    [Fact]
    public void A_description_is_checked_against_the_weights_before_anything_is_built()
    {
        var bytes = File.ReadAllBytes(Model(m =>
        {
            (m["arch"], m["input_shape"], m["inputs"], m["classes"]) = ("mlp:65536,65536,65536", "65536", "65536", "65536");
            m.Remove("standardize");
        }));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<FormatException>(() => ModelFile.Parse(bytes, "m.safetensors"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("but the file holds 22", e.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes for a {bytes.Length}-byte file");
    }

    [Fact]
    public void A_device_given_as_the_model_fails_at_once()
    {
        if (!File.Exists("/dev/zero")) return;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var run = CliRunner.Run("eval", "--model", "/dev/zero");
        Assert.Equal(CliErrors.Failure, run.ExitCode);
        Assert.Equal("descent eval: zero: at byte 0: the file reports 0 bytes but holds more (a device or a file that grows is not read)", Assert.Single(run.StderrLines));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }
}

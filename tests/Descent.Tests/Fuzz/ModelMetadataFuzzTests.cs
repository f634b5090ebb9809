using System.Text;
using Descent.Cli.Commands;
using Descent.Cli.Train;
using Descent.IO;
using Descent.Nn;
using Descent.Training;
using Xunit.Abstractions;

namespace Descent.Tests.Fuzz;

/// <summary>
/// Seeded mutations of a saved model's metadata, read by <see cref="ModelFile.Parse"/> (what eval, predict and export
/// run): every key of the description and some that are not, set to lies, broken JSON, huge or non-finite numbers,
/// paths and control characters, removed, or edited in place. A case passes with a description that agrees with the
/// weights and a working model, or with a one-line error naming the file, within the fuzz runner's memory bound.
/// </summary>
public class ModelMetadataFuzzTests(ITestOutputHelper output)
{
    private const string File = "fuzz.safetensors";

    private static readonly string[] Keys =
        ["arch", "task", "inputs", "input_shape", "classes", "dropout", "standardize", "class_names", "features", "data", "seed", "val_split",
         "format", "architecture", "extra", ""];

    private static readonly string[] Values =
    [
        "", " ", "0", "1", "2", "3", "-1", "4", "7", "1.5", "1e309", "NaN", "Infinity", "-0", "2147483647", "2147483648", "4294967296",
        "18446744073709551615", "18446744073709551616", "99999999999999999999", "0.2", "1", "0.9999999", "1e-45",
        "linear", "mlp", "mlp:3", "mlp:65536,65536", "mlp:0", "mlp:3,", "cnn", "cnn:2,2", "cnn:65536,65536,65536", "mlp:" + string.Join(',', Enumerable.Repeat(1, 2000)),
        "classification", "regression", "Classification",
        "4", "1,2,2", "1,8,8", "1,28,28", "65536,65536", "2147483647,2147483647,2147483647", "1,1,1,1", "4,", ",4", "0,4",
        "iris", "mnist", "mnist-idx", "moons", "csv", "csv:", "csv:data.csv", "csv:/etc/passwd", "/etc/passwd", "csv:../../x.csv:y", "csv:a\nb", "IRIS",
        "[]", "[\"a\",\"b\",\"c\"]", "[\"a\",\"a\",\"b\"]", "[\"a\",\"b\"]", "[\"\",\"b\",\"c\"]", "[1,2,3]", "[\"\\ud800\",\"b\",\"c\"]", "[\"a\u001b[31m\",\"b\",\"c\"]",
        "[\"sl\",\"sw\",\"pl\",\"pw\"]", "[\"x\"]", "{}", "null", "\"x\"", new string('[', 100), "[" + string.Join(',', Enumerable.Repeat("\"n\"", 3000)) + "]",
        "{\"mean\":[0,0,0,0],\"std\":[1,1,1,1]}", "{\"mean\":[0,0,0,0],\"std\":[1,1,1,0]}", "{\"mean\":[0,0,0],\"std\":[1,1,1]}",
        "{\"mean\":[0,0,0,1e39],\"std\":[1,1,1,1]}", "{\"mean\":[0],\"std\":[1]}", "{\"mean\":\"x\",\"std\":[1]}", "{\"mean\":[0,0,0,0]}",
        "{\"mean\":[0,0,0,0],\"std\":[1,1,1,1],\"mean\":[1]}", "{mean:[0]}", "{\"architecture\":1}",
        "descent-checkpoint-1", new string('x', 5000), "é", "\u2028", "\u0000",
    ];

    private static readonly Lazy<(Dictionary<string, string> Meta, OrderedDictionary<string, Tensor> Weights)[]> Seeds = new(MakeSeeds);

    private static (Dictionary<string, string>, OrderedDictionary<string, Tensor>)[] MakeSeeds()
    {
        var scaling = new FeatureScaling([0.5f, -1, 2, 0], [1, 2, 0.5f, 3]);
        ModelInfo[] infos =
        [
            new("mlp:3", ModelInfo.Classification, [4], 3, 0.1f, scaling, ["a", "b", "c"], ["sl", "sw", "pl", "pw"], "iris", 7, 0.2),
            new("linear", ModelInfo.Regression, [1], 1, 0, new FeatureScaling([0], [1]), null, null, "sin", 0, 0.2),
            new("cnn:2,2", ModelInfo.Classification, [1, 8, 8], 10, 0, null, null, null, "mnist", 3, 0.25),
            new("mlp:2,2", ModelInfo.Classification, [2], 2, 0, null, null, ["x", "y"], "csv:moons.csv:label", 1, 0.5),
        ];
        return infos.Select(info =>
        {
            var model = ModelSpec.Parse(info.Arch).Build(info.InputShape, info.Outputs, info.Dropout, new Generator(1), new Generator(2));
            return (info.ToMetadata(), model.StateDict());
        }).ToArray();
    }

    private static FuzzCase Generate(Random r)
    {
        var (seedMeta, weights) = Seeds.Value[r.Next(Seeds.Value.Length)];
        var meta = new Dictionary<string, string>(seedMeta);
        var how = new List<string>();
        for (int k = 0, n = r.Next(1, 4); k < n; k++)
        {
            string key = r.Next(4) == 0 ? Keys[r.Next(Keys.Length)] : meta.Keys.ElementAt(r.Next(meta.Count));
            switch (r.Next(4))
            {
                case 0:
                    meta.Remove(key);
                    how.Add($"remove {key}");
                    break;
                case 1 when meta.TryGetValue(key, out var text):
                {
                    var (bytes, edit) = Mutate.Text(r, Encoding.UTF8.GetBytes(text));
                    meta[key] = Encoding.UTF8.GetString(bytes);
                    how.Add($"{key}: {edit}");
                    break;
                }
                default:
                {
                    string value = Values[r.Next(Values.Length)];
                    meta[key] = value;
                    how.Add($"{key}='{Mutate.Escape(value.Length > 20 ? value[..20] + "…" : value)}'");
                    break;
                }
            }
        }
        // Safetensors keeps metadata keys unique, and a key of an empty name is still a key.
        return new FuzzCase(Safetensors.Serialize(weights, meta), string.Join(" + ", how));
    }

    /// <summary>A description that loads must agree with the weights and give a model that runs, and never name a file to read.</summary>
    private static void Load(FuzzCase c)
    {
        var (model, info) = ModelFile.Parse(c.Input, File);
        if (info.ClassNames != null && info.ClassNames.Count != info.Outputs) throw new InvalidOperationException("class names do not match the classes");
        if (info.Features != null && info.Features.Count != info.Inputs) throw new InvalidOperationException("features do not match the inputs");
        if (info.Scaling != null && info.Scaling.Mean.Length != info.Inputs) throw new InvalidOperationException("standardize does not match the inputs");
        if (info.Scaling != null && (info.Scaling.Mean.Any(m => !float.IsFinite(m)) || info.Scaling.Std.Any(s => !(s > 0) || !float.IsFinite(s))))
            throw new InvalidOperationException("standardize holds a non-finite number or a std <= 0");
        if (!DataSpec.BuiltIn.Contains(info.Data))
        {
            if (!info.Data.StartsWith("csv:", StringComparison.Ordinal)) throw new InvalidOperationException($"data '{info.Data}' was accepted");
            try
            {
                DataSpec.ForModel(info.Data);
                throw new InvalidOperationException($"data '{info.Data}' chose a file to read");
            }
            catch (CliUsageException) { }
        }
        using var _ = Descent.Autograd.NoGrad();
        var y = model.Forward(Tensor.Zeros([2, .. info.InputShape]));
        if (!y.Shape.SequenceEqual([2, info.Outputs])) throw new InvalidOperationException($"the model gives {Shape.Format(y.Shape)} for {info.Outputs} outputs");
    }

    [Fact]
    public void SeedsLoad()
    {
        foreach (var (meta, weights) in Seeds.Value) Load(new FuzzCase(Safetensors.Serialize(weights, meta), "seed"));
    }

    [Fact]
    public void ModelFileSurvivesMetadataMutations()
    {
        var (ok, rejected) = FuzzRunner.Run("ModelFile.Parse", File, 31, Generate, Load, typeof(FormatException), typeof(SafetensorsFormatException));
        output.WriteLine($"ModelFile.Parse: {ok + rejected} cases, {ok} loaded, {rejected} rejected");
        Assert.Equal(FuzzRunner.Cases, ok + rejected);
        Assert.True(ok > 0 && rejected > 0, $"ModelFile.Parse: {ok} loaded, {rejected} rejected");
    }
}

using System.Globalization;
using System.Text.Json;
using Descent.Cli.Commands;
using Descent.Cli.Train;
using Descent.Data;
using Descent.IO;
using Descent.IO.Onnx;
using Descent.Training;

namespace Descent.Tests.Cli;

/// <summary>Models saved by `descent train` and used by eval, predict and export without architecture flags.</summary>
public sealed class ModelFileCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static double D(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    private (string Path, JsonElement Train) TrainIris(params string[] extra)
    {
        string path = _dir.File("iris.safetensors");
        var run = CliRunner.Run(["train", "--data", "iris", "--data-dir", TrainCommandTests.DataDir, "--model", "mlp:32,16", "--epochs", "30",
            "--batch-size", "16", "--save", path, "--json", .. extra]);
        Assert.Equal(0, run.ExitCode);
        return (path, run.Json());
    }

    [Fact]
    public void Saved_metadata_describes_the_model()
    {
        var (path, _) = TrainIris("--dropout", "0.1");
        var (tensors, meta) = Safetensors.Load(path);
        Assert.Equal("mlp:32,16", meta["arch"]);
        Assert.Equal("4", meta["inputs"]);
        Assert.Equal("3", meta["classes"]);
        Assert.Equal("classification", meta["task"]);
        Assert.Equal("0.1", meta["dropout"]);
        Assert.Equal("iris", meta["data"]);
        var scaling = FeatureScaling.FromJson(meta["standardize"]);
        Assert.Equal(4, scaling.Mean.Length);
        // Fitted on the 120 training flowers: close to, but not exactly, the statistics of all 150.
        var all = Iris.Load(TestData.Iris).Inputs;
        Assert.InRange(scaling.Mean[2], all.Select(1, 2).Mean().Item() - 0.3f, all.Select(1, 2).Mean().Item() + 0.3f);
        // PyTorch's Sequential names with the dropout layers in place: 0 Linear, 1 ReLU, 2 Dropout, 3 Linear, ...
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"], tensors.Keys);
        Assert.Equal([32, 4], tensors["0.weight"].Shape);
    }

    [Fact]
    public void Eval_rebuilds_the_model_and_matches_the_training_run()
    {
        var (path, train) = TrainIris();
        var run = CliRunner.Run("eval", "--model", path, "--data-dir", TrainCommandTests.DataDir, "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        var json = run.Json();
        Assert.Equal(30, json.GetProperty("examples").GetInt32());
        Assert.Equal(D(train, "valid_accuracy"), D(json, "accuracy"));
        Assert.Equal(D(train, "valid_loss"), D(json, "loss"), 5);
        var confusion = json.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        Assert.Equal(3, confusion.Length);
        Assert.Equal(30, confusion.Sum(r => r.Sum()));
        Assert.Equal(D(json, "accuracy"), (double)Enumerable.Range(0, 3).Sum(i => confusion[i][i]) / 30, 12);
        Assert.Contains("confusion matrix (rows: actual, columns: predicted):", run.Stdout);
        Assert.Contains("virginica", run.Stdout);
        Assert.Contains("recall", run.Stdout);

        // Explicit data that differs from the training data: every example.
        var everything = CliRunner.Run("eval", "--model", path, "--data", "iris", "--data-dir", TrainCommandTests.DataDir, "--json");
        Assert.Equal(30, everything.Json().GetProperty("examples").GetInt32());
    }

    [Fact]
    public void Predict_prints_one_class_per_row_agreeing_with_eval()
    {
        var (path, _) = TrainIris();
        var iris = Iris.Load(TestData.Iris);
        var lines = new List<string> { "a,b,c,d" };
        int[] rows = [0, 1, 60, 61, 120, 121];
        foreach (int i in rows)
            lines.Add(string.Join(",", iris.Inputs.Data.Slice(i * 4, 4).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        File.WriteAllLines(_dir.File("in.csv"), lines);
        var run = CliRunner.Run("predict", "--model", path, "--input", _dir.File("in.csv"), "--json");
        Assert.Equal(0, run.ExitCode);
        var predictions = run.Json().GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(rows.Length, predictions.Count);
        Assert.Equal(rows.Select(i => (int)iris.Targets.Data[i]), predictions.Select(p => p.GetProperty("class").GetInt32()));
        Assert.All(predictions, p => Assert.InRange(D(p, "probability"), 1.0 / 3, 1.0));
        Assert.Contains("row 1: class 0 (setosa), probability", run.Stdout);
        Assert.Contains("row 6: class 2 (virginica)", run.Stdout);
    }

    [Fact]
    public void Predict_gives_regression_values()
    {
        string path = _dir.File("sin.safetensors");
        Assert.Equal(0, CliRunner.Run("train", "--data", "sin", "--epochs", "10", "--save", path).ExitCode);
        File.WriteAllLines(_dir.File("x.csv"), ["x", "0", "1.5707964", "-1.5707964"]);
        var json = CliRunner.Run("predict", "--model", path, "--input", _dir.File("x.csv"), "--json").Json();
        var values = json.GetProperty("predictions").EnumerateArray().Select(p => D(p, "value")).ToArray();
        Assert.Equal([0, 1, -1], values.Select(v => Math.Round(v)));
        Assert.InRange(values[1], 0.85, 1.15);
    }

    [Fact]
    public void Export_writes_the_onnx_bytes_of_the_rebuilt_model()
    {
        var (path, _) = TrainIris();
        var run = CliRunner.Run("export", "--model", path, "--onnx", _dir.File("iris.onnx"), "--json");
        Assert.Equal(0, run.ExitCode);
        var (model, _) = ModelFile.Load(path);
        Assert.Equal(OnnxExport.ToBytes(model, [-1, 4]), File.ReadAllBytes(_dir.File("iris.onnx")));
        var json = run.Json();
        Assert.Equal([-1, 4], json.GetProperty("input_shape").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Contains("standardize inputs first", run.Stdout);
    }

    [Fact]
    public void A_checkpoint_also_serves_as_a_model_file()
    {
        string checkpoint = _dir.File("ck.safetensors");
        var train = CliRunner.Run("train", "--data", "moons", "--epochs", "2", "--checkpoint", checkpoint, "--json").Json();
        var json = CliRunner.Run("eval", "--model", checkpoint, "--json").Json();
        Assert.Equal(D(train, "valid_accuracy"), D(json, "accuracy"));
    }

    [Fact]
    public void A_file_without_a_description_fails_with_one_line()
    {
        Safetensors.Save(_dir.File("bare.safetensors"), [new("w", Tensor.Zeros(2))]);
        var run = CliRunner.Run("eval", "--model", _dir.File("bare.safetensors"));
        Assert.Equal(CliErrors.Failure, run.ExitCode);
        Assert.Equal("descent eval: bare.safetensors: no model description in its metadata ('arch' is missing); was it saved by `descent train --save`?",
            Assert.Single(run.StderrLines));
        File.WriteAllText(_dir.File("junk.safetensors"), "not a model");
        var junk = CliRunner.Run("predict", "--model", _dir.File("junk.safetensors"), "--input", _dir.File("junk.safetensors"));
        Assert.Equal(CliErrors.Failure, junk.ExitCode);
        Assert.StartsWith("descent predict: junk.safetensors:", Assert.Single(junk.StderrLines));
    }

    [Fact]
    public void Predict_rejects_rows_of_the_wrong_width()
    {
        var (path, _) = TrainIris();
        File.WriteAllLines(_dir.File("bad.csv"), ["1,2,3"]);
        var run = CliRunner.Run("predict", "--model", path, "--input", _dir.File("bad.csv"));
        Assert.Equal(CliErrors.Failure, run.ExitCode);
        Assert.Equal("descent predict: bad.csv: line 1: 3 columns, but the model reads 4 inputs per row", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void Predict_reads_a_first_row_of_numbers_as_data_and_a_mixed_one_as_an_error()
    {
        var (path, _) = TrainIris();
        File.WriteAllLines(_dir.File("rows.csv"), ["5.1,3.5,1.4,0.2", "6.2,2.9,4.3,1.3"]);
        var rows = CliRunner.Run("predict", "--model", path, "--input", _dir.File("rows.csv"), "--json");
        Assert.Equal(0, rows.ExitCode);
        Assert.Equal(2, rows.Json().GetProperty("predictions").GetArrayLength());
        // A typo in the first row used to make it a header, silently skipped.
        File.WriteAllLines(_dir.File("typo.csv"), ["5.1,3.5,1.4,O.2", "6.2,2.9,4.3,1.3"]);
        var typo = CliRunner.Run("predict", "--model", path, "--input", _dir.File("typo.csv"));
        Assert.Equal(CliErrors.Failure, typo.ExitCode);
        Assert.Equal("descent predict: typo.csv: line 1: column 4: 'O.2' is not a number, but the row's other cells are; a header holds no numbers and a data row only numbers",
            Assert.Single(typo.StderrLines));
    }
}

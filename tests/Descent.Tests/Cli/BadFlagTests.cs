using Descent.Cli.Commands;

namespace Descent.Tests.Cli;

/// <summary>Every flag of every training command, given a bad value: exit 2, nothing on stdout, one line on stderr, no stack trace.</summary>
public sealed class BadFlagTests
{
    private static readonly TempFolder Dir = new();
    private static readonly string AFile = MakeFile();
    private static readonly string Missing = Path.Combine(Dir.Path, "missing", "x.safetensors");

    private static string MakeFile()
    {
        string path = Path.Combine(Dir.Path, "a-file.txt");
        File.WriteAllText(path, "x");
        return path;
    }

    public static TheoryData<string, string[]> Cases()
    {
        string[] train = ["train", "--data", "moons"];
        string[] lrFind = ["lr-find", "--data", "moons"];
        var data = new TheoryData<string, string[]>
        {
            // train: data and model
            { "descent train: --data: missing value", ["train"] },
            { "--data: unknown data set 'digits'; one of: mnist, mnist-idx, fashion-mnist, iris, moons, spirals, sin, csv:PATH[:target]", ["train", "--data", "digits"] },
            { "--data: file not found: /nonexistent.csv", ["train", "--data", "csv:/nonexistent.csv"] },
            { "--data: csv: give a file", ["train", "--data", "csv:"] },
            { "--data-dir: folder not found: /nonexistent-folder", [.. train, "--data-dir", "/nonexistent-folder"] },
            { "--model: unknown model 'rnn'; one of: linear, mlp, mlp:H1,H2,..., cnn, cnn:C1,C2[,H]", [.. train, "--model", "rnn"] },
            { "--model: mlp: each hidden size must be a whole number from 1 to 65536; got '0'", [.. train, "--model", "mlp:0"] },
            { "--model: mlp: each hidden size must be a whole number from 1 to 65536; got 'x'", [.. train, "--model", "mlp:64,x"] },
            { "--model: cnn takes two channel counts and an optional hidden size", [.. train, "--model", "cnn:8"] },
            { "--model: cnn takes two channel counts and an optional hidden size", [.. train, "--model", "cnn:8,8,8,8"] },
            { "--model: unknown model 'linear:3'", [.. train, "--model", "linear:3"] },
            { "--model cnn:16,32,128 needs image data (mnist, mnist-idx, fashion-mnist); moons is tabular", [.. train, "--model", "cnn"] },
            // train: training
            { "--epochs: must be at least 1; got 0", [.. train, "--epochs", "0"] },
            { "--epochs: 'ten' is not a valid integer", [.. train, "--epochs", "ten"] },
            { "--epochs: missing value", [.. train, "--epochs"] },
            { "--batch-size: must be at least 1; got 0", [.. train, "--batch-size", "0"] },
            { "--batch-size: must be at least 1; got -5", [.. train, "--batch-size", "-5"] },
            { "--batch-size: must be at most 2147483647; got 2147483648", [.. train, "--batch-size", "2147483648"] },
            { "--epochs: must be at most 2147483647; got 99999999999999999999999", [.. train, "--epochs", "99999999999999999999999"] },
            { "--optimizer: unknown optimizer 'lbfgs'; one of: sgd, momentum, adam, adamw, rmsprop", [.. train, "--optimizer", "lbfgs"] },
            { "--lr: must be a finite number greater than 0; got 0", [.. train, "--lr", "0"] },
            { "--lr: must be a finite number greater than 0; got -0.1", [.. train, "--lr", "-0.1"] },
            { "--lr: must be a finite number greater than 0; got Infinity", [.. train, "--lr", "Infinity"] },
            { "--lr: must be a finite number greater than 0; got 1e39", [.. train, "--lr", "1e39"] },
            { "--lr: 'NaN' is not a valid number", [.. train, "--lr", "NaN"] },
            { "--lr: 'fast' is not a valid number", [.. train, "--lr", "fast"] },
            { "--schedule: unknown schedule 'linear'; one of: constant, onecycle, onecycle-pytorch, cyclic, cosine", [.. train, "--schedule", "linear"] },
            { "--weight-decay: must be a finite number of at least 0; got -1", [.. train, "--weight-decay", "-1"] },
            { "--weight-decay: 'x' is not a valid number", [.. train, "--weight-decay", "x"] },
            { "--dropout: must be at least 0 and below 1; got 1", [.. train, "--dropout", "1"] },
            { "--dropout: must be at least 0 and below 1; got -0.2", [.. train, "--dropout", "-0.2"] },
            { "--val-split: must be between 0 and 1 (exclusive); got 0", [.. train, "--val-split", "0"] },
            { "--val-split: mnist is split by the results protocol", ["train", "--data", "mnist", "--val-split", "0.5"] },
            { "--model cnn-long is a recipe of fashion-mnist only; iris has mlp, linear", ["train", "--data", "iris", "--model", "cnn-long"] },
            { "--label-smoothing: must be", [.. train, "--label-smoothing", "1.5"] },
            { "--val-split: must be between 0 and 1 (exclusive); got 1", [.. train, "--val-split", "1"] },
            { "--val-split: 'half' is not a valid number", [.. train, "--val-split", "half"] },
            { "--early-stop: must be at least 1; got 0", [.. train, "--early-stop", "0"] },
            { "--early-stop: 'soon' is not a valid integer", [.. train, "--early-stop", "soon"] },
            { "--seed: must be 0 or more; got -1", [.. train, "--seed", "-1"] },
            { "--seed: 'abc' is not a valid non-negative integer", [.. train, "--seed", "abc"] },
            { "--threads: must be at least 1; got 0", [.. train, "--threads", "0"] },
            { "--threads: 'all' is not a valid integer", [.. train, "--threads", "all"] },
            { "--save: folder not found:", [.. train, "--save", Missing] },
            { "is a folder; give a file name", [.. train, "--save", Dir.Path] },
            { "--checkpoint: folder not found:", [.. train, "--checkpoint", Missing] },
            { "--resume: file not found:", [.. train, "--resume", Missing] },
            { "--resume: " + Dir.Path + " is a folder; give a file", [.. train, "--resume", Dir.Path] },
            { "--data-dir: " + AFile + " is a file; give a folder", [.. train, "--data-dir", AFile] },
            { "--augment: must be at least 0; got -1", [.. train, "--augment", "-1"] },
            { "--augment shifts images; moons is tabular", [.. train, "--augment", "1"] },
            { "--plots: " + AFile + " is a file; give a folder", [.. train, "--plots", AFile] },
            { "unknown option '--epoch'", [.. train, "--epoch", "3"] },
            // eval, predict, export
            { "descent eval: --model: missing value", ["eval"] },
            { "--model: file not found:", ["eval", "--model", Missing] },
            { "--data: unknown data set 'x'", ["eval", "--model", AFile, "--data", "x"] },
            { "--data-dir: folder not found:", ["eval", "--model", AFile, "--data-dir", "/nonexistent-folder"] },
            { "descent predict: --input: missing value", ["predict", "--model", AFile] },
            { "--input: file not found:", ["predict", "--model", AFile, "--input", Missing] },
            { "descent predict: --model: missing value", ["predict", "--input", AFile] },
            { "descent export: --onnx: missing value", ["export", "--model", AFile] },
            { "--onnx: folder not found:", ["export", "--model", AFile, "--onnx", Missing] },
            { "--model: file not found:", ["export", "--model", Missing, "--onnx", Path.Combine(Dir.Path, "m.onnx")] },
            // plot-schedule
            { "--schedule: unknown schedule 'flat'", ["plot-schedule", "--schedule", "flat"] },
            { "--steps: must be at least 1; got 0", ["plot-schedule", "--steps", "0"] },
            { "--steps: must be at most 9223372036854775806; got 9223372036854775807", ["plot-schedule", "--steps", "9223372036854775807"] },
            { "--steps: must be at most 9223372036854775806; got 1" + new string('0', 30), ["plot-schedule", "--steps", "1" + new string('0', 30)] },
            { "--lr: must be a finite number greater than 0; got -1", ["plot-schedule", "--lr", "-1"] },
            { "--out: " + AFile + " is a file; give a folder", ["plot-schedule", "--out", AFile] },
            // lr-find
            { "--iterations: must be at least 6; got 5", [.. lrFind, "--iterations", "5"] },
            { "--model: unknown model 'big'", [.. lrFind, "--model", "big"] },
            { "--optimizer: unknown optimizer 'x'", [.. lrFind, "--optimizer", "x"] },
            { "--batch-size: must be at least 1; got 0", [.. lrFind, "--batch-size", "0"] },
            { "unknown option '--epochs'", [.. lrFind, "--epochs", "3"] },
            { "--model cnn:16,32,128 needs image data", [.. lrFind, "--model", "cnn"] },
            { "--label-smoothing: must be", [.. lrFind, "--label-smoothing", "-1"] },
            // demo: a run's path keeps steps + 1 snapshots
            { "descent demo: --steps: must be at most 2147483646; got 2147483647", ["demo", "--steps", "2147483647"] },
            // demo overfit
            { "descent demo overfit: --points: must be at least 2; got 1", ["demo", "overfit", "--points", "1"] },
            { "--epochs: must be at least 1; got 0", ["demo", "overfit", "--epochs", "0"] },
            { "--lr: must be a finite number greater than 0; got 0", ["demo", "overfit", "--lr", "0"] },
            { "--weight-decay: must be a finite number greater than 0; got 0", ["demo", "overfit", "--weight-decay", "0"] },
            { "--dropout: must be between 0 and 1 (exclusive); got 0", ["demo", "overfit", "--dropout", "0"] },
            { "--patience: must be at least 1; got 0", ["demo", "overfit", "--patience", "0"] },
            { "--noise: must be a finite number of at least 0; got -1", ["demo", "overfit", "--noise", "-1"] },
            { "--seed: must be 0 or more; got -3", ["demo", "overfit", "--seed", "-3"] },
            // demo gpt
            { "descent demo gpt: --seed: must be 0 or more; got -1", ["demo", "gpt", "--seed", "-1"] },
            { "descent demo gpt: --iterations: must be at least 1; got 0", ["demo", "gpt", "--iterations", "0"] },
            { "descent demo gpt: --early-step: must be at least 1; got 0", ["demo", "gpt", "--early-step", "0"] },
            { "descent demo gpt: --tokens: must be at least 1; got 0", ["demo", "gpt", "--tokens", "0"] },
            { "descent demo gpt: --head: must be at least 1; got 0", ["demo", "gpt", "--head", "0"] },
            { "descent demo gpt: --data-dir: folder not found: /nonexistent-folder", ["demo", "gpt", "--data-dir", "/nonexistent-folder"] },
            { "descent demo gpt: --out: the folder name is empty", ["demo", "gpt", "--out", " "] },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_value_exits_2_with_one_line_and_no_stack_trace(string expected, string[] args)
    {
        // --verbose right after the command, so that it cannot be read as a missing value.
        bool sub = args is ["demo", "overfit" or "gpt", ..];
        int at = sub ? 2 : 1;
        foreach (var argv in new[] { args, [.. args[..at], "--verbose", .. args[at..]] })
        {
            var run = CliRunner.Run(argv);
            Assert.True(run.ExitCode == CliErrors.UsageError, $"exit {run.ExitCode} for {string.Join(' ', argv)}: {run.Stderr}");
            Assert.Equal("", run.Stdout);
            var line = Assert.Single(run.StderrLines);
            Assert.StartsWith("descent " + (sub ? "demo " + argv[1] : argv[0]) + ": ", line);
            Assert.Contains(expected, line);
            Assert.DoesNotContain("   at ", run.Stderr);
            Assert.DoesNotContain("Exception", run.Stderr);
        }
    }

    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("predict")]
    [InlineData("export")]
    [InlineData("plot-schedule")]
    [InlineData("lr-find")]
    public void Help_lists_every_flag(string command)
    {
        var run = CliRunner.Run(command, "--help");
        Assert.Equal(0, run.ExitCode);
        var cases = Cases().Select(c => (string[])c[1]).Where(a => a[0] == command);
        foreach (var flag in cases.SelectMany(a => a.Where(t => t.StartsWith("--", StringComparison.Ordinal))).Distinct())
            if (flag is not ("--epoch" or "--verbose") && !(command == "lr-find" && flag == "--epochs"))
                Assert.Contains(flag, run.Stdout);
    }
}

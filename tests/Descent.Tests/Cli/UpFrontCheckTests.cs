using Descent.Cli.Commands;

namespace Descent.Tests.Cli;

/// <summary>
/// Every path a command reads or writes is checked before any work (issue 17): a folder that refuses new files,
/// a folder given for a file and a file given for a folder fail at once, exit 2, naming the flag and the path.
/// </summary>
public sealed class UpFrontCheckTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly ReadOnlyFolder _readOnly = new();

    public void Dispose()
    {
        _readOnly.Dispose();
        _dir.Dispose();
    }

    private static void AssertUsageError(CliRunner.Result run, params string[] expected)
    {
        Assert.True(run.ExitCode == CliErrors.UsageError, $"exit {run.ExitCode}: {run.Stderr}");
        // Nothing ran: no epoch, no figure, no header.
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        foreach (var text in expected) Assert.Contains(text, line);
        Assert.DoesNotContain(".tmp", line);
        Assert.DoesNotContain(".descent-write-test", line);
    }

    [Theory]
    [InlineData("--save")]
    [InlineData("--checkpoint")]
    public void A_model_output_in_a_read_only_folder_fails_before_training(string flag)
    {
        var run = CliRunner.Run("train", "--data", "moons", "--epochs", "1", flag, _readOnly.File("m.safetensors"));
        AssertUsageError(run, $"{flag}: cannot write into folder {_readOnly.Path}");
    }

    [Fact]
    public void Plots_in_a_read_only_folder_fail_before_training()
    {
        var run = CliRunner.Run("train", "--data", "moons", "--epochs", "1", "--plots", Path.Combine(_readOnly.Path, "figures"));
        AssertUsageError(run, "--plots: cannot write into folder " + _readOnly.Path);
    }

    [Fact]
    public void Every_other_writing_command_checks_its_output_first()
    {
        File.WriteAllText(_dir.File("m.safetensors"), "not read: the output is refused first");
        AssertUsageError(CliRunner.Run("export", "--model", _dir.File("m.safetensors"), "--onnx", _readOnly.File("m.onnx")),
            "--onnx: cannot write into folder");
        AssertUsageError(CliRunner.Run("plot-schedule", "--out", _readOnly.Path), "--out: cannot write into folder");
        AssertUsageError(CliRunner.Run("lr-find", "--data", "moons", "--plots", _readOnly.File("lr")), "--plots: cannot write into folder");
    }

    [Fact]
    public void A_folder_under_a_file_is_named_as_a_file()
    {
        File.WriteAllText(_dir.File("notes.txt"), "x");
        AssertUsageError(CliRunner.Run("train", "--data", "moons", "--plots", Path.Combine(_dir.File("notes.txt"), "figures")),
            $"--plots: {_dir.File("notes.txt")} is a file, not a folder");
        AssertUsageError(CliRunner.Run("train", "--data", "moons", "--save", Path.Combine(_dir.File("notes.txt"), "m.safetensors")),
            $"--save: {_dir.File("notes.txt")} is a file, not a folder");
    }

    [Fact]
    public void A_writable_output_leaves_no_probe_behind()
    {
        var run = CliRunner.Run("train", "--data", "moons", "--epochs", "1", "--save", _dir.File("m.safetensors"), "--plots", _dir.File("figures"));
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["m.safetensors"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("predict", "--model")]
    [InlineData("predict", "--input")]
    [InlineData("eval", "--model")]
    [InlineData("export", "--model")]
    [InlineData("train", "--resume")]
    public void A_folder_given_for_an_input_file_is_named_as_a_folder(string command, string flag)
    {
        File.WriteAllText(_dir.File("a.csv"), "1,2");
        string[] args = command switch
        {
            "predict" => ["predict", "--model", _dir.File("a.csv"), "--input", _dir.File("a.csv")],
            "eval" => ["eval", "--model", _dir.File("a.csv")],
            "export" => ["export", "--model", _dir.File("a.csv"), "--onnx", _dir.File("m.onnx")],
            _ => ["train", "--data", "moons"],
        };
        int at = Array.IndexOf(args, flag);
        args = at < 0 ? [.. args, flag, _dir.Path] : [.. args[..(at + 1)], _dir.Path, .. args[(at + 2)..]];
        var run = CliRunner.Run(args);
        AssertUsageError(run, $"{flag}: {_dir.Path} is a folder; give a file");
    }
}

using Descent.Cli.Commands;
using Descent.IO;

namespace Descent.Tests.Cli;

/// <summary>
/// <c>--resume</c> continues only the run that wrote the checkpoint (issue 17): every flag that changes the run is
/// compared before any data loads, and the first that differs is named with both values, exit 2.
/// </summary>
public sealed class ResumeFlagTests : IDisposable
{
    private static readonly string[] Run1 = ["train", "--data", "moons", "--epochs", "2", "--seed", "3"];
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Checkpoint(params string[] extra)
    {
        string path = _dir.File("run.safetensors");
        var first = CliRunner.Run([.. Run1, .. extra, "--checkpoint", path]);
        Assert.True(first.ExitCode == 0, first.Stderr);
        return path;
    }

    [Theory]
    // These used to fail inside the schedule or the model, naming their internals.
    [InlineData("--batch-size", "32", "64")]
    [InlineData("--epochs", "3", "2")]
    [InlineData("--seed", "4", "3")]
    [InlineData("--val-split", "0.3", "0.2")]
    [InlineData("--model", "mlp:8", "mlp:256,128")]
    // These used to continue silently, as a different run.
    [InlineData("--lr", "0.01", "0.003")]
    [InlineData("--schedule", "cosine", "onecycle")]
    [InlineData("--weight-decay", "0.01", "0")]
    [InlineData("--optimizer", "sgd", "adam")]
    [InlineData("--dropout", "0.1", "0")]
    [InlineData("--early-stop", "2", "off")]
    public void A_differing_flag_is_named_with_both_values_before_any_work(string flag, string now, string was)
    {
        string path = Checkpoint();
        var run = CliRunner.Run([.. Run1.Where((_, i) => i == 0 || Run1[i - 1] != flag && Run1[i] != flag), flag, now, "--resume", path]);
        Assert.True(run.ExitCode == CliErrors.UsageError, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.Equal($"descent train: --resume: run.safetensors was written by a run with {flag} {was}, this run has {flag} {now}; " +
                     "resume with the flags of the run that wrote it (see --help)", line);
    }

    [Fact]
    public void The_first_differing_flag_in_help_order_is_named()
    {
        string path = Checkpoint();
        var run = CliRunner.Run("train", "--data", "moons", "--epochs", "2", "--seed", "9", "--batch-size", "16", "--resume", path);
        Assert.Contains("with --batch-size 64, this run has --batch-size 16", Assert.Single(run.StderrLines));
    }

    [Fact]
    public void The_same_flags_resume_and_the_constant_schedule_may_run_longer()
    {
        string path = Checkpoint("--schedule", "constant");
        var same = CliRunner.Run([.. Run1, "--schedule", "constant", "--resume", path]);
        Assert.True(same.ExitCode == 0, same.Stderr);
        var longer = CliRunner.Run("train", "--data", "moons", "--epochs", "3", "--seed", "3", "--schedule", "constant", "--resume", path, "--json");
        Assert.True(longer.ExitCode == 0, longer.Stderr);
        Assert.Equal(3, longer.Json().GetProperty("epochs_run").GetInt32());
        var shorter = CliRunner.Run("train", "--data", "moons", "--epochs", "1", "--seed", "3", "--schedule", "constant", "--resume", path);
        Assert.Equal(CliErrors.UsageError, shorter.ExitCode);
        Assert.Contains("--epochs 1 is below the 2 epochs run.safetensors has already completed", Assert.Single(shorter.StderrLines));
    }

    [Fact]
    public void The_checkpoint_records_every_run_defining_flag()
    {
        string path = Checkpoint("--lr", "0.02", "--dropout", "0.25");
        var run = Descent.Training.Checkpoint.Load(path).Run!;
        Assert.Equal(["--data", "--model", "--epochs", "--batch-size", "--optimizer", "--lr", "--schedule", "--weight-decay", "--dropout",
            "--val-split", "--seed", "--early-stop", "--augment"], run.Select(kv => kv.Key));
        var values = run.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("0.02", values["--lr"]);
        Assert.Equal("0.25", values["--dropout"]);
        Assert.Equal("3", values["--seed"]);
    }

    [Fact]
    public void A_checkpoint_without_recorded_flags_is_refused_naming_it()
    {
        string path = Checkpoint();
        var (tensors, metadata) = Safetensors.Load(path);
        metadata.Remove("run");
        Safetensors.Save(_dir.File("old.safetensors"), tensors, metadata);
        var run = CliRunner.Run([.. Run1, "--resume", _dir.File("old.safetensors")]);
        Assert.Equal(CliErrors.Failure, run.ExitCode);
        Assert.StartsWith("descent train: old.safetensors: the checkpoint records no training flags", Assert.Single(run.StderrLines));
    }
}

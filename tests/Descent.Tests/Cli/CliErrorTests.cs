using Descent.Cli.Commands;

namespace Descent.Tests.Cli;

public class CliErrorTests
{
    [Theory]
    [InlineData("--seed: 'x' is not a valid", "demo", "--seed", "x")]
    [InlineData("--seed: must be 0 or more; got -1", "demo", "--seed", "-1")]
    [InlineData("--seed: missing value", "demo", "--seed")]
    [InlineData("--steps: must be at least 1; got 0", "demo", "--steps", "0")]
    [InlineData("--steps: '1.5' is not a valid integer", "demo", "--steps", "1.5")]
    [InlineData("--points: must be at least 2; got 1", "demo", "--points", "1")]
    [InlineData("--lr: must be a finite number greater than 0; got -0.1", "demo", "--lr", "-0.1")]
    [InlineData("--lr: must be a finite number greater than 0; got Infinity", "demo", "--lr", "Infinity")]
    [InlineData("--lr: 'fast' is not a valid number", "demo", "--lr", "fast")]
    [InlineData("unknown option '--bogus'", "demo", "--bogus")]
    [InlineData("unexpected argument 'extra'", "demo", "extra")]
    [InlineData("descent: unknown command 'dmeo'", "dmeo")]
    [InlineData("descent: missing command; one of: demo, lr-find, train, eval, predict, export, plot-schedule")]
    public void Bad_command_lines_exit_2_with_one_line_on_stderr_and_no_stack_trace(string expected, params string[] args)
    {
        var run = CliRunner.Run(args);
        Assert.Equal(CliErrors.UsageError, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("descent", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("   at ", run.Stderr);
        Assert.DoesNotContain("Exception", run.Stderr);
    }

    [Fact]
    public void A_bad_value_is_reported_with_its_command()
    {
        var line = Assert.Single(CliRunner.Run("demo", "--seed", "x").StderrLines);
        Assert.StartsWith("descent demo: --seed: 'x' is not a valid", line);
    }

    [Theory]
    [InlineData("demo", "--help")]
    [InlineData("--help")]
    [InlineData("demo", "-h")]
    public void Help_prints_usage_and_exits_0(params string[] args)
    {
        var run = CliRunner.Run(args);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        Assert.Contains("Usage:", run.Stdout);
        Assert.Contains(args[0] == "demo" ? "--seed" : "demo", run.Stdout);
    }

    [Fact]
    public void A_runtime_failure_exits_1_with_one_line()
    {
        var error = new StringWriter();
        int code = CliErrors.Guard("descent demo", verbose: false, error,
            () => throw new InvalidOperationException("Backward: something broke\nin two lines"));
        Assert.Equal(CliErrors.Failure, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("descent demo: Backward: something broke in two lines", line.TrimEnd('\r'));
    }

    [Fact]
    public void Verbose_adds_the_stack_trace_to_a_runtime_failure()
    {
        var error = new StringWriter();
        int code = CliErrors.Guard("descent demo", verbose: true, error, () => throw new InvalidOperationException("boom"));
        Assert.Equal(CliErrors.Failure, code);
        Assert.StartsWith("descent demo: boom", error.ToString());
        Assert.Contains("   at ", error.ToString());
    }

    [Fact]
    public void Guard_passes_a_successful_exit_code_through()
    {
        var error = new StringWriter();
        Assert.Equal(0, CliErrors.Guard("descent demo", verbose: false, error, () => 0));
        Assert.Equal("", error.ToString());
    }
}

using Descent.Cli.Commands;

namespace Descent.Tests.Cli;

/// <summary>
/// Running out of memory is one clear line and exit 1, not the runtime's abort (issue 17, item 2). The CLI runs as a
/// child process under a 128 MiB heap limit (<c>DOTNET_GCHeapHardLimit</c>, as a container sets it).
/// </summary>
public class OutOfMemoryTests
{
    private static readonly Dictionary<string, string> Limit = new() { ["DOTNET_GCHeapHardLimit"] = "0x8000000" };

    [Fact]
    public void An_allocation_known_to_be_too_big_is_refused_before_it_is_made()
    {
        var run = CliProcess.Run(Limit, "train", "--data", "moons", "--model", "mlp:30000,30000", "--epochs", "1");
        Assert.Equal(CliErrors.Failure, run.ExitCode);
        Assert.Equal("descent train: out of memory: a tensor of shape [30000, 30000] needs 3.4 GiB, more than the 128 MiB this process may use",
            Assert.Single(run.StderrLines));
    }

    [Fact]
    public void Allocations_that_together_exceed_the_limit_end_in_one_line()
    {
        // Each weight matrix (61 MiB) passes the check; together they exceed the limit, where the runtime throws.
        var run = CliProcess.Run(Limit, "train", "--data", "moons", "--model", "mlp:4000,4000,4000,4000", "--epochs", "1", "--threads", "1");
        Assert.Equal(CliErrors.Failure, run.ExitCode);
        Assert.Equal("descent train: out of memory: an allocation failed with 128 MiB available to this process; try a smaller --batch-size, model or data set",
            Assert.Single(run.StderrLines));
    }

    [Fact]
    public void The_guard_names_what_needed_how_much()
    {
        var e = Assert.Throws<InsufficientMemoryException>(() => MemoryGuard.Require(3L << 30, "a batch of 60000 examples of shape [1, 28, 28]", availableBytes: 1L << 30));
        Assert.Equal("a batch of 60000 examples of shape [1, 28, 28] needs 3 GiB, more than the 1 GiB this process may use", e.Message);
        MemoryGuard.Require(1L << 30, "fits", availableBytes: 1L << 30);
        Assert.Equal("300 bytes", MemoryGuard.Format(300));
        Assert.Equal("1.5 KiB", MemoryGuard.Format(1536));
    }
}

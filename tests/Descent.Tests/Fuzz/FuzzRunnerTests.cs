using Descent.Data;
using Xunit.Sdk;

namespace Descent.Tests.Fuzz;

/// <summary>The harness itself must fail on each kind of fault it claims to catch.</summary>
public class FuzzRunnerTests
{
    private static FuzzCase Tiny(Random r) => new([(byte)r.Next(256)], "one byte");

    private static string Fails(Action<FuzzCase> reader, TimeSpan? budget = null) =>
        Assert.Throws<FailException>(() => FuzzRunner.Run("Test", "t.bin", 1, 3, budget ?? FuzzRunner.CaseBudget, Tiny, reader,
            typeof(DataFormatException), typeof(InvalidDataException))).Message;

    [Fact]
    public void ForeignExceptionFails() =>
        Assert.Contains("IndexOutOfRangeException", Fails(_ => throw new IndexOutOfRangeException()));

    [Fact]
    public void MultiLineOrAnonymousMessageFails()
    {
        Assert.Contains("multi-line message", Fails(_ => throw new InvalidDataException("t.bin: a\nb")));
        Assert.Contains("does not start with 't.bin'", Fails(_ => throw new DataFormatException("other.bin", null, null, "a")));
    }

    [Fact]
    public void AllocationBeyondTheBoundFails() =>
        Assert.Contains("allocated", Fails(_ => GC.KeepAlive(new byte[FuzzRunner.FixedOverhead + 1024])));

    [Fact]
    public void SlowCaseFails() =>
        Assert.Contains("budget", Fails(_ => Thread.Sleep(350), TimeSpan.FromMilliseconds(250)));

    [Fact]
    public void HangFails() =>
        Assert.Contains("a hang", Fails(_ => Thread.Sleep(Timeout.Infinite), TimeSpan.FromMilliseconds(100)));

    [Fact]
    public void OwnExceptionsAndSuccessPass()
    {
        var (ok, rejected) = FuzzRunner.Run("Test", "t.bin", 1, 10, FuzzRunner.CaseBudget, Tiny,
            c => { if (c.Input[0] % 2 == 0) throw new DataFormatException("t.bin", "part", 0, "odd"); }, typeof(DataFormatException));
        Assert.Equal(10, ok + rejected);
    }
}

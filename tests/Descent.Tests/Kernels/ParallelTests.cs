using Descent.Kernels;

namespace Descent.Tests.Kernels;

[Collection(nameof(ThreadCountCollection))]
public unsafe class ParallelTests
{
    [Theory]
    [InlineData(10, 1, 1)]
    [InlineData(10, 3, 1)]
    [InlineData(1000, 7, 32)]
    [InlineData(33, 5, 16)]
    [InlineData(5, 8, 4)]
    public void RangesTileTheWorkOnAlignedBoundaries(int total, int parts, int align)
    {
        int expectedStart = 0;
        for (int p = 0; p < parts; p++)
        {
            var (start, end) = ParallelPartition.Range(total, parts, p, align);
            Assert.Equal(expectedStart, start);
            Assert.True(end >= start);
            Assert.True(start % align == 0 || start == total);
            expectedStart = end;
        }
        Assert.Equal(total, expectedStart);
    }

    [Fact]
    public void PartsStayOneBelowTheWorkThreshold()
    {
        int saved = Threads.Count;
        try
        {
            Threads.Count = 4;
            Assert.Equal(1, ParallelPartition.Parts(999, 1000, 100));
            Assert.Equal(3, ParallelPartition.Parts(3500, 1000, 100));
            Assert.Equal(4, ParallelPartition.Parts(1_000_000, 1000, 100));
            Assert.Equal(2, ParallelPartition.Parts(1_000_000, 1000, 2));
            Assert.Equal(16, ParallelPartition.Parts(1_000_000, 1000, 100, perThread: 4));
            Assert.Equal(7, ParallelPartition.Parts(7_500, 1000, 100, perThread: 4));
            Threads.Count = 1;
            Assert.Equal(1, ParallelPartition.Parts(1_000_000, 1000, 100, perThread: 4));
        }
        finally
        {
            Threads.Count = saved;
        }
    }

    private struct Counts
    {
        public int* Hits;
        public int Throw;
    }

    private static void Count(int part, void* state)
    {
        var s = (Counts*)state;
        Interlocked.Increment(ref s->Hits[part]);
        if (part == s->Throw) throw new InvalidOperationException($"part {part}");
    }

    private static void Nested(int part, void* state)
    {
        var s = (Counts*)state;
        var inner = new Counts { Hits = s->Hits + 100 * (part + 1), Throw = -1 };
        ParallelPool.Run(5, &Count, &inner);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(2, 9)]
    [InlineData(3, 17)]
    public void RunsEveryPartExactlyOnce(int threads, int parts)
    {
        int saved = Threads.Count;
        var hits = new int[parts];
        try
        {
            Threads.Count = threads;
            for (int round = 0; round < 50; round++)
                fixed (int* h = hits)
                {
                    var state = new Counts { Hits = h, Throw = -1 };
                    ParallelPool.Run(parts, &Count, &state);
                }
        }
        finally
        {
            Threads.Count = saved;
        }
        Assert.All(hits, x => Assert.Equal(50, x));
    }

    [Fact]
    public void DispatchesAfterSpinningAndAfterSleepingBothRunEveryPart()
    {
        // Back-to-back dispatches find the worker spinning; pauses longer than its spin find it asleep
        // (and the caller's wait for the last part takes both paths too). Every part must run once.
        int saved = Threads.Count;
        var hits = new int[8];
        int rounds = 0;
        try
        {
            Threads.Count = 3;
            for (int round = 0; round < 300; round++, rounds++)
            {
                if (round % 25 == 0) Thread.Sleep(2 * ParallelPool.SpinMicroseconds / 1000 + 1);
                else if (round % 5 == 0) Thread.SpinWait(round * 50);
                fixed (int* h = hits)
                {
                    var state = new Counts { Hits = h, Throw = -1 };
                    ParallelPool.Run(round % 2 == 0 ? 8 : 3, &Count, &state);
                }
            }
        }
        finally
        {
            Threads.Count = saved;
        }
        Assert.Equal(300, rounds);
        for (int p = 0; p < 3; p++) Assert.Equal(300, hits[p]);
        for (int p = 3; p < 8; p++) Assert.Equal(150, hits[p]);
    }

    private static void Nothing(int part, void* state) { }

    [Fact]
    public void DispatchesThatFollowEachOtherKeepTheWorkerAwake()
    {
        // The caller takes every part of a short dispatch before a sleeping worker wakes, and withdraws its
        // offer. A worker woken for a withdrawn offer used to go back to sleep, so with dispatches a little
        // apart (as a training step's products are, with other work between them) every one woke it again,
        // too late; now it spins while dispatches keep coming, and sleeps only when none has come for a while.
        int saved = Threads.Count;
        long slept;
        const int dispatches = 500;
        long gap = System.Diagnostics.Stopwatch.Frequency * ParallelPool.SpinMicroseconds / 2 / 1_000_000;
        try
        {
            Threads.Count = 2;
            ParallelPool.Run(2, &Nothing, null);
            Thread.Sleep(2 * ParallelPool.SpinMicroseconds / 1000 + 5);   // the worker is asleep now
            long before = ParallelPool.Sleeps;
            for (int i = 0; i < dispatches; i++)
            {
                ParallelPool.Run(2, &Nothing, null);
                long until = System.Diagnostics.Stopwatch.GetTimestamp() + gap;
                while (System.Diagnostics.Stopwatch.GetTimestamp() < until) Thread.SpinWait(10);
            }
            slept = ParallelPool.Sleeps - before;
        }
        finally
        {
            Threads.Count = saved;
        }
        Assert.True(slept < dispatches / 10, $"the worker slept {slept} times in {dispatches} dispatches {ParallelPool.SpinMicroseconds / 2} µs apart");
    }

    [Fact]
    public void AnIdlePoolBurnsNoCpu()
    {
        // Spinning is for products that follow each other: once none has come for the spin's length, the
        // worker must sleep, whatever the dispatches before left it doing.
        int saved = Threads.Count;
        TimeSpan used;
        try
        {
            Threads.Count = 2;
            for (int i = 0; i < 2000; i++) ParallelPool.Run(2, &Nothing, null);
            Thread.Sleep(20);
            var process = System.Diagnostics.Process.GetCurrentProcess();
            var before = process.TotalProcessorTime;
            Thread.Sleep(300);
            process.Refresh();
            used = process.TotalProcessorTime - before;
        }
        finally
        {
            Threads.Count = saved;
        }
        Assert.True(used < TimeSpan.FromMilliseconds(60), $"the process used {used.TotalMilliseconds:F0} ms of processor time in 300 ms idle");
    }

    [Fact]
    public void AFailingPartThrowsToTheCallerAndThePoolStaysUsable()
    {
        int saved = Threads.Count;
        var hits = new int[6];
        try
        {
            Threads.Count = 2;
            fixed (int* h = hits)
            {
                var state = new Counts { Hits = h, Throw = 4 };
                string? message = null;
                try { ParallelPool.Run(6, &Count, &state); }
                catch (InvalidOperationException e) { message = e.Message; }
                Assert.Equal("part 4", message);
                state.Throw = -1;
                ParallelPool.Run(6, &Count, &state);
            }
        }
        finally
        {
            Threads.Count = saved;
        }
        Assert.All(hits, x => Assert.Equal(2, x));
    }

    [Fact]
    public void NestedDispatchRunsInline()
    {
        int saved = Threads.Count;
        var hits = new int[400];
        try
        {
            Threads.Count = 2;
            fixed (int* h = hits)
            {
                var state = new Counts { Hits = h, Throw = -1 };
                ParallelPool.Run(3, &Nested, &state);
            }
        }
        finally
        {
            Threads.Count = saved;
        }
        for (int outer = 0; outer < 3; outer++)
            for (int inner = 0; inner < 5; inner++) Assert.Equal(1, hits[100 * (outer + 1) + inner]);
        Assert.Equal(15, hits.Sum());
    }
}

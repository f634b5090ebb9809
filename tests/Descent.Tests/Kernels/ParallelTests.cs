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
    public void AnIdlePoolBurnsNoCpu()
    {
        // Spinning is for products that follow each other: once none has come for the spin's length, the
        // workers must sleep (ParallelPool.Sleeps counts it). Their own CPU time, from /proc (Linux), not the
        // process's: the runtime's JIT and GC threads work in the idle time too.
        if (!OperatingSystem.IsLinux()) return;
        int saved = Threads.Count;
        long used;
        try
        {
            Threads.Count = 2;
            for (int i = 0; i < 2000; i++) ParallelPool.Run(2, &Nothing, null);
            Thread.Sleep(20);
            long before = WorkerTicks();
            Thread.Sleep(300);
            used = WorkerTicks() - before;
        }
        finally
        {
            Threads.Count = saved;
        }
        Assert.True(used * 10 < 30, $"the pool's workers used {used * 10} ms of processor time in 300 ms idle");
    }

    /// <summary>User and system clock ticks (10 ms) of the pool's worker threads, named "Descent worker N".</summary>
    private static long WorkerTicks()
    {
        long ticks = 0;
        int workers = 0;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            string comm;
            try { comm = File.ReadAllText(Path.Combine(task, "comm")); }
            catch (IOException) { continue; }
            if (!comm.StartsWith("Descent worker", StringComparison.Ordinal)) continue;
            var stat = File.ReadAllText(Path.Combine(task, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            ticks += long.Parse(fields[11]) + long.Parse(fields[12]);
            workers++;
        }
        Assert.True(workers > 0, "the pool has started its workers");
        return ticks;
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

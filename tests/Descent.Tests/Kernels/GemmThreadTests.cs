using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>Tests that change <see cref="Threads.Count"/>, kept apart from every other test.</summary>
[CollectionDefinition(nameof(ThreadCountCollection), DisableParallelization = true)]
public class ThreadCountCollection
{
    /// <summary>Runs <paramref name="body"/> with <see cref="Threads.Count"/> set to <paramref name="threads"/>, then restores it.</summary>
    public static T With<T>(int threads, Func<T> body)
    {
        int saved = Threads.Count;
        try
        {
            Threads.Count = threads;
            return body();
        }
        finally
        {
            Threads.Count = saved;
        }
    }
}

[Collection(nameof(ThreadCountCollection))]
public class GemmThreadTests
{
    [Theory]
    [InlineData(false, false, 512, 512, 512)]
    [InlineData(true, false, 300, 700, 257)]
    [InlineData(false, true, 700, 300, 257)]
    [InlineData(true, true, 129, 1025, 100)]
    [InlineData(false, false, 4, 3000, 1000)]
    [InlineData(false, true, 21, 301, 250)]   // 4 x 4 dot-product blocks with leftover rows, columns and k
    [InlineData(false, true, 45, 301, 250)]   // A·Bᵀ as its transpose, with edge tiles
    [InlineData(false, false, 30, 700, 200)]  // B read in place
    [InlineData(false, true, 1030, 130, 300)] // split by rows though A is read in place, with edge rows and columns
    [InlineData(false, false, 70, 40, 300)]   // split by rows into parts few enough to read B in place, unlike one part
    [InlineData(false, true, 1024, 256, 784)] // split by rows at row 512, inside a 12-row tile (an 8-row panel ends the first part)
    [InlineData(false, true, 128, 128, 256)]  // a tie between the splits, by columns
    [InlineData(false, false, 96, 1000, 300)] // split by columns into 48-wide panels (8 x 48 tile) and 32-wide ones
    public void OneAndTwoThreadsGiveIdenticalBitsOnBothTiles(bool transA, bool transB, int m, int n, int k)
    {
        var a = GemmReference.Random(m * k, 31);
        var b = GemmReference.Random(k * n, 32);
        float[]? first = null;
        foreach (var tile in GemmTests.Tiles)
        {
            var one = new float[m * n];
            var two = new float[m * n];
            int saved = Threads.Count;
            try
            {
                using var scope = Gemm.UseTile(tile);
                Threads.Count = 1;
                Gemm.Run(transA, transB, m, n, k, a, b, one);
                Threads.Count = 2;
                Assert.True(ParallelPartition.Parts((long)m * n * k, Gemm.MacsPerThread, int.MaxValue) >= 2, "the product is big enough for two threads");
                Gemm.Run(transA, transB, m, n, k, a, b, two);
            }
            finally
            {
                Threads.Count = saved;
            }
            Assert.True(one.AsSpan().SequenceEqual(two), $"{tile}: one and two threads differ");
            first ??= one;
            Assert.True(first.AsSpan().SequenceEqual(one), $"{tile} differs from {GemmTests.Tiles[0]}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SteadyStateAllocatesNothing(int threads)
    {
        (bool TransA, bool TransB, int M, int N, int K)[] cases =
            [(false, false, 8, 9, 10), (true, true, 3, 50, 70), (false, true, 2, 600, 900), (true, false, 300, 200, 100)];
        var a = GemmReference.Random(300 * 900, 41);
        var b = GemmReference.Random(900 * 600, 42);
        var c = new float[300 * 600];
        int saved = Threads.Count;
        try
        {
            Threads.Count = threads;
            foreach (var x in cases) Gemm.Run(x.TransA, x.TransB, x.M, x.N, x.K, a, b, c);
            // Threads.Count is process-wide and other test classes change it while this runs (a first
            // dispatch on a new count may set up workers), so take the best of a few attempts: a kernel that
            // allocated on every call would fail all of them.
            long least = long.MaxValue;
            for (int attempt = 0; attempt < 5 && least != 0; attempt++)
            {
                Threads.Count = threads;
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int round = 0; round < 3; round++)
                    foreach (var x in cases) Gemm.Run(x.TransA, x.TransB, x.M, x.N, x.K, a, b, c);
                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            Assert.Equal(0, least);
        }
        finally
        {
            Threads.Count = saved;
        }
    }

    [Fact]
    public void PoolTraceRecordsOnlyWhenAsked()
    {
        Assert.Equal(Environment.GetEnvironmentVariable("DESCENT_POOL_TRACE") == "1", PoolTrace.On);
        if (PoolTrace.On) return;
        var a = GemmReference.Random(256 * 256, 51);
        var c = new float[256 * 256];
        ThreadCountCollection.With(2, () => { Gemm.Run(false, false, 256, 256, 256, a, a, c); return 0; });
        // Off, the pool never reaches the trace, and the trace has no room to keep anything in.
        PoolTrace.Mark(PoolTrace.Kind.Dispatch, 2);
        Assert.Empty(PoolTrace.Read());
    }

    [Fact]
    public void ThreadCountRejectsZero()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Threads.Count = 0);
        Assert.Contains("Count", ex.Message);
    }
}

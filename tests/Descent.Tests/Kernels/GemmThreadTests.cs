using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>Tests that change <see cref="Threads.Count"/>, kept apart from every other test.</summary>
[CollectionDefinition(nameof(ThreadCountCollection), DisableParallelization = true)]
public class ThreadCountCollection;

[Collection(nameof(ThreadCountCollection))]
public class GemmThreadTests
{
    [Theory]
    [InlineData(false, false, 512, 512, 512)]
    [InlineData(true, false, 300, 700, 257)]
    [InlineData(false, true, 700, 300, 257)]
    [InlineData(true, true, 129, 1025, 100)]
    [InlineData(false, false, 4, 3000, 1000)]
    public void OneAndTwoThreadsGiveIdenticalBits(bool transA, bool transB, int m, int n, int k)
    {
        var a = GemmReference.Random(m * k, 31);
        var b = GemmReference.Random(k * n, 32);
        var one = new float[m * n];
        var two = new float[m * n];
        int saved = Threads.Count;
        try
        {
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
        Assert.True(one.AsSpan().SequenceEqual(two));
    }

    [Fact]
    public void ThreadCountRejectsZero()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Threads.Count = 0);
        Assert.Contains("Count", ex.Message);
    }
}

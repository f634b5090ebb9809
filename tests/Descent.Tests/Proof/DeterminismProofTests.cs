using Descent.Kernels;
using Descent.Tests.Kernels;
using Descent.Tests.Training;
using Xunit.Abstractions;

namespace Descent.Tests.Proof;

/// <summary>
/// The README's "Determinism" statement, tested as written: the same seed and thread count give
/// bit-identical weights, and 1 and 2 threads give bit-identical weights too (only the matrix product
/// runs on several threads, and its split never changes a sum's order).
/// </summary>
[Collection(nameof(ThreadCountCollection))]
public class DeterminismProofTests(ITestOutputHelper output)
{
    private static float[] TrainWith(int threads, bool cnn, ulong seed)
    {
        int saved = Threads.Count;
        try
        {
            Threads.Count = threads;
            return ProofKit.Weights(ProofKit.Train(cnn, seed, epochs: 2).Model);
        }
        finally
        {
            Threads.Count = saved;
        }
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    public void SameSeedAndThreads_GiveBitIdenticalWeights(bool cnn, int threads)
    {
        var a = TrainWith(threads, cnn, 21);
        var b = TrainWith(threads, cnn, 21);
        TrainingKit.AssertBitIdentical(a, b);
        // Guards against comparing weights that training never moved, or that no seed reaches.
        var other = TrainWith(threads, cnn, 22);
        Assert.True(ProofKit.MaxUlps(a, other) > 0, "another seed gave the same weights");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OneAndTwoThreads_GiveBitIdenticalWeights(bool cnn)
    {
        var one = TrainWith(1, cnn, 23);
        var two = TrainWith(2, cnn, 23);
        output.WriteLine($"{(cnn ? "CNN" : "MLP")}: {one.Length} weights, 1 vs 2 threads differ by at most {ProofKit.MaxUlps(one, two)} ulp");
        TrainingKit.AssertBitIdentical(one, two);
    }

    [Fact]
    public void TheMlpsProductsAreSplitOverTwoThreads()
    {
        // Without a split the 1-vs-2 test above would compare two single-threaded runs.
        int saved = Threads.Count;
        try
        {
            Threads.Count = 2;
            long forward = 64L * 784 * 256, weightGrad = 256L * 784 * 64;
            Assert.True(ParallelPartition.Parts(forward, Gemm.MacsPerThread, 256 / 16) > 1, "forward product not split");
            Assert.True(ParallelPartition.Parts(weightGrad, Gemm.MacsPerThread, 784 / 16, perThread: 4) > 1, "weight-gradient product not split");
        }
        finally
        {
            Threads.Count = saved;
        }
    }
}

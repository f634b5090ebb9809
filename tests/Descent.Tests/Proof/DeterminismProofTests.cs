using Descent.Kernels;
using Descent.Tests.Kernels;
using Descent.Tests.Training;
using Xunit.Abstractions;

namespace Descent.Tests.Proof;

/// <summary>
/// The README's "Determinism" statement, tested as written: the same seed and thread count give
/// bit-identical weights; 1 and 2 threads give bit-identical weights for the MLP (matrix products split
/// their output, never a sum) and weights within <see cref="ConvThreadBound"/> for the CNN.
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

    [Fact]
    public void OneAndTwoThreads_GiveBitIdenticalMlpWeights()
    {
        var one = TrainWith(1, cnn: false, 23);
        var two = TrainWith(2, cnn: false, 23);
        output.WriteLine($"MLP: {one.Length} weights, 1 vs 2 threads differ by at most {ProofKit.MaxUlps(one, two)} ulp");
        TrainingKit.AssertBitIdentical(one, two);
    }

    /// <summary>The README's bound for networks with Conv2d, after 10 Adam steps (2 epochs of 320 digits in batches of 64).</summary>
    public const double ConvThreadBound = 1e-5;

    [Theory]
    [InlineData(23ul)]
    [InlineData(24ul)]
    [InlineData(25ul)]
    public void OneAndTwoThreads_GiveCnnWeightsWithinTheBound(ulong seed)
    {
        // Conv2d's weight gradient sums a split batch in one partial per thread, then adds the partials: the
        // rounding differs from one thread's running sum, and training carries the difference on.
        int saved = Threads.Count;
        OrderedDictionary<string, Tensor> one, two;
        try
        {
            Threads.Count = 1;
            one = ProofKit.Train(cnn: true, seed, epochs: 2).Model.StateDict();
            Threads.Count = 2;
            two = ProofKit.Train(cnn: true, seed, epochs: 2).Model.StateDict();
        }
        finally
        {
            Threads.Count = saved;
        }
        double worst = 0;
        string worstName = "";
        foreach (var (name, tensor) in one)
        {
            double gap = ProofKit.MaxRelativeGap(tensor.ToArray(), two[name].ToArray());
            if (gap > worst) (worst, worstName) = (gap, name);
        }
        output.WriteLine($"CNN seed {seed}: 1 vs 2 threads differ by at most {worst:G3} of the tensor's mean magnitude ({worstName})");
        Assert.True(worst <= ConvThreadBound, $"CNN seed {seed}: '{worstName}' differs by {worst:G3} of its mean magnitude between 1 and 2 threads (bound {ConvThreadBound})");
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

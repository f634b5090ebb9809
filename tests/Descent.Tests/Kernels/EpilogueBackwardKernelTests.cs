using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// The fused backward gives the activation kernel's gradient and the engine's un-broadcast bias gradient
/// (<c>Engine.SumTo</c>) bit for bit, for any number of leading dimensions, a single column, and 1 or 2 threads.
/// </summary>
[Collection(nameof(ThreadCountCollection))]
public class EpilogueBackwardKernelTests
{
    public static TheoryData<int[], int> Shapes => new()
    {
        { [7], 40 },
        { [3, 5], 17 },
        { [2, 3, 4], 33 },
        { [1], 5 },
        { [], 9 },          // a 1-D input: one row, passed on unsummed
        { [6], 1 },         // one column: summed as a contiguous run
        { [2, 3, 5], 1 },
        { [4, 1, 3], 20 },  // a dimension of 1 between others
        { [64, 40], 600 },  // big enough for two threads
        { [300], 264 },     // one leading dimension on two threads, the second's columns not whole vectors
        // One leading dimension: on AVX2, 32, 8 and single columns at a time with the sums in registers.
        { [1], 48 },
        { [5], 24 },
        { [130], 72 },
        { [130], 10 },
        { [9], 3 },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void MatchesTheActivationBackwardAndTheEnginesBiasSum(int[] leading, int n)
    {
        int rows = leading.Aggregate(1, (p, d) => p * d);
        var z = GemmReference.Random(rows * n, 51);
        var g = GemmReference.Random(rows * n, 52);
        int[] shape = [.. leading, n];
        foreach (var activation in Enum.GetValues<GemmActivation>())
        {
            var (dzExpected, biasExpected, saved) = Unfused(z, g, shape, activation);
            foreach (int threads in new[] { 1, 2 })
            {
                var dz = new float[rows * n];
                var bias = new float[n];
                bias.AsSpan().Fill(float.NaN);
                ThreadCountCollection.With(threads, () =>
                {
                    EpilogueBackwardKernel.Run(g, saved, activation, leading, n, dz, bias);
                    return 0;
                });
                Assert.True(dzExpected.AsSpan().SequenceEqual(dz), $"{activation}, {threads} threads: dZ");
                Assert.True(biasExpected.AsSpan().SequenceEqual(bias), $"{activation}, {threads} threads: bias gradient");
            }
        }
    }

    [Fact]
    public void NoRowsGiveAZeroBiasGradient()
    {
        var bias = new float[] { float.NaN, float.NaN };
        EpilogueBackwardKernel.Run([], [], GemmActivation.Relu, [3, 0], 2, [], bias);
        Assert.Equal(new float[2], bias);
    }

    [Fact]
    public void ShortSpansAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            EpilogueBackwardKernel.Run(new float[5], new float[6], GemmActivation.Relu, [2], 3, new float[6], default));
        Assert.Contains("spans too short for 2 x 3", e.Message);
    }

    private static (float[] Dz, float[] Bias, float[] Saved) Unfused(float[] z, float[] g, int[] shape, GemmActivation activation)
    {
        var dz = new float[z.Length];
        var saved = z;
        switch (activation)
        {
            case GemmActivation.Relu:
                saved = new float[z.Length];
                ActivationKernel.ReluForward(z, saved);
                ActivationKernel.ReluBackward(g, saved, dz);
                break;
            case GemmActivation.GeluExact: ActivationKernel.GeluBackward(g, z, false, dz); break;
            case GemmActivation.GeluTanh: ActivationKernel.GeluBackward(g, z, true, dz); break;
            default: g.CopyTo(dz, 0); break;
        }
        var bias = Engine.SumTo(shape, dz, [shape[^1]]).ToArray();
        return (dz, bias, saved);
    }
}

using Descent.Nn;
using Descent.Tests.Kernels;

namespace Descent.Tests.Nn;

/// <summary>The thread-count check the normalisation layers share: the same bits forward and backward on 1 and on 2 threads.</summary>
internal static class NormThreadCheck
{
    /// <summary>
    /// Runs a layer from <paramref name="make"/> (normalising 515 values) on [257, 515] with a random output gradient,
    /// and asserts that output, input gradient and every parameter gradient are bit-identical on 1 and 2 threads.
    /// </summary>
    public static void AssertSameBits(Func<Module> make)
    {
        float[][] Step(int threads) => ThreadCountCollection.With<float[][]>(threads, () =>
        {
            // 257 rows of 515 are enough work for two parts, so the threaded split is really taken.
            if (threads == 2) Assert.Equal(2, Descent.Kernels.ParallelPartition.Parts(257L * 515, Descent.Kernels.NormPasses.MinElementsPerPart, 257));
            var g = new Generator(8);
            var norm = make();
            var x = Tensor.Randn([257, 515], g).RequireGrad();
            var y = norm.Forward(x);
            y.Backward(Tensor.Randn(y.Shape, g));
            return [y.ToArray(), x.Grad!.ToArray(), .. norm.Parameters().Select(p => p.Grad!.ToArray())];
        });
        var one = Step(1);
        var two = Step(2);
        Assert.Equal(one.Length, two.Length);
        for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);
    }
}

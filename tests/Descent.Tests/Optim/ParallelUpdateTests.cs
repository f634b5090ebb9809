using Descent.Kernels;
using Descent.Optim;
using Descent.Tests.Kernels;
using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

[Collection(nameof(ThreadCountCollection))]
public class ParallelUpdateTests
{
    [Theory]
    [MemberData(nameof(AllNames), MemberType = typeof(OptimTestKit))]
    public void ABigParameterUpdatesIdenticallyOnOneAndTwoThreads(string name)
    {
        // Long enough to be split across threads, and not a multiple of the vector width, so the
        // ragged tail lands in the last range.
        int length = 3 * OptimizerUpdateKernel.ElementsPerThread + 13;
        var gen = new Generator(11);
        var init = Tensor.Randn([length], gen).ToArray();
        var grads = Enumerable.Range(0, 3).Select(_ => Tensor.Randn([length], gen).ToArray()).ToArray();
        int saved = Threads.Count;
        try
        {
            Threads.Count = 1;
            var one = Run(name, init, grads);
            Threads.Count = 2;
            Assert.True(ParallelPartition.Parts(length, OptimizerUpdateKernel.ElementsPerThread, int.MaxValue) >= 2, "the update is long enough for two threads");
            var two = Run(name, init, grads);
            Assert.True(one.AsSpan().SequenceEqual(two), $"{name}: parameters differ between one and two threads");
        }
        finally
        {
            Threads.Count = saved;
        }
    }

    [Fact]
    public void EachElementOfASplitUpdateMatchesItsOwnOneElementRun()
    {
        int length = 2 * OptimizerUpdateKernel.ElementsPerThread + 5;
        var gen = new Generator(12);
        var init = Tensor.Randn([length], gen).ToArray();
        var grads = Enumerable.Range(0, 2).Select(_ => Tensor.Randn([length], gen).ToArray()).ToArray();
        int saved = Threads.Count;
        try
        {
            Threads.Count = 2;
            var big = Run("Adam amsgrad", init, grads);
            foreach (int i in new[] { 0, OptimizerUpdateKernel.ElementsPerThread - 1, OptimizerUpdateKernel.ElementsPerThread + 16, length - 1 })
            {
                var one = Param(init[i]);
                var opt = Make("Adam amsgrad", [one]);
                foreach (var g in grads) StepWith(opt, one, g[i]);
                Assert.Equal(one.Data[0], big[i]);
            }
        }
        finally
        {
            Threads.Count = saved;
        }
    }

    [Theory]
    [MemberData(nameof(AllNames), MemberType = typeof(OptimTestKit))]
    public void AGroupUpdatedInOnePassMatchesEachParameterAlone(string name)
    {
        // One job covers the whole group, its ranges cutting across parameters; each parameter alone is
        // its own job. Sizes straddle vector widths and range boundaries, and one parameter has no gradient.
        int[] sizes = [3, 1000, 70001, 17, 0, 40000, 5, 123];
        var gen = new Generator(13);
        var inits = sizes.Select(n => Tensor.Randn([n], gen).ToArray()).ToArray();
        var grads = Enumerable.Range(0, 3).Select(_ => sizes.Select(n => Tensor.Randn([n], gen).ToArray()).ToArray()).ToArray();
        const int without = 3;
        float[][] Train(bool together)
        {
            var ps = inits.Select(v => Param((float[])v.Clone())).ToArray();
            var opts = together ? [Make(name, ps)] : ps.Select(p => Make(name, [p])).ToArray();
            foreach (var step in grads)
            {
                for (int i = 0; i < ps.Length; i++) ps[i].Grad = i == without ? null : Tensor.FromArray(step[i], ps[i].Shape);
                foreach (var opt in opts) opt.Step();
            }
            return ps.Select(p => p.ToArray()).ToArray();
        }
        var alone = ThreadCountCollection.With(1, () => Train(together: false));
        foreach (int threads in new[] { 1, 2 })
        {
            var together = ThreadCountCollection.With(threads, () => Train(together: true));
            for (int i = 0; i < sizes.Length; i++)
                Assert.True(alone[i].AsSpan().SequenceEqual(together[i]), $"{name}: parameter {i} of {sizes[i]} differs on {threads} thread(s)");
        }
        Assert.Equal(inits[without], alone[without]);
    }

    private static float[] Run(string name, float[] init, float[][] grads)
    {
        var p = Param((float[])init.Clone());
        var opt = Make(name, [p]);
        foreach (var g in grads)
        {
            p.Grad = Tensor.FromArray(g, p.Shape);
            opt.Step();
        }
        return p.ToArray();
    }
}

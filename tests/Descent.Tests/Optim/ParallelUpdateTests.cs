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

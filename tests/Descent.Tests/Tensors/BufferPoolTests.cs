using Descent.Kernels;

namespace Descent.Tests.Tensors;

public class BufferPoolTests
{
    [Fact]
    public void ScratchIsReusedByExactLength()
    {
        var a = BufferPool.RentScratch(1234);
        Assert.Equal(1234, a.Length);
        BufferPool.Return(a);
        Assert.Same(a, BufferPool.RentScratch(1234));
        Assert.NotSame(a, BufferPool.RentScratch(1234));
        BufferPool.Return(a);
        Assert.Equal(1235, BufferPool.RentScratch(1235).Length);
    }

    [Fact]
    public void TensorBuffersComeFromThePoolOnlyInsideAnArenaAndAreZeroed()
    {
        int n = BufferPool.MinPooledLength * 3;
        var dirty = BufferPool.RentScratch(n);
        Array.Fill(dirty, 7f);
        BufferPool.Return(dirty);
        var outside = BufferPool.ForTensor(n);
        Assert.NotSame(dirty, outside);
        BufferPool.EnterArena();
        float[] inside;
        try
        {
            Assert.True(BufferPool.InArena);
            inside = BufferPool.ForTensor(n);
            Assert.Same(dirty, inside);
            Assert.All(inside, v => Assert.Equal(0f, v));
            // Small buffers are cheaper fresh than pooled.
            Assert.Equal(3, BufferPool.ForTensor(3).Length);
        }
        finally
        {
            BufferPool.ExitArena();
        }
        Assert.False(BufferPool.InArena);
        // The arena gave its buffer back on exit.
        Assert.Same(inside, BufferPool.RentScratch(n));
    }

    [Fact]
    public void BigTensorsMadeInAStepOrABackwardStartOnACacheLineAndSmallOnesFillTheirBuffer() => FreshThread.Run(() =>
    {
        int big = BufferPool.MinAlignedLength + 5, small = BufferPool.MinAlignedLength - 1;
        using (new StepScope())
        {
            // A few in a row, so the pool's arrays lie at different alignments; each tensor's data starts on a line.
            var tensors = Enumerable.Range(0, 6).Select(_ => Tensor.Uninitialized([big])).ToList();
            Assert.All(tensors, t => AssertOnCacheLine(t));
            Assert.All(tensors, t => Assert.True(t.Offset + t.Numel <= t.Storage.Length));
            var fitted = Tensor.Uninitialized([small]);
            Assert.Equal(0, fitted.Offset);
            Assert.Equal(small, fitted.Storage.Length);
        }
        BufferPool.EnterArena();
        try
        {
            AssertOnCacheLine(Tensor.Uninitialized([big]));
        }
        finally
        {
            BufferPool.ExitArena();
        }
    });

    [Fact]
    public void AParametersGradientStartsOnACacheLine()
    {
        // A Linear's weight gradient is a product written straight into the parameter's buffer (Engine.WriteGradient).
        var w = Tensor.Randn([BufferPool.MinAlignedLength / 16, 17], new Generator(3)).RequireGrad();
        Descent.Nn.Functional.Linear(Tensor.Ones(3, 17), w).Sum().Backward();
        AssertOnCacheLine(w.Grad!);
        Assert.All(w.Grad!.Data.ToArray(), v => Assert.Equal(3f, v));
    }

    private static unsafe void AssertOnCacheLine(Tensor t)
    {
        fixed (float* p = t.Data) Assert.Equal(0, (long)p % 64);
    }

    [Fact]
    public void ThePoolKeepsNoMoreThanItsCap() => FreshThread.Run(() =>
    {
        int n = (int)(BufferPool.MaxPooledFloats / 2) + 1;
        var a = new float[n];
        var b = new float[n];
        BufferPool.Return(a);
        BufferPool.Return(b);   // over the cap, and no other length to drop: left to the GC
        Assert.True(BufferPool.PooledFloats <= BufferPool.MaxPooledFloats);
        Assert.Same(a, BufferPool.RentScratch(n));
        Assert.NotSame(b, BufferPool.RentScratch(n));
    });

    [Fact]
    public void AFullPoolDropsTheLeastRecentlyUsedLengthsFirst() => FreshThread.Run(() =>
    {
        int third = (int)(BufferPool.MaxPooledFloats / 3);
        var stale = new float[third];
        var used = new float[third - 1];
        BufferPool.Return(stale);
        BufferPool.Return(used);
        // Asked for again after the stale length: the more recent of the two.
        Assert.Same(used, BufferPool.RentScratch(third - 1));
        BufferPool.Return(used);
        long evicted = ScratchPool.EvictedBuffers;
        var incoming = new float[third + 4];
        BufferPool.Return(incoming);   // does not fit beside both: the stale length makes room
        Assert.Equal(evicted + 1, ScratchPool.EvictedBuffers);
        Assert.Same(incoming, BufferPool.RentScratch(third + 4));
        Assert.Same(used, BufferPool.RentScratch(third - 1));
        Assert.NotSame(stale, BufferPool.RentScratch(third));
    });

    [Fact]
    public void ASteadyRoundOfLengthsEvictsNothingOnceThePoolHoldsIt() => FreshThread.Run(() =>
    {
        // Four lengths that together fill most of the cap, taken and given back in turn as a step does.
        int quarter = (int)(BufferPool.MaxPooledFloats / 4) - 16;
        int[] lengths = [quarter, quarter + 1, quarter + 2, quarter + 3];
        for (int round = 0; round < 3; round++)
        {
            var taken = lengths.Select(BufferPool.RentScratch).ToArray();
            foreach (var buffer in taken) BufferPool.Return(buffer);
        }
        long fresh = ScratchPool.FreshBuffers, evicted = ScratchPool.EvictedBuffers;
        for (int round = 0; round < 5; round++)
        {
            var taken = lengths.Select(BufferPool.RentScratch).ToArray();
            foreach (var buffer in taken) BufferPool.Return(buffer);
        }
        Assert.Equal(fresh, ScratchPool.FreshBuffers);
        Assert.Equal(evicted, ScratchPool.EvictedBuffers);
    });
}

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
    public void ThePoolKeepsNoMoreThanItsCap()
    {
        // Sized from what this thread's pool still has room for, so other tests' leftovers do not matter.
        int n = (int)((BufferPool.MaxPooledFloats - BufferPool.PooledFloats) / 2) + 1;
        var a = new float[n];
        var b = new float[n];
        BufferPool.Return(a);
        BufferPool.Return(b);   // over the cap: left to the GC
        Assert.Same(a, BufferPool.RentScratch(n));
        Assert.NotSame(b, BufferPool.RentScratch(n));
    }
}

using Descent.Kernels;

namespace Descent.Tests.Kernels;

public class StridedTests
{
    [Fact]
    public void CoalesceMergesContiguousDimsAndDropsOnes()
    {
        var (shape, strides) = Strided.Coalesce([2, 1, 3, 4], Shape.Strides([2, 1, 3, 4]));
        Assert.Equal([24], shape);
        Assert.Equal([1], strides[0]);
        // A [3, 1] operand broadcast to [3, 4] cannot merge with the contiguous one.
        (shape, strides) = Strided.Coalesce([3, 4], Shape.BroadcastStrides([3, 1], [3, 4]), Shape.Strides([3, 4]));
        Assert.Equal([3, 4], shape);
        Assert.Equal([1, 0], strides[0]);
        Assert.Equal([4, 1], strides[1]);
        (shape, _) = Strided.Coalesce([1, 1], [0, 0]);
        Assert.Equal([1], shape);
    }
}

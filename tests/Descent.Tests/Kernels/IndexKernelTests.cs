using Descent.Kernels;

namespace Descent.Tests.Kernels;

public class IndexKernelTests
{
    [Fact]
    public void PositionsReplaceTheIndexedCoordinateAndWalkTheRest()
    {
        // A [2, 3] index into a [2, 5] tensor (strides [5, 1]) along dim 1: row i, column index[i, j].
        long[] index = [4, 0, 2, 1, 1, 3];
        var positions = new int[6];
        Assert.Equal(-1, IndexKernel.Positions(index, [2, 3], [5, 1], 1, 5, positions));
        Assert.Equal(new[] { 4, 0, 2, 6, 6, 8 }, positions);
        // No replacement: the same coordinates in a [3, 4] tensor.
        Assert.Equal(-1, IndexKernel.Positions(default, [2, 3], [4, 1], -1, 0, positions));
        Assert.Equal(new[] { 0, 1, 2, 4, 5, 6 }, positions);
    }

    [Fact]
    public void PositionsReportTheFirstIndexOutOfRange()
    {
        var positions = new int[4];
        Assert.Equal(2, IndexKernel.Positions([0, 1, 5, -1], [4], [1], 0, 5, positions));
        Assert.Equal(1, IndexKernel.Positions([0, -1, 5, 1], [4], [1], 0, 5, positions));
        Assert.Equal(0, IndexKernel.Positions([long.MinValue, 0, 0, 0], [4], [1], 0, 5, positions));
    }

    [Fact]
    public void MovesGatherScatterAndAccumulateInIndexOrder()
    {
        float[] src = [10, 20, 30];
        var d = new float[4];
        IndexKernel.Gather(src, [2, 2, 0, 1], d);
        Assert.Equal(new float[] { 30, 30, 10, 20 }, d);
        var acc = new float[3];
        IndexKernel.ScatterAdd(d, [0, 0, 2, 1], acc);
        Assert.Equal(new float[] { 60, 20, 10 }, acc);
        var last = new float[2];
        IndexKernel.Scatter(src, [0, 1, 2], [1, 1, 1], last, accumulate: false);
        Assert.Equal(new float[] { 0, 30 }, last);
        IndexKernel.Scatter(src, [0, 1, 2], [0, 0, 1], last, accumulate: true);
        Assert.Equal(new float[] { 30, 60 }, last);
        IndexKernel.Fill([1], -1f, last);
        Assert.Equal(new float[] { 30, -1 }, last);
    }
}

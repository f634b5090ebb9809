using Descent.Kernels;

namespace Descent.Tests.Kernels;

public class PadKernelTests
{
    [Theory]
    [InlineData(0, new[] { 0f, 1f, 2f, 3f, 0f, 0f }, new[] { 2f, 3f, 4f })]
    [InlineData(1, new[] { 2f, 1f, 2f, 3f, 2f, 1f }, new[] { 2f + 6f, 1f + 3f + 5f, 4f })]
    [InlineData(2, new[] { 1f, 1f, 2f, 3f, 3f, 3f }, new[] { 1f + 2f, 3f, 4f + 5f + 6f })]
    [InlineData(3, new[] { 3f, 1f, 2f, 3f, 1f, 2f }, new[] { 2f + 5f, 3f + 6f, 1f + 4f })]
    public void OneRowPadsAndSendsEachCopysGradientHome(int mode, float[] padded, float[] gradient)
    {
        // The fill as an int: the enum is internal to the kernels, and a public test cannot take it.
        var fill = (PadFill)mode;
        // [1, 2, 3] padded 1 before and 2 after; the upstream gradient 1..6 names each padded position.
        var y = new float[6];
        PadKernel.Forward([1f, 2f, 3f], 1, 1, 3, 0, 0, 1, 2, fill, y);
        Assert.Equal(padded, y);
        var dx = new float[] { 9f, 9f, 9f };
        PadKernel.Backward([1f, 2f, 3f, 4f, 5f, 6f], 1, 1, 3, 0, 0, 1, 2, fill, dx);
        Assert.Equal(gradient, dx);
    }

    [Fact]
    public void PlanesPadIndependentlyOnBothAxes()
    {
        // Two 2x2 planes, replicate by one on every side: each corner fills a 2x2 block of the 4x4 output.
        var y = new float[32];
        PadKernel.Forward([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], 2, 2, 2, 1, 1, 1, 1, PadFill.Replicate, y);
        Assert.Equal([1f, 1f, 2f, 2f, 1f, 1f, 2f, 2f, 3f, 3f, 4f, 4f, 3f, 3f, 4f, 4f], y[..16]);
        Assert.Equal([5f, 5f, 6f, 6f], y[16..20]);
    }
}

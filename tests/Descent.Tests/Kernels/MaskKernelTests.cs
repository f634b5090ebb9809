using Descent.Kernels;

namespace Descent.Tests.Kernels;

public class MaskKernelTests
{
    [Fact]
    public void SelectPicksBySideAndMayWriteOverY()
    {
        bool[] c = [true, false, true];
        float[] x = [1, 2, 3], y = [-1, -2, -3];
        var d = new float[3];
        MaskKernel.Select(c, x, y, d);
        Assert.Equal(new float[] { 1, -2, 3 }, d);
        MaskKernel.Select(c, x, y, y);
        Assert.Equal(new float[] { 1, -2, 3 }, y);
    }

    [Fact]
    public void FillWritesTheValueWhereTheMaskMatches()
    {
        bool[] m = [true, false, true, false];
        float[] s = [1, float.PositiveInfinity, 3, float.NaN];
        var d = new float[4];
        MaskKernel.Fill(m, true, -9f, s, d);
        Assert.Equal(new float[] { -9, float.PositiveInfinity, -9, float.NaN }, d);
        MaskKernel.Fill(m, false, 0f, s, s);
        Assert.Equal(new float[] { 1, 0, 3, 0 }, s);
    }
}

using Descent.Optim;
using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class GradClipTests
{
    private static (Tensor A, Tensor B) WithGrads(float[] ga, float[] gb)
    {
        var a = Param(new float[ga.Length]);
        var b = Param(new float[gb.Length]);
        a.Grad = Tensor.FromArray(ga);
        b.Grad = Tensor.FromArray(gb);
        return (a, b);
    }

    [Fact]
    public void NormIsTheNormOfPerParameterNormsAndScalesAllGradients()
    {
        // ‖(3, 4)‖ = 5, ‖(12)‖ = 12, total = ‖(5, 12)‖ = 13;  coef = 6.5 / (13 + 1e-6) ≈ 0.5
        var (a, b) = WithGrads([3f, 4f], [12f]);
        float total = GradClip.ClipGradNorm([a, b], 6.5);
        Assert.Equal(13f, total);
        float coef = 6.5f / (13f + 1e-6f);
        Assert.Equal([3f * coef, 4f * coef], a.Grad!.ToArray());
        Assert.Equal([12f * coef], b.Grad!.ToArray());
    }

    [Fact]
    public void SmallNormIsLeftAlone()
    {
        var (a, b) = WithGrads([3f, 4f], [12f]);
        Assert.Equal(13f, GradClip.ClipGradNorm([a, b], 100));
        Assert.Equal([3f, 4f], a.Grad!.ToArray());
        Assert.Equal([12f], b.Grad!.ToArray());
    }

    [Fact]
    public void InfinityNormIsTheLargestMagnitude()
    {
        // per-parameter max |g|: 4 and 2 → total 4;  coef = 2 / (4 + 1e-6)
        var (a, b) = WithGrads([3f, -4f], [2f]);
        Assert.Equal(4f, GradClip.ClipGradNorm([a, b], 2, double.PositiveInfinity));
        Assert.Equal(-2f, a.Grad!.Data[1], 5);
        Assert.Equal(1f, b.Grad!.Data[0], 5);
    }

    [Fact]
    public void OneNormAndThreeNorm()
    {
        // 1-norm: 3 + 4 = 7 and 2 → 9.  3-norm: (27 + 64)^(1/3) = 4.497941 and 2 → (91 + 8)^(1/3) = 4.626065
        var (a, b) = WithGrads([3f, -4f], [2f]);
        Assert.Equal(9f, GradClip.ClipGradNorm([a, b], 100, 1));
        Assert.Equal(4.626065, GradClip.ClipGradNorm([a, b], 100, 3), 1e-5);
    }

    [Fact]
    public void SkipsParametersWithoutGradientAndReturnsZeroWhenNoneHasOne()
    {
        var (a, _) = WithGrads([3f, 4f], [1f]);
        var none = Param(1f);
        Assert.Equal(5f, GradClip.ClipGradNorm([a, none], 1));
        Assert.Null(none.Grad);
        Assert.Equal(0f, GradClip.ClipGradNorm([none], 1));
    }

    [Fact]
    public void NonFiniteNormThrowsOnlyWhenAsked()
    {
        var (a, b) = WithGrads([float.NaN, 1f], [2f]);
        var e = Assert.Throws<InvalidOperationException>(() => GradClip.ClipGradNorm([a, b], 1, errorIfNonfinite: true));
        Assert.Contains("non-finite", e.Message);
        Assert.Equal(2f, b.Grad!.Data[0]);
        Assert.True(float.IsNaN(GradClip.ClipGradNorm([a, b], 1)));
        Assert.True(float.IsNaN(b.Grad!.Data[0]));
    }

    [Fact]
    public void ValueClampsEachElement()
    {
        var (a, b) = WithGrads([-3f, 0.5f, 2f], [-0.25f]);
        GradClip.ClipGradValue([a, b], 1);
        Assert.Equal([-1f, 0.5f, 1f], a.Grad!.ToArray());
        Assert.Equal([-0.25f], b.Grad!.ToArray());
    }
}

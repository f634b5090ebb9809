using Descent.Nn;

namespace Descent.Tests.Nn;

/// <summary>
/// MSELoss as one op: gradient checks for every reduction with and without a target that requires grad, and
/// the same bits as the composed Sub, Square and Mean/Sum wherever those rounded the same way (every gradient,
/// the unreduced values); the reduced value, summed in fixed blocks, is close to theirs.
/// </summary>
public class MseLossOpTests
{
    public static TheoryData<int> ReductionIndices => [0, 1, 2];

    [Theory]
    [MemberData(nameof(ReductionIndices))]
    public void GradCheckForInputAndTarget(int r)
    {
        var reduction = LossAssert.AllReductions[r];
        var g = new Generator(31 + (ulong)r);
        foreach (var shape in new[] { new[] { 4, 3 }, new[] { 1 }, new[] { 7 }, new[] { 2, 3, 5 } })
        {
            var x = Tensor.Randn(shape, g).RequireGrad();
            var y = Tensor.Randn(shape, g).RequireGrad();
            GradCheck.Assert(t => Losses.MseLoss(t[0], t[1], reduction), x, y);
            GradCheck.Assert(t => Losses.MseLoss(t[0], y.Detach(), reduction), x);
            GradCheck.Assert(t => Losses.MseLoss(x.Detach(), t[0], reduction), y);
        }
    }

    [Theory]
    [MemberData(nameof(ReductionIndices))]
    public void GradientsAreTheComposedOpsBits(int r)
    {
        var reduction = LossAssert.AllReductions[r];
        var g = new Generator(41 + (ulong)r);
        foreach (var shape in new[] { new[] { 3, 5 }, new[] { 64, 33, 17 } })
        {
            var x = Tensor.Randn(shape, g);
            var y = Tensor.Randn(shape, g);
            var (fx, fy) = (x.Detach().RequireGrad(), y.Detach().RequireGrad());
            var (cx, cy) = (x.Detach().RequireGrad(), y.Detach().RequireGrad());
            var fused = Losses.MseLoss(fx, fy, reduction);
            Assert.Equal("MseLoss", fused.GradFn!.Name);
            var diff = cx.Sub(cy).Square();
            var composed = reduction switch { Reduction.Mean => diff.Mean(), Reduction.Sum => diff.Sum(), _ => diff };
            var seed = reduction == Reduction.None ? Tensor.Randn(shape, g) : Tensor.Scalar(1.7f);
            fused.Backward(seed);
            composed.Backward(seed);
            Assert.Equal(cx.Grad!.ToArray(), fx.Grad!.ToArray());
            Assert.Equal(cy.Grad!.ToArray(), fy.Grad!.ToArray());
            if (reduction == Reduction.None) Assert.Equal(composed.ToArray(), fused.ToArray());
            else Assert.Equal(composed.Item(), fused.Item(), 1e-5 * Math.Abs(composed.Item()));
        }
    }

    [Fact]
    public void MeanOfNoElementsIsNaNAsInPyTorch()
    {
        var x = Tensor.Zeros(0, 3).RequireGrad();
        var loss = Losses.MseLoss(x, Tensor.Zeros(0, 3));
        Assert.True(float.IsNaN(loss.Item()));
        Assert.Equal(0f, Losses.MseLoss(x, Tensor.Zeros(0, 3), Reduction.Sum).Item());
        loss.Backward();
        Assert.Equal([0, 3], x.Grad!.Shape);
    }

    [Fact]
    public void NoGraphIsRecordedUnderNoGrad()
    {
        var x = Tensor.Randn([4], new Generator(3)).RequireGrad();
        using (Descent.Autograd.NoGrad())
            Assert.Null(Losses.MseLoss(x, Tensor.Zeros(4)).GradFn);
    }
}

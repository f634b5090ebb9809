using Descent.Nn;

namespace Descent.Tests.Nn;

public class LossStabilityTests
{
    private static Tensor Extreme(int rows, int cols) =>
        Tensor.FromArray(Enumerable.Range(0, rows * cols).Select(i => i % 3 == 0 ? 1e4f : i % 3 == 1 ? -1e4f : 0f).ToArray(), rows, cols);

    [Fact]
    public void CrossEntropyWithLogitsOfTenThousandIsFinite()
    {
        // Both rows are [1e4, -1e4, 0]; targets 1 and 0.
        // Row 0 misses by 2e4 (log-probability -2e4), row 1 is certain: mean (2e4 + 0) / 2 = 1e4.
        var x = Extreme(2, 3).RequireGrad();
        var loss = Losses.CrossEntropy(x, Tensor.FromArray([1f, 0f]));
        Assert.Equal(1e4f, loss.Item());
        loss.Backward();
        LossAssert.AllFinite(x.Grad!);
        // Softmax is one-hot at the largest logit; the gradient is (softmax - onehot) / 2, zero for row 1.
        LossAssert.Close([0.5, -0.5, 0, 0, 0, 0], x.Grad!);

        foreach (var reduction in LossAssert.AllReductions)
        {
            var xs = Extreme(4, 3).RequireGrad();
            var smoothed = Losses.CrossEntropy(xs, Tensor.FromArray([0f, 1f, 2f, -100f]), Tensor.FromArray([1f, 2f, 3f]), reduction: reduction, labelSmoothing: 0.1f);
            LossAssert.AllFinite(smoothed);
            smoothed.Sum().Backward();
            LossAssert.AllFinite(xs.Grad!);

            var xp = Extreme(4, 3).RequireGrad();
            var probabilities = Losses.CrossEntropy(xp, Tensor.Full([4, 3], 1f / 3), reduction: reduction, labelSmoothing: 0.2f);
            LossAssert.AllFinite(probabilities);
            probabilities.Sum().Backward();
            LossAssert.AllFinite(xp.Grad!);
        }
    }

    [Fact]
    public void BceWithLogitsOfTenThousandIsFinite()
    {
        // Right and confident: 0; wrong and confident: |x| = 1e4. Gradient σ(x) - y: 0, 0, 1, -1 (over 4).
        var x = Tensor.FromArray([1e4f, -1e4f, 1e4f, -1e4f]).RequireGrad();
        var y = Tensor.FromArray([1f, 0f, 0f, 1f]);
        var loss = Losses.BinaryCrossEntropyWithLogits(x, y, reduction: Reduction.None);
        Assert.Equal([0f, 0f, 1e4f, 1e4f], loss.ToArray());
        loss.Mean().Backward();
        LossAssert.Close([0, 0, 0.25, -0.25], x.Grad!);

        var xw = Tensor.FromArray([1e4f, -1e4f, 1e4f, -1e4f]).RequireGrad();
        var weighted = Losses.BinaryCrossEntropyWithLogits(xw, y, Tensor.FromArray([2f]), Reduction.Sum, Tensor.FromArray([5f]));
        // Only the last element's positive term is weighted by pos_weight: 2·1e4 + 2·5·1e4.
        Assert.Equal(1.2e5f, weighted.Item());
        weighted.Backward();
        LossAssert.AllFinite(xw.Grad!);
    }

    [Fact]
    public void RegressionLossesStayFiniteAtTenThousand()
    {
        var x = Tensor.FromArray([1e4f, -1e4f]).RequireGrad();
        var y = Tensor.FromArray([-1e4f, 1e4f]);
        foreach (var loss in new Func<Tensor, Tensor>[] { t => Losses.MseLoss(t, y), t => Losses.HuberLoss(t, y), t => Losses.SmoothL1Loss(t, y, beta: 0.5f) })
        {
            x.Grad = null;
            var value = loss(x);
            LossAssert.AllFinite(value);
            value.Backward();
            LossAssert.AllFinite(x.Grad!);
        }
    }
}

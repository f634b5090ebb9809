using Descent.Nn;

namespace Descent.Tests.Nn;

public class BinaryLossTests
{
    private static double Softplus(double v) => Math.Log(1 + Math.Exp(v));
    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    [Fact]
    public void WithLogitsMatchesTheStableFormula()
    {
        // max(x, 0) - x·y + log(1 + e^-|x|) for x = [0, 2, -1], y = [1, 0, 0.3]:
        // log 2; 2 + log(1 + e^-2); 0.3 + log(1 + e^-1).
        var x = Tensor.FromArray([0f, 2f, -1f]);
        var y = Tensor.FromArray([1f, 0f, 0.3f]);
        double[] expected = [Math.Log(2), 2 + Math.Log(1 + Math.Exp(-2)), 0.3 + Math.Log(1 + Math.Exp(-1))];
        LossAssert.Close(expected, new BCEWithLogitsLoss(reduction: Reduction.None).Forward(x, y));
        LossAssert.Close(expected.Sum(), Losses.BinaryCrossEntropyWithLogits(x, y, reduction: Reduction.Sum).Item());
        LossAssert.Close(expected.Average(), new BCEWithLogitsLoss().Forward(x, y).Item());
    }

    [Fact]
    public void PosWeightScalesThePositiveTerm()
    {
        // (1 - y)·x + (1 + (pw - 1)·y)·softplus(-x), per column pw = [2, 0.5].
        var x = Tensor.FromArray([0.5f, -1f, 2f, 0f], 2, 2);
        var y = Tensor.FromArray([1f, 0f, 0.25f, 1f], 2, 2);
        var pw = Tensor.FromArray([2f, 0.5f]);
        double[] expected =
        [
            0 + 2 * Softplus(-0.5),
            -1 + 1 * Softplus(1),
            0.75 * 2 + (1 + 0.25) * Softplus(-2),
            0 + 0.5 * Softplus(0),
        ];
        LossAssert.Close(expected, new BCEWithLogitsLoss(reduction: Reduction.None, posWeight: pw).Forward(x, y));
        // weight multiplies each element after pos_weight.
        var w = Tensor.FromArray([3f, 1f]);
        LossAssert.Close(3 * expected[0] + expected[1] + 3 * expected[2] + expected[3],
            Losses.BinaryCrossEntropyWithLogits(x, y, w, Reduction.Sum, pw).Item());
    }

    [Fact]
    public void WithLogitsGradientIsSigmoidMinusTargetEvenAtZero()
    {
        // d/dx = σ(x) - y; at x = 0 that is exactly 0.5 - y, which a max/|x| composition would get wrong.
        var x = Tensor.FromArray([0f, 0f, 1.5f]).RequireGrad();
        var y = Tensor.FromArray([1f, 0f, 0.2f]);
        Losses.BinaryCrossEntropyWithLogits(x, y, reduction: Reduction.Sum).Backward();
        LossAssert.Close([-0.5, 0.5, Sigmoid(1.5) - 0.2], x.Grad!);
        // with pos_weight: (pw·y + 1 - y)·σ(x) - pw·y.
        var x2 = Tensor.FromArray([0f]).RequireGrad();
        Losses.BinaryCrossEntropyWithLogits(x2, Tensor.FromArray([1f]), posWeight: Tensor.FromArray([3f])).Backward();
        LossAssert.Close([3 * 0.5 - 3], x2.Grad!);
    }

    [Fact]
    public void BceMatchesTheDefinition()
    {
        // -(y log p + (1 - y) log(1 - p)) for p = [0.2, 0.9, 0.5], y = [0, 1, 0.25].
        var p = Tensor.FromArray([0.2f, 0.9f, 0.5f]);
        var y = Tensor.FromArray([0f, 1f, 0.25f]);
        double[] expected = [-Math.Log(0.8), -Math.Log(0.9f), -(0.25 * Math.Log(0.5) + 0.75 * Math.Log(0.5))];
        LossAssert.Close(expected, Losses.BinaryCrossEntropy(p, y, reduction: Reduction.None));
        LossAssert.Close(expected.Average(), new BCELoss().Forward(p, y).Item());
        var w = Tensor.FromArray([2f, 1f, 0.5f]);
        LossAssert.Close(2 * expected[0] + expected[1] + 0.5 * expected[2], new BCELoss(w, Reduction.Sum).Forward(p, y).Item());
    }

    [Fact]
    public void BceClampsTheLogAtMinusHundredAndKeepsGradientsFinite()
    {
        // log 0 = -inf is clamped to -100, so a confident wrong answer costs exactly 100.
        var p = Tensor.FromArray([0f, 1f, 1f, 0f]).RequireGrad();
        var y = Tensor.FromArray([1f, 0f, 1f, 0f]);
        var loss = Losses.BinaryCrossEntropy(p, y, reduction: Reduction.None);
        Assert.Equal([100f, 100f, 0f, 0f], loss.ToArray());
        loss.Sum().Backward();
        // PyTorch's gradient (p - y) / max(p(1 - p), 1e-12): ∓1e12 where wrong, 0 where right.
        LossAssert.Close([-1e12, 1e12, 0, 0], p.Grad!);
    }

    [Fact]
    public void BceGradientMatchesPyTorchFormula()
    {
        var p = Tensor.FromArray([0.2f, 0.7f]).RequireGrad();
        var y = Tensor.FromArray([1f, 0.4f]).RequireGrad();
        Losses.BinaryCrossEntropy(p, y, reduction: Reduction.Sum).Backward();
        double p0 = 0.2f, p1 = 0.7f;
        LossAssert.Close([(p0 - 1) / (p0 * (1 - p0)), (p1 - 0.4f) / (p1 * (1 - p1))], p.Grad!);
        // d/dy = log(1 - p) - log p.
        LossAssert.Close([Math.Log(1 - p0) - Math.Log(p0), Math.Log(1 - p1) - Math.Log(p1)], y.Grad!);
    }

    public static TheoryData<int> ReductionIndices => [0, 1, 2];

    [Theory]
    [MemberData(nameof(ReductionIndices))]
    public void GradCheckWithLogitsIncludingWeightsAndPosWeight(int r)
    {
        var reduction = LossAssert.AllReductions[r];
        var g = new Generator(21);
        foreach (var shape in new[] { new[] { 4, 3 }, new[] { 1, 5 }, new[] { 3, 1 } })
        {
            var x = Tensor.Randn(shape, g).Mul(2f).RequireGrad();
            var y = Tensor.Rand(shape, g).RequireGrad();
            var w = Tensor.Uniform([shape[1]], 0.5f, 2f, g).RequireGrad();
            var pw = Tensor.Uniform([shape[1]], 0.5f, 3f, g).RequireGrad();
            GradCheck.Assert(t => Losses.BinaryCrossEntropyWithLogits(t[0], t[1], reduction: reduction), x, y);
            GradCheck.Assert(t => Losses.BinaryCrossEntropyWithLogits(t[0], t[1], t[2], reduction), x, y, w);
            GradCheck.Assert(t => Losses.BinaryCrossEntropyWithLogits(t[0], t[1], reduction: reduction, posWeight: t[2]), x, y, pw);
            GradCheck.Assert(t => Losses.BinaryCrossEntropyWithLogits(t[0], t[1], t[2], reduction, t[3]), x, y, w, pw);
        }
    }

    [Theory]
    [MemberData(nameof(ReductionIndices))]
    public void GradCheckBceIncludingWeights(int r)
    {
        var reduction = LossAssert.AllReductions[r];
        var g = new Generator(22);
        foreach (var shape in new[] { new[] { 4, 3 }, new[] { 1, 5 }, new[] { 7 } })
        {
            var p = Tensor.Uniform(shape, 0.1f, 0.9f, g).RequireGrad();
            var y = Tensor.Rand(shape, g).RequireGrad();
            var w = Tensor.Uniform([shape[^1]], 0.5f, 2f, g).RequireGrad();
            GradCheck.Assert(t => Losses.BinaryCrossEntropy(t[0], t[1], reduction: reduction), p, y);
            GradCheck.Assert(t => Losses.BinaryCrossEntropy(t[0], t[1], t[2], reduction), p, y, w);
        }
    }

    [Fact]
    public void NoneKeepsTheInputShape()
    {
        var x = Tensor.Full([2, 1, 3], 0.5f);
        Assert.Equal([2, 1, 3], new BCELoss(reduction: Reduction.None).Forward(x, x).Shape);
        Assert.Equal([2, 1, 3], new BCEWithLogitsLoss(reduction: Reduction.None).Forward(x, x).Shape);
    }
}

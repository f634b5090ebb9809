using Descent.Nn;

namespace Descent.Tests.Nn;

public class CrossEntropyLossTests
{
    // Row 0: logits [1, 2, 3]; row 1: logits [1, 0, -1].
    private static readonly Tensor Logits = Tensor.FromArray([1f, 2f, 3f, 1f, 0f, -1f], 2, 3);
    private static readonly double Lse0 = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3));
    private static readonly double Lse1 = Math.Log(Math.Exp(1) + Math.Exp(0) + Math.Exp(-1));

    /// <summary>-log softmax(row)[c] = logsumexp(row) - row[c].</summary>
    private static double Nll(int row, int c) => row == 0 ? Lse0 - (1 + c) : Lse1 - (1 - c);

    [Fact]
    public void UnbatchedLogitsWithAClassIndex()
    {
        // CE of logits [1, 2, 3] with class 2 = log(e¹ + e² + e³) - 3.
        var loss = Losses.CrossEntropy(Tensor.FromArray([1f, 2f, 3f]), Tensor.Scalar(2f));
        LossAssert.Close(Lse0 - 3, loss.Item());
        Assert.Equal(0, new CrossEntropyLoss(reduction: Reduction.None).Forward(Tensor.FromArray([1f, 2f, 3f]), Tensor.Scalar(2f)).Rank);
    }

    [Fact]
    public void BatchValuesForEveryReduction()
    {
        var target = Tensor.FromArray([2f, 0f]);
        LossAssert.Close([Nll(0, 2), Nll(1, 0)], new CrossEntropyLoss(reduction: Reduction.None).Forward(Logits, target));
        LossAssert.Close(Nll(0, 2) + Nll(1, 0), Losses.CrossEntropy(Logits, target, reduction: Reduction.Sum).Item());
        LossAssert.Close((Nll(0, 2) + Nll(1, 0)) / 2, new CrossEntropyLoss().Forward(Logits, target).Item());
    }

    [Fact]
    public void GradientIsSoftmaxMinusOneHotOverN()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 1f, 0f, -1f], 2, 3).RequireGrad();
        Losses.CrossEntropy(x, Tensor.FromArray([2f, 0f])).Backward();
        double z0 = Math.Exp(Lse0), z1 = Math.Exp(Lse1);
        double[] expected =
        [
            Math.Exp(1) / z0 / 2, Math.Exp(2) / z0 / 2, (Math.Exp(3) / z0 - 1) / 2,
            (Math.Exp(1) / z1 - 1) / 2, Math.Exp(0) / z1 / 2, Math.Exp(-1) / z1 / 2,
        ];
        LossAssert.Close(expected, x.Grad!);
    }

    [Fact]
    public void WeightedMeanDividesBySumOfTargetWeights()
    {
        // Targets 2 and 0 carry weights 0.5 and 0.2: (0.5·l0 + 0.2·l1) / (0.5 + 0.2).
        var w = Tensor.FromArray([0.2f, 0.3f, 0.5f]);
        var target = Tensor.FromArray([2f, 0f]);
        LossAssert.Close((0.5 * Nll(0, 2) + 0.2 * Nll(1, 0)) / 0.7, new CrossEntropyLoss(w).Forward(Logits, target).Item());
        LossAssert.Close(0.5 * Nll(0, 2) + 0.2 * Nll(1, 0), Losses.CrossEntropy(Logits, target, w, reduction: Reduction.Sum).Item());
        LossAssert.Close([0.5 * Nll(0, 2), 0.2 * Nll(1, 0)], Losses.CrossEntropy(Logits, target, w, reduction: Reduction.None));
    }

    [Fact]
    public void IgnoredTargetsCountForNothing()
    {
        var target = Tensor.FromArray([2f, -100f]);
        LossAssert.Close(Nll(0, 2), Losses.CrossEntropy(Logits, target).Item());
        LossAssert.Close([Nll(0, 2), 0], Losses.CrossEntropy(Logits, target, reduction: Reduction.None));
        // A custom ignore index inside [0, C) ignores that class.
        LossAssert.Close(Nll(0, 2), new CrossEntropyLoss(ignoreIndex: 0).Forward(Logits, Tensor.FromArray([2f, 0f])).Item());
        var x = Tensor.FromArray([1f, 2f, 3f, 1f, 0f, -1f], 2, 3).RequireGrad();
        Losses.CrossEntropy(x, target).Backward();
        Assert.Equal([0f, 0f, 0f], x.Grad!.ToArray()[3..]);
    }

    [Fact]
    public void MeanOfOnlyIgnoredTargetsIsNaNAsInPyTorch()
    {
        Assert.True(float.IsNaN(Losses.CrossEntropy(Logits, Tensor.FromArray([-100f, -100f])).Item()));
        Assert.Equal(0f, Losses.CrossEntropy(Logits, Tensor.FromArray([-100f, -100f]), reduction: Reduction.Sum).Item());
    }

    [Fact]
    public void LabelSmoothingMixesInTheMeanOverClasses()
    {
        // (1 - ε)·nll + ε/C·Σ_c -log p_c, with Σ_c -log p_c = 3·lse - Σ logits; ε = 0.1, C = 3.
        const double eps = 0.1;
        double s0 = 3 * Lse0 - 6, s1 = 3 * Lse1 - 0;
        double l0 = (1 - eps) * Nll(0, 2) + eps / 3 * s0, l1 = (1 - eps) * Nll(1, 0) + eps / 3 * s1;
        var target = Tensor.FromArray([2f, 0f]);
        LossAssert.Close([l0, l1], Losses.CrossEntropy(Logits, target, reduction: Reduction.None, labelSmoothing: 0.1f));
        LossAssert.Close((l0 + l1) / 2, new CrossEntropyLoss(labelSmoothing: 0.1f).Forward(Logits, target).Item());
        LossAssert.Close(l0 + l1, Losses.CrossEntropy(Logits, target, reduction: Reduction.Sum, labelSmoothing: 0.1f).Item());
        // An ignored row contributes nothing to either term, nor to the count.
        LossAssert.Close(l0, Losses.CrossEntropy(Logits, Tensor.FromArray([2f, -100f]), labelSmoothing: 0.1f).Item());
    }

    [Fact]
    public void LabelSmoothingWithWeightsFollowsPyTorch()
    {
        // smooth_i = -Σ_c w_c·log p_ic; mean = (1 - ε)·Σ w_t·nll / Σ w_t + ε/C·Σ smooth / Σ w_t.
        const double eps = 0.2;
        double[] w = [0.2, 0.3, 0.5];
        double Smooth(int row) => Enumerable.Range(0, 3).Sum(c => w[c] * Nll(row, c));
        double wSum = w[2] + w[0];
        double expected = (1 - eps) * (w[2] * Nll(0, 2) + w[0] * Nll(1, 0)) / wSum + eps / 3 * (Smooth(0) + Smooth(1)) / wSum;
        var loss = new CrossEntropyLoss(Tensor.FromArray([0.2f, 0.3f, 0.5f]), labelSmoothing: 0.2f);
        LossAssert.Close(expected, loss.Forward(Logits, Tensor.FromArray([2f, 0f])).Item());
    }

    [Fact]
    public void ProbabilityTargets()
    {
        // -Σ_c y_c·log p_c per row; the mean is over rows (N = 2), also when weighted.
        var y = Tensor.FromArray([0.1f, 0.2f, 0.7f, 1f, 0f, 0f], 2, 3);
        double r0 = 0.1f * Nll(0, 0) + 0.2f * Nll(0, 1) + 0.7f * Nll(0, 2), r1 = Nll(1, 0);
        LossAssert.Close([r0, r1], Losses.CrossEntropy(Logits, y, reduction: Reduction.None));
        LossAssert.Close((r0 + r1) / 2, new CrossEntropyLoss().Forward(Logits, y).Item());
        LossAssert.Close(r0 + r1, Losses.CrossEntropy(Logits, y, reduction: Reduction.Sum).Item());
        double[] w = [2, 1, 0.5];
        double wr0 = 0.1f * w[0] * Nll(0, 0) + 0.2f * w[1] * Nll(0, 1) + 0.7f * w[2] * Nll(0, 2), wr1 = w[0] * Nll(1, 0);
        LossAssert.Close((wr0 + wr1) / 2, Losses.CrossEntropy(Logits, y, Tensor.FromArray([2f, 1f, 0.5f])).Item());
        // Smoothing first turns the target into y·(1 - ε) + ε/C; ignoreIndex has no effect here.
        double s1 = 0.9 * Nll(1, 0) + 0.1 / 3 * (Nll(1, 0) + Nll(1, 1) + Nll(1, 2));
        LossAssert.Close(s1, Losses.CrossEntropy(Logits, y, ignoreIndex: 0, reduction: Reduction.None, labelSmoothing: 0.1f).ToArray()[1]);
    }

    [Fact]
    public void SpatialInputEqualsTheFlattenedBatch()
    {
        // [N, C, d] against [N, d] is the same as [N·d, C] rows against the flattened targets.
        var g = new Generator(5);
        var x = Tensor.Randn([2, 3, 4], g);
        var target = Tensor.FromArray([0f, 2f, 1f, -100f, 2f, 2f, 0f, 1f], 2, 4);
        var w = Tensor.FromArray([0.5f, 1f, 2f]);
        var rows = x.Permute(0, 2, 1).Reshape(8, 3);
        var flat = target.Reshape(8);
        var none = Losses.CrossEntropy(x, target, w, reduction: Reduction.None, labelSmoothing: 0.3f);
        Assert.Equal([2, 4], none.Shape);
        LossAssert.Close(Losses.CrossEntropy(rows, flat, w, reduction: Reduction.None, labelSmoothing: 0.3f).ToArray().Select(v => (double)v).ToArray(), none);
        LossAssert.Close(Losses.CrossEntropy(rows, flat, w, labelSmoothing: 0.3f).Item(), Losses.CrossEntropy(x, target, w, labelSmoothing: 0.3f).Item());
    }

    [Fact]
    public void EqualsNllOfLogSoftmax()
    {
        var g = new Generator(6);
        var x = Tensor.Randn([5, 4], g);
        var target = Tensor.RandInt(0, 4, [5], g);
        var w = Tensor.Uniform([4], 0.5f, 2f, g);
        LossAssert.Close(Losses.NllLoss(x.LogSoftmax(1), target, w).Item(), Losses.CrossEntropy(x, target, w).Item());
    }

    public static TheoryData<int> ReductionIndices => [0, 1, 2];

    [Theory]
    [MemberData(nameof(ReductionIndices))]
    public void GradCheckClassIndexTargets(int r)
    {
        var reduction = LossAssert.AllReductions[r];
        var g = new Generator(31);
        var x = Tensor.Randn([5, 3], g).Mul(2f).RequireGrad();
        var target = Tensor.FromArray([0f, 2f, -100f, 1f, 2f]);
        var w = Tensor.Uniform([3], 0.5f, 2f, g).RequireGrad();
        GradCheck.Assert(t => Losses.CrossEntropy(t[0], target, reduction: reduction), x);
        GradCheck.Assert(t => Losses.CrossEntropy(t[0], target, t[1], reduction: reduction), x, w);
        GradCheck.Assert(t => Losses.CrossEntropy(t[0], target, reduction: reduction, labelSmoothing: 0.15f), x);
        GradCheck.Assert(t => Losses.CrossEntropy(t[0], target, t[1], reduction: reduction, labelSmoothing: 0.3f), x, w);
        var target2 = Tensor.FromArray([0f, 2f, 1f, 1f, 2f]);
        GradCheck.Assert(t => Losses.CrossEntropy(t[0], target2, ignoreIndex: 2, reduction: reduction, labelSmoothing: 1f), x);

        var spatial = Tensor.Randn([2, 3, 1, 5], g).RequireGrad();
        var spatialTarget = Tensor.RandInt(0, 3, [2, 1, 5], g);
        GradCheck.Assert(t => Losses.CrossEntropy(t[0], spatialTarget, t[1], reduction: reduction, labelSmoothing: 0.1f), spatial, w);

        var single = Tensor.Randn([7], g).RequireGrad();
        GradCheck.Assert(t => Losses.CrossEntropy(t[0], Tensor.Scalar(4f), reduction: reduction, labelSmoothing: 0.2f), single);
        var oneClass = Tensor.Randn([3, 1], g).RequireGrad();
        GradCheck.Assert(t => Losses.CrossEntropy(t[0], Tensor.Zeros(3), reduction: reduction, labelSmoothing: 0.5f), oneClass);
    }

    [Theory]
    [MemberData(nameof(ReductionIndices))]
    public void GradCheckProbabilityTargets(int r)
    {
        var reduction = LossAssert.AllReductions[r];
        var g = new Generator(32);
        var x = Tensor.Randn([4, 3], g).Mul(2f).RequireGrad();
        var y = Tensor.Rand([4, 3], g).Softmax(1).RequireGrad();
        var w = Tensor.Uniform([3], 0.5f, 2f, g).RequireGrad();
        GradCheck.Assert(t => Losses.CrossEntropy(t[0], t[1], reduction: reduction), x, y);
        GradCheck.Assert(t => Losses.CrossEntropy(t[0], t[1], t[2], reduction: reduction), x, y, w);
        GradCheck.Assert(t => Losses.CrossEntropy(t[0], t[1], t[2], reduction: reduction, labelSmoothing: 0.25f), x, y, w);

        var spatial = Tensor.Randn([2, 3, 5], g).RequireGrad();
        var spatialY = Tensor.Rand([2, 3, 5], g).Softmax(1);
        GradCheck.Assert(t => Losses.CrossEntropy(t[0], spatialY, reduction: reduction, labelSmoothing: 0.1f), spatial);
        var single = Tensor.Randn([5], g).RequireGrad();
        var singleY = Tensor.Rand([5], g).Softmax(0);
        GradCheck.Assert(t => Losses.CrossEntropy(t[0], singleY, reduction: reduction), single);
    }

    [Fact]
    public void NoneReturnsPerPositionShapes()
    {
        var loss = new CrossEntropyLoss(reduction: Reduction.None);
        Assert.Equal([4], loss.Forward(Tensor.Zeros(4, 3), Tensor.Zeros(4)).Shape);
        Assert.Equal([2, 5, 6], loss.Forward(Tensor.Zeros(2, 3, 5, 6), Tensor.Zeros(2, 5, 6)).Shape);
        Assert.Equal([2, 5, 6], loss.Forward(Tensor.Zeros(2, 3, 5, 6), Tensor.Zeros(2, 3, 5, 6)).Shape);
        Assert.Equal(0, loss.Forward(Tensor.Zeros(3), Tensor.Zeros(3)).Rank);
    }
}

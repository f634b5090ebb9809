using Descent.Nn;
using Descent.Tests.Kernels;

namespace Descent.Tests.Nn;

/// <summary>
/// Cross-entropy against class indices runs fused (softmax, loss and gradient in one kernel each way) unless the
/// class weight itself requires grad. These tests run the fused path explicitly: gradient checks, and values and
/// gradients against the composed path (log-softmax, gather, mask), which a weight that requires grad selects.
/// </summary>
public class FusedCrossEntropyTests
{
    private static Tensor Targets(Generator g, int[] shape, int classes, int ignore = -100, int ignoreEvery = 0)
    {
        var t = Tensor.RandInt(0, classes, shape, g);
        if (ignoreEvery > 0)
        {
            var d = t.DataSpan;
            for (int i = 1; i < d.Length; i += ignoreEvery) d[i] = ignore;
        }
        return t;
    }

    [Theory]
    [MemberData(nameof(CrossEntropyLossTests.ReductionIndices), MemberType = typeof(CrossEntropyLossTests))]
    public void GradCheckOfTheFusedPath(int r)
    {
        var reduction = LossAssert.AllReductions[r];
        var g = new Generator(61);
        var w = Tensor.Uniform([5], 0.3f, 2f, g);   // no grad: the fused path
        foreach (var shape in new[] { new[] { 6, 5 }, new[] { 1, 5 }, new[] { 2, 5, 3 }, new[] { 5 } })
        {
            var x = Tensor.Randn(shape, g).Mul(3f).RequireGrad();
            int[] targetShape = shape.Length == 1 ? [] : [shape[0], .. shape[2..]];
            var target = Targets(g, targetShape, 5);
            var ignored = Targets(g, targetShape, 5, ignore: 3, ignoreEvery: 2);
            GradCheck.Assert(t => Losses.CrossEntropy(t[0], target, reduction: reduction), x);
            GradCheck.Assert(t => Losses.CrossEntropy(t[0], target, w, reduction: reduction), x);
            GradCheck.Assert(t => Losses.CrossEntropy(t[0], target, reduction: reduction, labelSmoothing: 0.2f), x);
            GradCheck.Assert(t => Losses.CrossEntropy(t[0], ignored, w, ignoreIndex: 3, reduction: reduction, labelSmoothing: 0.35f), x);
            GradCheck.Assert(t => Losses.CrossEntropy(t[0], target.Long(), w, reduction: reduction, labelSmoothing: 1f), x);
        }
    }

    /// <summary>The same loss through the composed path: a weight that requires grad (all ones for "none").</summary>
    private static Tensor Composed(Tensor x, Tensor target, Tensor? weight, int ignore, Reduction r, float smoothing)
    {
        var w = (weight ?? Tensor.Ones(x.Size(x.Rank == 1 ? 0 : 1))).Detach().RequireGrad();
        return Losses.CrossEntropy(x, target, w, ignore, r, smoothing);
    }

    private static void AssertMatchesComposed(string what, Tensor x, Tensor target, Tensor? weight, int ignore, Reduction r, float smoothing, double tolerance = 2e-5)
    {
        var xf = x.Detach().RequireGrad();
        var xc = x.Detach().RequireGrad();
        var fused = Losses.CrossEntropy(xf, target, weight, ignore, r, smoothing);
        Assert.Equal("NllLossBackward0", fused.GradFn!.Name);
        var composed = Composed(xc, target, weight, ignore, r, smoothing);
        Assert.NotEqual("NllLossBackward0", composed.GradFn!.Name);
        Close(what + " value", composed.ToArray(), fused.ToArray(), tolerance);
        var seed = Tensor.Uniform(fused.Shape, 0.5f, 1.5f, new Generator(1));
        fused.Backward(seed);
        composed.Backward(seed);
        Close(what + " gradient", xc.Grad!.ToArray(), xf.Grad!.ToArray(), tolerance);
    }

    private static void Close(string what, float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1e-3, expected.Max(v => Math.Abs((double)v)));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale,
                $"{what}[{i}]: composed {expected[i]:G9}, fused {actual[i]:G9}");
    }

    [Theory]
    [MemberData(nameof(CrossEntropyLossTests.ReductionIndices), MemberType = typeof(CrossEntropyLossTests))]
    public void MatchesTheComposedPathWithLargeLogitsIgnoredPositionsAndSmoothing(int r)
    {
        var reduction = LossAssert.AllReductions[r];
        var g = new Generator(67);
        var w = Tensor.Uniform([11], 0.2f, 2f, g);
        foreach (float scale in new[] { 1f, 30f, 1e4f })
        {
            var x = Tensor.Randn([13, 11], g).Mul(scale);
            var target = Targets(g, [13], 11, ignore: -100, ignoreEvery: 4);
            var spatial = Tensor.Randn([3, 11, 2, 4], g).Mul(scale);
            var spatialTarget = Targets(g, [3, 2, 4], 11, ignore: 7, ignoreEvery: 3);
            foreach (float smoothing in new[] { 0f, 0.1f, 0.5f })
            {
                foreach (var weight in new[] { null, w })
                {
                    string name = $"scale {scale} smoothing {smoothing} weight {weight != null} {reduction}";
                    AssertMatchesComposed("[N, C] " + name, x, target, weight, -100, reduction, smoothing);
                    AssertMatchesComposed("[N, C, d, d] " + name, spatial, spatialTarget, weight, 7, reduction, smoothing);
                }
            }
        }
    }

    [Fact]
    public void EveryPositionIgnoredGivesNaNMeanAndZeroGradientAsComposed()
    {
        var x = Tensor.Randn([3, 4], new Generator(71)).RequireGrad();
        var target = Tensor.Full([3], -100f);
        var loss = Losses.CrossEntropy(x, target);
        Assert.True(float.IsNaN(loss.Item()));
        loss.Backward();
        Assert.All(x.Grad!.ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(0f, Losses.CrossEntropy(x, target, reduction: Reduction.Sum).Item());
    }
}

/// <summary>The fused loss over a batch big enough to be split across threads gives the same bits on one.</summary>
[Collection(nameof(ThreadCountCollection))]
public class FusedCrossEntropyThreadTests
{
    [Fact]
    public void OneAndTwoThreadsGiveIdenticalBits()
    {
        var g = new Generator(73);
        var x = Tensor.Randn([700, 130], g).Mul(4f);
        var target = Tensor.RandInt(0, 130, [700], g);
        var w = Tensor.Uniform([130], 0.5f, 1.5f, g);
        (float[] Loss, float[] Grad) Run()
        {
            var xi = x.Detach().RequireGrad();
            var loss = Losses.CrossEntropy(xi, target, w, labelSmoothing: 0.1f);
            loss.Backward();
            return (loss.ToArray(), xi.Grad!.ToArray());
        }
        var one = ThreadCountCollection.With(1, Run);
        var two = ThreadCountCollection.With(2, Run);
        Assert.Equal(one.Loss, two.Loss);
        Assert.Equal(one.Grad, two.Grad);
    }
}

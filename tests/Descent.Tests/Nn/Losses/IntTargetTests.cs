using Descent.Nn;

namespace Descent.Tests.Nn;

/// <summary>Class targets as <see cref="IntTensor"/>, as PyTorch takes them: the same numbers as whole floats.</summary>
public class IntTargetTests
{
    [Theory]
    [MemberData(nameof(CrossEntropyLossTests.ReductionIndices), MemberType = typeof(CrossEntropyLossTests))]
    public void CrossEntropyAndNllGiveTheFloatTargetsBits(int r)
    {
        var reduction = LossAssert.AllReductions[r];
        var g = new Generator(41);
        var x = Tensor.Randn([2, 3, 4], g);
        long[] ids = [0, 2, 1, -100, 2, 2, 0, 1];
        var target = IntTensor.FromArray(ids, [2, 4]);
        var floats = target.Float();
        var w = Tensor.FromArray([0.5f, 1f, 2f]);
        Assert.Equal(Losses.CrossEntropy(x, floats, w, reduction: reduction, labelSmoothing: 0.2f).ToArray(),
            Losses.CrossEntropy(x, target, w, reduction: reduction, labelSmoothing: 0.2f).ToArray());
        var ignoringTwo = IntTensor.FromArray([0L, 2, 1, 1, 2, 2, 0, 1], [2, 4]);
        Assert.Equal(new CrossEntropyLoss(ignoreIndex: 2, reduction: reduction).Forward(x, ignoringTwo.Float()).ToArray(),
            new CrossEntropyLoss(ignoreIndex: 2, reduction: reduction).Forward(x, ignoringTwo).ToArray());
        var logp = x.LogSoftmax(1);
        Assert.Equal(Losses.NllLoss(logp, floats, w, reduction: reduction).ToArray(), new NLLLoss(w, reduction: reduction).Forward(logp, target).ToArray());
        var rows = Tensor.Randn([5, 3], g);
        var labels = IntTensor.FromArray([2L, 0, 1, 1, 2]);
        Assert.Equal(new NLLLoss(reduction: reduction).Forward(rows, labels.Float()).ToArray(), Losses.NllLoss(rows, labels, reduction: reduction).ToArray());
        Assert.Equal(Losses.CrossEntropy(Tensor.FromArray([1f, 2f, 3f]), Tensor.Scalar(2f), reduction: reduction).ToArray(),
            Losses.CrossEntropy(Tensor.FromArray([1f, 2f, 3f]), IntTensor.Scalar(2), reduction: reduction).ToArray());
    }

    [Theory]
    [MemberData(nameof(CrossEntropyLossTests.ReductionIndices), MemberType = typeof(CrossEntropyLossTests))]
    public void GradChecks(int r)
    {
        var reduction = LossAssert.AllReductions[r];
        var g = new Generator(43);
        var x = Tensor.Randn([5, 3], g).Mul(2f).RequireGrad();
        var w = Tensor.Uniform([3], 0.5f, 2f, g).RequireGrad();
        var target = IntTensor.FromArray([0L, 2, -100, 1, 2]);
        GradCheck.Assert(t => Losses.CrossEntropy(t[0], target, t[1], reduction: reduction, labelSmoothing: 0.3f), x, w);
        GradCheck.Assert(t => Losses.NllLoss(t[0].LogSoftmax(1), target, t[1], reduction: reduction), x, w);
        var spatial = Tensor.Randn([2, 3, 1, 5], g).RequireGrad();
        var spatialTarget = IntTensor.RandInt(0, 3, [2, 1, 5], g);
        GradCheck.Assert(t => new CrossEntropyLoss(ignoreIndex: 1, reduction: reduction).Forward(t[0], spatialTarget), spatial);
    }

    [Fact]
    public void BadTargetsAreNamedAsForFloatTargets()
    {
        var logits = Tensor.Zeros(2, 3);
        var tooBig = Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss().Forward(logits, IntTensor.FromArray([0L, 3])));
        Assert.Contains("CrossEntropyLoss: target 3 at position [1] is not a class index in [0, 3) nor the ignore index -100", tooBig.Message);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => new NLLLoss().Forward(Tensor.Zeros(2, 3, 2), IntTensor.FromArray([0L, 1, 2, -1], [2, 2])));
        Assert.Contains("NLLLoss: target -1 at position [1, 1] is not a class index in [0, 3) nor the ignore index -100", negative.Message);
        var huge = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(logits, IntTensor.FromArray([long.MaxValue, 0])));
        Assert.Contains($"target {long.MaxValue} at position [0]", huge.Message);
        var shape = Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(logits, IntTensor.Zeros(2, 3)));
        Assert.Equal("CrossEntropyLoss: target must have shape [2] (the input's shape without the class dimension) for class indices; got input [2, 3] and target [2, 3]", shape.Message);
    }
}

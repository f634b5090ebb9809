using Descent.Nn;

namespace Descent.Tests.Nn;

public class LossValidationTests
{
    [Fact]
    public void ElementwiseLossesRejectShapeMismatchNamingBothShapes()
    {
        var input = Tensor.Zeros(4, 1);
        var target = Tensor.Zeros(4);
        var ex = Assert.Throws<ArgumentException>(() => new MSELoss().Forward(input, target));
        Assert.Equal("MSELoss: input and target must have the same shape; got [4, 1] and [4]", ex.Message);
        (string Name, Action Call)[] cases =
        [
            ("L1Loss", () => Losses.L1Loss(input, target)),
            ("HuberLoss", () => new HuberLoss().Forward(input, target)),
            ("SmoothL1Loss", () => Losses.SmoothL1Loss(input, target)),
            ("BCELoss", () => new BCELoss().Forward(input, target)),
            ("BCEWithLogitsLoss", () => Losses.BinaryCrossEntropyWithLogits(input, target)),
        ];
        foreach (var (name, call) in cases)
        {
            var e = Assert.Throws<ArgumentException>(call);
            Assert.Equal($"{name}: input and target must have the same shape; got [4, 1] and [4]", e.Message);
        }
    }

    [Fact]
    public void WeightsThatDoNotBroadcastToTheInputAreRejected()
    {
        var x = Tensor.Full([2, 3], 0.5f);
        var ex = Assert.Throws<ArgumentException>(() => new BCEWithLogitsLoss(posWeight: Tensor.Ones(2)).Forward(x, x));
        Assert.Equal("BCEWithLogitsLoss: posWeight must broadcast to the input's shape; got posWeight [2] and input [2, 3]", ex.Message);
        // A weight that would enlarge the result is refused as well.
        var big = Assert.Throws<ArgumentException>(() => new BCELoss(Tensor.Ones(4, 2, 3)).Forward(x, x));
        Assert.Contains("BCELoss: weight must broadcast to the input's shape; got weight [4, 2, 3] and input [2, 3]", big.Message);
    }

    [Fact]
    public void BceRejectsInputsOutsideZeroOne()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.BinaryCrossEntropy(Tensor.FromArray([0.5f, 1.5f], 1, 2), Tensor.Zeros(1, 2)));
        Assert.Contains("BCELoss: input must hold probabilities in [0, 1]; got 1.5 at position [0, 1]", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.BinaryCrossEntropy(Tensor.FromArray([float.NaN]), Tensor.Zeros(1)));
    }

    [Fact]
    public void CrossEntropyRejectsBadClassIndicesNamingValueAndPosition()
    {
        var logits = Tensor.Zeros(2, 3);
        var tooBig = Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss().Forward(logits, Tensor.FromArray([0f, 3f])));
        Assert.Contains("CrossEntropyLoss: target 3 at position [1] is not a class index in [0, 3) nor the ignore index -100", tooBig.Message);
        var frac = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(logits, Tensor.FromArray([1.5f, 0f])));
        Assert.Contains("target 1.5 at position [0]", frac.Message);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.NllLoss(Tensor.Zeros(2, 3, 2), Tensor.FromArray([0f, 1f, 2f, -1f], 2, 2)));
        Assert.Contains("NLLLoss: target -1 at position [1, 1] is not a class index in [0, 3) nor the ignore index -100", negative.Message);
    }

    [Fact]
    public void CrossEntropyRejectsBadTargetShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(Tensor.Zeros(2, 3, 5), Tensor.Zeros(2, 4)));
        Assert.Equal("CrossEntropyLoss: target must have shape [2, 5] (the input's shape without the class dimension) for class indices, or the input's shape [2, 3, 5] for class probabilities; got input [2, 3, 5] and target [2, 4]", ex.Message);
        // NLLLoss takes class indices only, so a target shaped like the input is an error.
        var nll = Assert.Throws<ArgumentException>(() => Losses.NllLoss(Tensor.Zeros(2, 3), Tensor.Zeros(2, 3)));
        Assert.Equal("NLLLoss: target must have shape [2] (the input's shape without the class dimension) for class indices; got input [2, 3] and target [2, 3]", nll.Message);
        var scalar = Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(Tensor.Scalar(1f), Tensor.Scalar(0f)));
        Assert.Contains("CrossEntropyLoss: input must have a class dimension", scalar.Message);
    }

    [Fact]
    public void ClassWeightsMustHaveOneValuePerClass()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CrossEntropyLoss(Tensor.Ones(4)).Forward(Tensor.Zeros(2, 3), Tensor.Zeros(2)));
        Assert.Equal("CrossEntropyLoss: weight must have shape [3], one value per class; got [4]", ex.Message);
        Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(Tensor.Zeros(2, 3), Tensor.Zeros(2, 3), Tensor.Ones(4)));
        Assert.Throws<ArgumentException>(() => new NLLLoss(Tensor.Ones(3, 1)));
    }

    [Fact]
    public void InvalidHyperParametersNameParameterAndValue()
    {
        var delta = Assert.Throws<ArgumentOutOfRangeException>(() => new HuberLoss(delta: 0f));
        Assert.Equal("delta", delta.ParamName);
        Assert.Contains("HuberLoss: delta must be positive and finite; got 0", delta.Message);
        var beta = Assert.Throws<ArgumentOutOfRangeException>(() => new SmoothL1Loss(beta: -0.5f));
        Assert.Equal("beta", beta.ParamName);
        Assert.Contains("got -0.5", beta.Message);
        var smoothing = Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss(labelSmoothing: 1.5f));
        Assert.Equal("labelSmoothing", smoothing.ParamName);
        Assert.Contains("CrossEntropyLoss: labelSmoothing must be in [0, 1]; got 1.5", smoothing.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(Tensor.Zeros(2, 3), Tensor.Zeros(2), labelSmoothing: float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.HuberLoss(Tensor.Zeros(2), Tensor.Zeros(2), delta: float.PositiveInfinity));
        var reduction = Assert.Throws<ArgumentOutOfRangeException>(() => new MSELoss((Reduction)7));
        Assert.Contains("MSELoss: reduction must be Mean, Sum or None; got 7", reduction.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.NllLoss(Tensor.Zeros(2, 3), Tensor.Zeros(2), reduction: (Reduction)(-1)));
    }
}

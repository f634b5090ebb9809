using Descent.IO.Onnx;
using Descent.Nn;

namespace Descent.Onnx.Tests;

public class LayerExportTests
{
    private sealed class Custom : Module
    {
        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void MlpMatches()
    {
        var g = new Generator(10);
        var mlp = new Sequential(new Linear(5, 16, generator: g), new ReLU(), new Linear(16, 8, generator: g), new Tanh(), new Linear(8, 3, generator: g));
        OnnxCheck.Matches(mlp, [-1, 5], [4, 5]);
    }

    [Fact]
    public void LinearWithoutBiasMatches() =>
        OnnxCheck.Matches(new Linear(7, 3, bias: false, generator: new Generator(11)), [2, 7], [2, 7]);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LinearOnThreeDimensionalInputMatches(bool bias) =>
        OnnxCheck.Matches(new Linear(5, 4, bias, generator: new Generator(12)), [-1, 3, 5], [2, 3, 5]);

    [Fact]
    public void LinearOnAVectorMatches() =>
        OnnxCheck.Matches(new Linear(5, 4, generator: new Generator(13)), [5], [5]);

    [Fact]
    public void LeNetMatches()
    {
        var g = new Generator(14);
        var lenet = new Sequential(
            new Conv2d(1, 6, 5, padding: 2, generator: g), new ReLU(), new MaxPool2d(2),
            new Conv2d(6, 16, 5, generator: g), new ReLU(), new MaxPool2d(2),
            new Flatten(),
            new Linear(16 * 5 * 5, 120, generator: g), new ReLU(),
            new Linear(120, 84, generator: g), new ReLU(),
            new Linear(84, 10, generator: g));
        OnnxCheck.Matches(lenet, [-1, 1, 28, 28], [3, 1, 28, 28]);
    }

    [Fact]
    public void CnnWithBatchNormAvgPoolAdaptivePoolAndSoftmaxMatches()
    {
        var g = new Generator(15);
        var net = new Sequential(
            new Conv2d(3, 8, 3, padding: 1, generator: g), new BatchNorm2d(8), new ReLU(), new AvgPool2d(2),
            new Conv2d(8, 8, 3, padding: 1, generator: g), new GELU(), new AdaptiveAvgPool2d((2, 2)),
            new Dropout(0.3f, g), new Flatten(), new Linear(32, 4, generator: g), new Softmax(1));
        Train(net, [6, 3, 8, 8]);
        OnnxCheck.Matches(net, [-1, 3, 8, 8], [2, 3, 8, 8]);
    }

    private static Module Activation(string name) => name switch
    {
        "ReLU" => new ReLU(),
        "LeakyReLU" => new LeakyReLU(0.2f),
        "ELU" => new ELU(0.7f),
        "Sigmoid" => new Sigmoid(),
        "Tanh" => new Tanh(),
        "GELU" => new GELU(),
        "GELU tanh" => new GELU("tanh"),
        "SiLU" => new SiLU(),
        "Softplus" => new Softplus(),
        "Softplus beta 2 threshold 5" => new Softplus(2f, 5f),
        "Softplus beta 0.5 threshold 1" => new Softplus(0.5f, 1f),
        "Softmax 1" => new Softmax(1),
        "Softmax -1" => new Softmax(-1),
        "Softmax 0" => new Softmax(0),
        "LogSoftmax 1" => new LogSoftmax(1),
        "LogSoftmax -1" => new LogSoftmax(-1),
        "Identity" => new Identity(),
        "Dropout" => new Dropout(0.5f),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such activation in this test"),
    };

    [Theory]
    [InlineData("ReLU")]
    [InlineData("LeakyReLU")]
    [InlineData("ELU")]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    [InlineData("GELU")]
    [InlineData("GELU tanh")]
    [InlineData("SiLU")]
    [InlineData("Softplus")]
    [InlineData("Softplus beta 2 threshold 5")]
    [InlineData("Softplus beta 0.5 threshold 1")]
    [InlineData("Softmax 1")]
    [InlineData("Softmax -1")]
    [InlineData("Softmax 0")]
    [InlineData("LogSoftmax 1")]
    [InlineData("LogSoftmax -1")]
    [InlineData("Identity")]
    [InlineData("Dropout")]
    public void ActivationMatches(string name)
    {
        // Scale 4 reaches the tails: Softplus's linear region, GELU's far negative side, saturated sigmoids.
        OnnxCheck.Matches(Activation(name), [-1, 5, 7], [3, 5, 7], seed: name.Length, scale: 4f);
    }

    [Fact]
    public void SoftplusAboveTheDefaultThresholdIsLinear()
    {
        var bytes = OnnxExport.ToBytes(new Softplus(), [4]);
        var x = Tensor.FromArray([25f, 100f, -100f, 0f], 4);
        var (_, values) = OnnxCheck.Run(bytes, x);
        Tensor expected;
        using (Autograd.NoGrad()) expected = new Softplus().Forward(x);
        OnnxCheck.AssertClose(expected.ToArray(), values);
        Assert.Equal(100f, values[1]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void BatchNorm1dUsesRunningStatistics(int rank)
    {
        var bn = new BatchNorm1d(4, eps: 1e-3f, momentum: 0.3f);
        int[] shape = rank == 2 ? [8, 4] : [8, 4, 5];
        RandomizeAffine(bn, 16);
        Train(bn, shape);
        Assert.NotEqual(0f, bn.RunningMean!.Data[0]);
        OnnxCheck.Matches(bn, rank == 2 ? [-1, 4] : [-1, 4, 5], rank == 2 ? [3, 4] : [3, 4, 5]);
    }

    [Fact]
    public void BatchNorm2dUsesRunningStatistics()
    {
        var bn = new BatchNorm2d(3);
        RandomizeAffine(bn, 17);
        Train(bn, [4, 3, 5, 5]);
        OnnxCheck.Matches(bn, [-1, 3, 5, 5], [2, 3, 5, 5]);
    }

    [Fact]
    public void BatchNormWithoutAffineMatches()
    {
        var bn = new BatchNorm2d(3, affine: false);
        Train(bn, [4, 3, 5, 5]);
        OnnxCheck.Matches(bn, [2, 3, 5, 5], [2, 3, 5, 5]);
    }

    [Fact]
    public void BatchNormWithoutRunningStatisticsThrows()
    {
        var model = new Sequential(new Linear(3, 4), new BatchNorm1d(4, trackRunningStats: false));
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(model, [-1, 3]));
        Assert.Contains("'1' (BatchNorm1d)", e.Message);
        Assert.Contains("running statistics", e.Message);
    }

    [Fact]
    public void BatchNormWithTheWrongChannelCountThrows()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(new BatchNorm2d(3), [1, 4, 5, 5]));
        Assert.Contains("BatchNorm2d", e.Message);
        Assert.Contains("[1, 4, 5, 5]", e.Message);
    }

    [Fact]
    public void ExportOfATrainingModeModelIsTheEvalForm()
    {
        var g = new Generator(18);
        var model = new Sequential(new Linear(6, 6, generator: g), new Dropout(0.9f, g), new BatchNorm1d(6));
        Train(model, [8, 6]);
        model.Train();
        var bytes = OnnxExport.ToBytes(model, [-1, 6]);
        Assert.True(model.Training);
        var x = Tensor.Randn([5, 6], new Generator(19));
        model.Eval();
        Tensor expected;
        using (Autograd.NoGrad()) expected = model.Forward(x);
        var (shape, values) = OnnxCheck.Run(bytes, x);
        Assert.Equal(expected.Shape, shape);
        OnnxCheck.AssertClose(expected.ToArray(), values);
    }

    [Theory]
    [InlineData(0, -1)]
    [InlineData(0, 1)]
    [InlineData(1, -1)]
    [InlineData(1, 2)]
    [InlineData(2, -1)]
    [InlineData(2, 2)]
    [InlineData(-2, -1)]
    public void FlattenMatches(int startDim, int endDim) =>
        OnnxCheck.Matches(new Flatten(startDim, endDim), [-1, 3, 4, 5], [2, 3, 4, 5]);

    [Fact]
    public void FlattenOverTheBatchLeavesTheOutputBatchUnknown()
    {
        var bytes = OnnxCheck.Matches(new Flatten(0), [-1, 3, 2], [4, 3, 2]);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(bytes);
        var output = session.OutputMetadata[OnnxExport.OutputName];
        Assert.Equal([-1], output.Dimensions);
        Assert.Equal("", output.SymbolicDimensions[0]);
    }

    [Fact]
    public void NestedSequentialMatches()
    {
        var g = new Generator(20);
        var model = new Sequential(new Sequential(new Linear(4, 6, generator: g), new SiLU()), new Sequential(new Linear(6, 2, generator: g)), new LogSoftmax(-1));
        OnnxCheck.Matches(model, [-1, 4], [3, 4]);
    }

    [Fact]
    public void UnsupportedModuleDeepInTheTreeIsNamedByPath()
    {
        var model = new Sequential(new Linear(3, 4), new Sequential(new ReLU(), new Custom()));
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(model, [-1, 3]));
        Assert.Contains("'1.1' (Custom)", e.Message);
    }

    [Fact]
    public void UnsupportedLibraryModuleIsNamed()
    {
        var model = new Sequential(new Linear(3, 4), new Sequential(new Embedding(4, 2)));
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(model, [-1, 3]));
        Assert.Contains("'1.0' (Embedding) has no ONNX converter", e.Message);
    }

    [Fact]
    public void RecurrentCellsHaveNoConverterAndSaySo()
    {
        foreach (var layer in new Module[] { new RNNCell(3, 4), new LSTMCell(3, 4), new GRUCell(3, 4) })
        {
            var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(new Sequential(layer), [-1, 3]));
            Assert.Contains($"'0' ({layer.GetType().Name}) has no ONNX converter", e.Message);
        }
    }

    [Fact]
    public void GptHasNoConverterAndSaysSo()
    {
        var gpt = new Gpt(new GptConfig(VocabSize: 5, BlockSize: 4, Layers: 1, Heads: 2, Width: 4), new Generator(0));
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(new Sequential(gpt), [-1, 3]));
        Assert.Contains("'0' (Gpt) has no ONNX converter", e.Message);
    }

    [Fact]
    public void ShapeMismatchInsideTheModelNamesTheModule()
    {
        var model = new Sequential(new Linear(3, 4), new Linear(5, 2));
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(model, [-1, 3]));
        Assert.Contains("'1' (Linear)", e.Message);
    }

    // A few training-mode passes give BatchNorm running statistics that differ from their initial values.
    private static void Train(Module model, int[] shape)
    {
        model.Train();
        using var _ = Autograd.NoGrad();
        for (int i = 0; i < 3; i++) model.Forward(Tensor.Randn(shape, new Generator((ulong)(100 + i))) * 2f + 0.5f);
    }

    private static void RandomizeAffine(BatchNorm bn, int seed)
    {
        var g = new Generator((ulong)seed);
        Tensor.Uniform([bn.NumFeatures], 0.5f, 1.5f, g).Data.CopyTo(bn.Weight!.DataSpan);
        Tensor.Randn([bn.NumFeatures], g).Data.CopyTo(bn.Bias!.DataSpan);
    }
}

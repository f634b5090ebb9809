using Descent.IO.Onnx;
using Descent.Nn;

namespace Descent.Onnx.Tests;

public class SequenceExportTests
{
    public static TheoryData<string, int, bool, bool> RecurrentCases() => new()
    {
        { "LSTM", 1, false, false },
        { "LSTM", 1, true, false },
        { "LSTM", 2, false, true },
        { "LSTM", 2, true, true },
        { "GRU", 1, false, false },
        { "GRU", 1, true, true },
        { "GRU", 2, false, false },
        { "GRU", 2, true, true },
        { "RNN tanh", 1, false, false },
        { "RNN tanh", 2, true, true },
        { "RNN relu", 1, true, false },
        { "RNN relu", 2, false, true },
    };

    private static RNNBase Recurrent(string kind, int layers, bool bidirectional, bool batchFirst, bool bias = true, int inputSize = 5, int hidden = 4)
    {
        var g = new Generator((ulong)(kind.Length * 10 + layers));
        return kind switch
        {
            "LSTM" => new LSTM(inputSize, hidden, layers, bias, batchFirst, bidirectional: bidirectional, generator: g),
            "GRU" => new GRU(inputSize, hidden, layers, bias, batchFirst, bidirectional: bidirectional, generator: g),
            "RNN tanh" => new RNN(inputSize, hidden, layers, "tanh", bias, batchFirst, bidirectional: bidirectional, generator: g),
            "RNN relu" => new RNN(inputSize, hidden, layers, "relu", bias, batchFirst, bidirectional: bidirectional, generator: g),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such recurrent layer in this test"),
        };
    }

    [Theory]
    [MemberData(nameof(RecurrentCases))]
    public void RecurrentLayerMatches(string kind, int layers, bool bidirectional, bool batchFirst)
    {
        var m = Recurrent(kind, layers, bidirectional, batchFirst);
        int[] shape = batchFirst ? [3, 6, 5] : [6, 3, 5];
        OnnxCheck.Matches(m, [-1, .. shape[1..]], shape, seed: layers, scale: 2f);
        OnnxCheck.Matches(m, shape, shape, seed: layers + 1);
    }

    [Theory]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    [InlineData("RNN tanh")]
    public void RecurrentLayerWithoutBiasMatches(string kind) =>
        OnnxCheck.Matches(Recurrent(kind, 2, true, false, bias: false), [7, 2, 5], [7, 2, 5]);

    [Theory]
    [InlineData("LSTM", false)]
    [InlineData("GRU", true)]
    [InlineData("RNN relu", true)]
    public void UnbatchedSequenceMatches(string kind, bool bidirectional) =>
        OnnxCheck.Matches(Recurrent(kind, 2, bidirectional, false), [-1, 5], [4, 5]);

    [Fact]
    public void LongSequenceOfALargerLstmMatches() =>
        OnnxCheck.Matches(Recurrent("LSTM", 2, true, true, inputSize: 16, hidden: 24), [-1, 40, 16], [2, 40, 16]);

    [Fact]
    public void LstmFollowedByALinearHeadMatches()
    {
        var model = new Sequential(new GRU(5, 6, batchFirst: true, generator: new Generator(30)), new Linear(6, 2, generator: new Generator(31)));
        OnnxCheck.Matches(model, [-1, 4, 5], [3, 4, 5]);
    }

    [Fact]
    public void RecurrentExportIsOneOperatorPerLayer()
    {
        var bytes = OnnxExport.ToBytes(Recurrent("GRU", 3, true, false), [4, 2, 5]);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(bytes);
        Assert.Equal([4, 2, 8], session.OutputMetadata[OnnxExport.OutputName].Dimensions);
    }
}

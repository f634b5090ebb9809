using Descent.IO.Onnx;
using Descent.Nn;

namespace Descent.Onnx.Tests;

public class SequenceExportTests
{
    // Every layer kind with one and two layers, one and two directions; batch-first alternates so that
    // each kind meets both layouts.
    public static TheoryData<string, int, bool, bool> RecurrentCases()
    {
        var cases = new TheoryData<string, int, bool, bool>();
        foreach (var kind in new[] { "LSTM", "GRU", "RNN tanh", "RNN relu" })
            foreach (int layers in new[] { 1, 2 })
                foreach (bool bidirectional in new[] { false, true })
                    cases.Add(kind, layers, bidirectional, (layers + (bidirectional ? 1 : 0) + kind.Length) % 2 == 0);
        return cases;
    }

    internal static RNNBase Recurrent(string kind, int layers, bool bidirectional, bool batchFirst, bool bias = true, int inputSize = 5, int hidden = 4)
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
    public void GruFollowedByALinearHeadMatches()
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
        // NodeProto.op_type is field 4, a string: tag 0x22, then its length and "GRU". One node per layer,
        // both directions in it, so three layers give three.
        byte[] opType = [0x22, 3, (byte)'G', (byte)'R', (byte)'U'];
        int count = 0;
        for (int i = 0; i + opType.Length <= bytes.Length; i++)
            if (bytes.AsSpan(i, opType.Length).SequenceEqual(opType)) count++;
        Assert.Equal(3, count);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void MultiheadSelfAttentionMatches(bool batchFirst, bool bias)
    {
        var m = new MultiheadAttention(8, 2, bias: bias, batchFirst: batchFirst, generator: new Generator(40));
        if (bias) Tensor.Randn([8], new Generator(41)).Data.CopyTo(m.OutProj.Bias!.DataSpan);
        if (bias) Tensor.Randn([24], new Generator(42)).Data.CopyTo(m.InProjBias!.DataSpan);
        int[] shape = batchFirst ? [3, 5, 8] : [5, 3, 8];
        OnnxCheck.Matches(m, [-1, .. shape[1..]], shape);
        OnnxCheck.Matches(m, shape, shape, seed: 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(12)]
    public void MultiheadSelfAttentionWithSeveralHeadCountsMatches(int heads) =>
        OnnxCheck.Matches(new MultiheadAttention(12, heads, generator: new Generator(43)), [-1, 2, 12], [7, 2, 12], scale: 2f);

    [Fact]
    public void SelfAttentionWithAnotherKeyWidthIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(new MultiheadAttention(8, 2, kdim: 4, vdim: 4), [5, 2, 8]));
        Assert.Contains("(MultiheadAttention) rejects its input [5, 2, 8]", e.Message);
    }

    [Fact]
    public void UnbatchedSelfAttentionMatches() =>
        OnnxCheck.Matches(new MultiheadAttention(6, 3, generator: new Generator(44)), [-1, 6], [5, 6]);

    [Theory]
    [InlineData("relu", false, false)]
    [InlineData("relu", true, false)]
    [InlineData("gelu", false, true)]
    [InlineData("gelu", true, true)]
    public void TransformerEncoderLayerMatches(string activation, bool batchFirst, bool normFirst)
    {
        var layer = new TransformerEncoderLayer(8, 2, 16, dropout: 0.2f, activation: activation, batchFirst: batchFirst, normFirst: normFirst,
            generator: new Generator(50));
        OnnxCheck.RandomizeNorm(layer.Norm1, 51);
        OnnxCheck.RandomizeNorm(layer.Norm2, 52);
        int[] shape = batchFirst ? [2, 6, 8] : [6, 2, 8];
        OnnxCheck.Matches(layer, [-1, .. shape[1..]], shape);
        OnnxCheck.Matches(layer, shape, shape, seed: 3, scale: 3f);
    }

    [Fact]
    public void TwoStackedEncoderLayersWithoutBiasMatch()
    {
        var g = new Generator(53);
        var model = new Sequential(
            new TransformerEncoderLayer(8, 4, 32, bias: false, batchFirst: true, generator: g),
            new TransformerEncoderLayer(8, 4, 32, layerNormEps: 1e-3f, batchFirst: true, generator: g));
        OnnxCheck.Matches(model, [-1, 5, 8], [2, 5, 8]);
    }

    [Fact]
    public void UnbatchedEncoderLayerMatches() =>
        OnnxCheck.Matches(new TransformerEncoderLayer(6, 2, 12, generator: new Generator(54)), [-1, 6], [4, 6]);

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void LayerNormMatches(bool affine, bool bias)
    {
        var norm = new LayerNorm([3, 4], 1e-4f, affine, bias);
        if (affine) OnnxCheck.RandomizeNorm(norm, 55);
        OnnxCheck.Matches(norm, [-1, 2, 3, 4], [2, 2, 3, 4], scale: 3f);
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(true, 1e-3f)]
    [InlineData(false, null)]
    public void RmsNormMatches(bool affine, float? eps)
    {
        var norm = new RMSNorm([3, 4], eps, affine);
        if (affine) Tensor.Uniform(norm.Weight!.Shape, 0.5f, 1.5f, new Generator(56)).Data.CopyTo(norm.Weight.DataSpan);
        OnnxCheck.Matches(norm, [-1, 2, 3, 4], [2, 2, 3, 4], scale: 3f);
        OnnxCheck.Matches(new Sequential(new Linear(3, 4, generator: new Generator(57)), new RMSNorm(4, eps, affine)), [-1, 3], [5, 3]);
    }
}

using Descent.Nn;

namespace Descent.Tests.Nn;

public class TransformerStackTests
{
    [Fact]
    public void EncoderStateDictNamesAndIdenticalIndependentCopies()
    {
        var layer = new TransformerEncoderLayer(8, 2, 16, generator: new Generator(1));
        var encoder = new TransformerEncoder(layer, 2, new LayerNorm(8));
        var keys = encoder.StateDict().Keys.ToList();
        Assert.Equal("layers.0.self_attn.in_proj_weight", keys[0]);
        Assert.Contains("layers.1.linear2.bias", keys);
        Assert.Equal(["norm.weight", "norm.bias"], keys[^2..]);
        Assert.Equal(2 * layer.StateDict().Count + 2, keys.Count);
        Assert.Equal(["layers", "norm"], encoder.NamedChildren().Select(c => c.Name));
        Assert.DoesNotContain(encoder.Layers, l => ReferenceEquals(l, layer));
        Assert.NotSame(encoder.Layers[0].Linear1.Weight, encoder.Layers[1].Linear1.Weight);
        Assert.Equal(layer.Linear1.Weight.ToArray(), encoder.Layers[1].Linear1.Weight.ToArray());
        Assert.Equal(["layers"], new TransformerEncoder(layer, 1).NamedChildren().Select(c => c.Name));
    }

    [Fact]
    public void DecoderStateDictNames()
    {
        var decoder = new TransformerDecoder(new TransformerDecoderLayer(8, 2, 16), 3);
        var keys = decoder.StateDict().Keys.ToList();
        Assert.Equal("layers.0.self_attn.in_proj_weight", keys[0]);
        Assert.Contains("layers.2.multihead_attn.out_proj.weight", keys);
        Assert.Equal("layers.2.norm3.bias", keys[^1]);
        Assert.Equal(3, decoder.Layers.Count);
        Assert.Null(decoder.Norm);
    }

    [Fact]
    public void EncoderForwardsMasksThroughEveryLayer()
    {
        var layer = new TransformerEncoderLayer(4, 2, 6, dropout: 0f, batchFirst: true, generator: new Generator(2));
        var encoder = new TransformerEncoder(layer, 2, new LayerNorm(4));
        var causal = Tensor.Ones(3, 3).Triu(1).Bool();
        var x = Tensor.Randn([2, 3, 4], new Generator(3));
        var expected = encoder.Norm!.Forward(encoder.Layers[1].Forward(encoder.Layers[0].Forward(x, causal, isCausal: true), causal, isCausal: true));
        Assert.Equal(expected.ToArray(), encoder.Forward(x, causal, isCausal: true).ToArray());
        Assert.NotEqual(expected.ToArray(), encoder.Forward(x).ToArray());
    }

    [Fact]
    public void GradientChecks()
    {
        ModuleGradCheck.Assert(new TransformerEncoder(new TransformerEncoderLayer(4, 2, 6, dropout: 0f, generator: new Generator(4)), 2, new LayerNorm(4)),
            Tensor.Randn([3, 2, 4], new Generator(5)));
        var decoder = new TransformerDecoder(new TransformerDecoderLayer(4, 2, 6, dropout: 0f, normFirst: true, generator: new Generator(6)), 2, new LayerNorm(4));
        ModuleGradCheck.Assert(new TransformerDecoderLayerTests.WithMemory(decoder, Tensor.Randn([4, 2, 4], new Generator(7)), Tensor.Ones(3, 3).Triu(1).Bool()),
            Tensor.Randn([3, 2, 4], new Generator(8)));
    }

    [Fact]
    public void BadInputIsNamed()
    {
        var layer = new TransformerDecoderLayer(4, 2, 6, batchFirst: true);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TransformerDecoder(layer, -1));
        Assert.Contains("TransformerDecoder: num_layers must be >= 0", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TransformerEncoder(new TransformerEncoderLayer(4, 2, 6), -2));
        var decoder = new TransformerDecoder(layer, 2);
        var a = Assert.Throws<ArgumentException>(() => decoder.Forward(Tensor.Zeros(2, 3, 4), Tensor.Zeros(3, 5, 4)));
        Assert.Contains("TransformerDecoder: tgt and memory must have the same batch size N (dimension 0); got tgt [2, 3, 4] and memory [3, 5, 4]", a.Message);
        var n = Assert.Throws<NotSupportedException>(() => decoder.Forward(Tensor.Zeros(2, 3, 4)));
        Assert.Contains("TransformerDecoder: Forward(tgt) has no memory", n.Message);
    }
}

using Descent.Nn;

namespace Descent.Tests.Nn;

public class TransformerEncoderLayerTests
{
    [Fact]
    public void StateDictNamesFollowPyTorch()
    {
        var layer = new TransformerEncoderLayer(8, 2, dimFeedforward: 16);
        Assert.Equal([
            "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
            "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
            "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"], layer.StateDict().Keys);
        Assert.Equal(["self_attn", "linear1", "dropout", "linear2", "norm1", "norm2", "dropout1", "dropout2"], layer.NamedChildren().Select(c => c.Name));
        Assert.Equal(2048, new TransformerEncoderLayer(4, 2).Linear1.OutFeatures);
    }

    [Fact]
    public void ShapesAndDeterministicDropout()
    {
        var x = Tensor.Randn([2, 5, 8], new Generator(1));
        var a = new TransformerEncoderLayer(8, 2, 16, batchFirst: true, generator: new Generator(2)).Forward(x);
        var b = new TransformerEncoderLayer(8, 2, 16, batchFirst: true, generator: new Generator(2)).Forward(x);
        Assert.Equal([2, 5, 8], a.Shape);
        Assert.Equal(a.ToArray(), b.ToArray());
    }

    [Fact]
    public void GradientCheck()
    {
        ModuleGradCheck.Assert(new TransformerEncoderLayer(4, 2, 6, dropout: 0f, generator: new Generator(3)), Tensor.Randn([3, 2, 4], new Generator(4)));
        ModuleGradCheck.Assert(new TransformerEncoderLayer(4, 2, 6, dropout: 0f, activation: "gelu", normFirst: true, batchFirst: true, generator: new Generator(5)),
            Tensor.Randn([2, 3, 4], new Generator(6)));
    }

    [Fact]
    public void UnknownActivationIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => new TransformerEncoderLayer(4, 2, activation: "tanh"));
        Assert.Contains("TransformerEncoderLayer: activation must be \"relu\" or \"gelu\"; got \"tanh\"", e.Message);
    }
}

using Descent.Nn;

namespace Descent.Tests.Nn;

public class TransformerDecoderLayerTests
{
    [Fact]
    public void StateDictNamesFollowPyTorch()
    {
        var layer = new TransformerDecoderLayer(8, 2, dimFeedforward: 16);
        Assert.Equal([
            "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
            "multihead_attn.in_proj_weight", "multihead_attn.in_proj_bias", "multihead_attn.out_proj.weight", "multihead_attn.out_proj.bias",
            "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
            "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias", "norm3.weight", "norm3.bias"], layer.StateDict().Keys);
        Assert.Equal(["self_attn", "multihead_attn", "linear1", "dropout", "linear2", "norm1", "norm2", "norm3", "dropout1", "dropout2", "dropout3"],
            layer.NamedChildren().Select(c => c.Name));
        Assert.Equal(2048, new TransformerDecoderLayer(4, 2).Linear1.OutFeatures);
        Assert.DoesNotContain(new TransformerDecoderLayer(4, 2, bias: false).StateDict().Keys, k => k.EndsWith("bias"));
    }

    [Fact]
    public void ShapesAndDeterministicDropout()
    {
        var tgt = Tensor.Randn([2, 5, 8], new Generator(1));
        var memory = Tensor.Randn([2, 3, 8], new Generator(2));
        var a = new TransformerDecoderLayer(8, 2, 16, batchFirst: true, generator: new Generator(3)).Forward(tgt, memory);
        var b = new TransformerDecoderLayer(8, 2, 16, batchFirst: true, generator: new Generator(3)).Forward(tgt, memory);
        Assert.Equal([2, 5, 8], a.Shape);
        Assert.Equal(a.ToArray(), b.ToArray());
        var unbatched = new TransformerDecoderLayer(8, 2, 16, generator: new Generator(3));
        unbatched.Eval();
        Assert.Equal([5, 8], unbatched.Forward(Tensor.Randn([5, 8], new Generator(4)), Tensor.Randn([3, 8], new Generator(5))).Shape);
    }

    [Fact]
    public void GradientCheck()
    {
        var causal = Tensor.Ones(3, 3).Triu(1).Bool();
        var memory = Tensor.Randn([4, 2, 4], new Generator(4));
        ModuleGradCheck.Assert(new WithMemory(new TransformerDecoderLayer(4, 2, 6, dropout: 0f, generator: new Generator(3)), memory, causal),
            Tensor.Randn([3, 2, 4], new Generator(5)));
        ModuleGradCheck.Assert(new WithMemory(new TransformerDecoderLayer(4, 2, 6, dropout: 0f, activation: "gelu", normFirst: true, batchFirst: true,
            generator: new Generator(6)), Tensor.Randn([2, 4, 4], new Generator(7)), null), Tensor.Randn([2, 3, 4], new Generator(8)));
    }

    [Fact]
    public void CloneCopiesValuesFlagsAndModeAndIsIndependent()
    {
        var layer = new TransformerDecoderLayer(4, 2, 6, generator: new Generator(1));
        layer.Norm3.Weight!.RequiresGrad = false;
        layer.Eval();
        var copy = layer.Clone();
        Assert.Equal(layer.StateDict().Keys, copy.StateDict().Keys);
        foreach (var ((_, a), (_, b)) in layer.StateDict().Zip(copy.StateDict())) Assert.Equal(a.ToArray(), b.ToArray());
        Assert.False(copy.Norm3.Weight!.RequiresGrad);
        Assert.False(copy.Training || copy.Dropout2.Training);
        copy.Linear1.Weight.DataSpan[0] += 1f;
        Assert.NotEqual(layer.Linear1.Weight.DataSpan[0], copy.Linear1.Weight.DataSpan[0]);
    }

    [Fact]
    public void BadInputIsNamed()
    {
        var layer = new TransformerDecoderLayer(4, 2, 6);
        var e = Assert.Throws<ArgumentException>(() => new TransformerDecoderLayer(4, 2, activation: "tanh"));
        Assert.Contains("TransformerDecoderLayer: activation must be \"relu\" or \"gelu\"; got \"tanh\"", e.Message);
        e = Assert.Throws<ArgumentException>(() => layer.Forward(Tensor.Zeros(3, 2, 4), Tensor.Zeros(5, 3, 4)));
        Assert.Contains("TransformerDecoderLayer: tgt and memory must have the same batch size N (dimension 1); got tgt [3, 2, 4] and memory [5, 3, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => layer.Forward(Tensor.Zeros(3, 2, 4), Tensor.Zeros(5, 2, 6)));
        Assert.Contains("TransformerDecoderLayer: the last dimension of tgt and memory must be dModel = 4; got tgt [3, 2, 4] and memory [5, 2, 6]", e.Message);
        e = Assert.Throws<ArgumentException>(() => layer.Forward(Tensor.Zeros(3, 2, 4), Tensor.Zeros(5, 4)));
        Assert.Contains("TransformerDecoderLayer: tgt and memory must be [T, N, dModel] and [S, N, dModel]", e.Message);
        var n = Assert.Throws<NotSupportedException>(() => layer.Forward(Tensor.Zeros(3, 2, 4)));
        Assert.Contains("TransformerDecoderLayer: Forward(tgt) has no memory to attend to", n.Message);
    }

    // The memory is a parameter here, so the gradient check covers it with the target and the weights.
    internal sealed class WithMemory : Module
    {
        private readonly Module _inner;
        private readonly Parameter _memory;
        private readonly BoolTensor? _tgtMask;

        public WithMemory(Module inner, Tensor memory, BoolTensor? tgtMask)
        {
            _inner = RegisterModule("inner", inner);
            _memory = RegisterParameter("memory", memory.Detach().Clone());
            _tgtMask = tgtMask;
        }

        public override Tensor Forward(Tensor input) => _inner switch
        {
            TransformerDecoderLayer layer => layer.Forward(input, _memory, tgtMask: _tgtMask, tgtIsCausal: _tgtMask != null),
            TransformerDecoder decoder => decoder.Forward(input, _memory, tgtMask: _tgtMask, tgtIsCausal: _tgtMask != null),
            _ => throw new NotSupportedException(_inner.GetType().Name),
        };
    }
}

using Descent.Nn;
using static Descent.Parity.Oracle;
using static Descent.Parity.TransformerParityTests;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>
/// TransformerDecoderLayer, TransformerEncoder and TransformerDecoder against libtorch, built from primitives
/// after torch/nn/modules/transformer.py (_sa_block, _mha_block, _ff_block, post- or pre-norm; the stacks loop
/// over their layers with the same masks, then the optional norm): TorchSharp 0.107's modules lack batch_first
/// and norm_first and add boolean masks as 0/1. The memory is a parameter of the wrapper under test, so its
/// gradient is compared with the target's and every weight's. Dropout is 0 in training or ignored in eval.
/// </summary>
public class TransformerStackParityTests
{
    private const int Heads = 2;

    private static TT DecoderLayer(TT tgt, TT memory, Dictionary<string, TT> w, TransformerDecoderLayer layer, Masks? m)
    {
        bool bf = layer.BatchFirst;
        var (selfAttn, crossAttn) = (Under(w, "self_attn"), Under(w, "multihead_attn"));
        TT Sa(TT x) => Attention(x, x, selfAttn, Heads, bf, m?.Tgt, m?.TgtPadding);
        TT Mha(TT x) => Attention(x, memory, crossAttn, Heads, bf, m?.Memory, m?.MemoryPadding);
        TT Ff(TT x) => FeedForward(x, w, layer.Activation);
        var z = tgt;
        if (layer.NormFirst)
        {
            z = z + Sa(LayerNorm(z, w, "norm1"));
            z = z + Mha(LayerNorm(z, w, "norm2"));
            return z + Ff(LayerNorm(z, w, "norm3"));
        }
        z = LayerNorm(z + Sa(z), w, "norm1");
        z = LayerNorm(z + Mha(z), w, "norm2");
        return LayerNorm(z + Ff(z), w, "norm3");
    }

    // Target length 4, memory length 3, batch 2; no row fully masked (the fused and explicit paths differ there).
    private sealed record Masks(BoolTensor TgtB, BoolTensor TgtPaddingB, BoolTensor MemoryB, BoolTensor MemoryPaddingB)
    {
        public TT Tgt => ToTorch(TgtB);
        public TT TgtPadding => ToTorch(TgtPaddingB);
        public TT Memory => ToTorch(MemoryB);
        public TT MemoryPadding => ToTorch(MemoryPaddingB);

        public static Masks Make() => new(Tensor.Ones(4, 4).Triu(1).Bool(),
            BoolTensor.FromArray([false, false, false, true, false, false, true, true], [2, 4]),
            BoolTensor.FromArray([false, true, false, false, false, true, false, true, false, false, false, true], [4, 3]),
            BoolTensor.FromArray([false, false, true, false, false, false], [2, 3]));
    }

    // Feeds memory (a parameter, so its gradient is compared) and the masks through ModuleOracle's one-input Forward.
    private sealed class WithMemory : Module
    {
        private readonly Module _inner;
        private readonly Func<Tensor, Tensor, Tensor> _forward;

        public WithMemory(Tensor memory, Module inner, Func<Tensor, Tensor, Tensor> forward)
        {
            Memory = RegisterParameter("memory", memory.Detach().Clone());
            _inner = RegisterModule("inner", inner);
            _forward = forward;
        }

        public Parameter Memory { get; }

        public override Tensor Forward(Tensor input) => _forward(input, Memory);
    }

    private static void CheckDecoder(string name, Module inner, bool batchFirst, Func<Tensor, Tensor, Tensor> ours,
        Func<TT, TT, Dictionary<string, TT>, TT> theirs, ulong seed)
    {
        var memory = Rand(new Generator(seed), batchFirst ? [2, 3, 8] : [3, 2, 8]);
        var tgt = Rand(new Generator(seed + 1), batchFirst ? [2, 4, 8] : [4, 2, 8]);
        var module = new WithMemory(memory, inner, ours);
        ModuleOracle.Check(name, module, t =>
        {
            var w = Weights(module, t[1..]);
            return theirs(t[0], w["memory"], Under(w, "inner"));
        }, tgt, tolerance: 2e-5);
    }

    [Theory]
    [InlineData(false, false, "relu", false)]
    [InlineData(true, false, "gelu", false)]
    [InlineData(false, true, "gelu", true)]
    [InlineData(true, true, "relu", true)]
    [Parity("Nn.TransformerDecoderLayer")]
    public void DecoderLayerWithoutMasks(bool batchFirst, bool normFirst, string activation, bool eval)
    {
        var layer = new TransformerDecoderLayer(8, Heads, dimFeedforward: 12, dropout: eval ? 0.1f : 0f, activation: activation,
            batchFirst: batchFirst, normFirst: normFirst, generator: new Generator(3));
        if (eval) layer.Eval();
        CheckDecoder($"TransformerDecoderLayer batchFirst={batchFirst} normFirst={normFirst} {activation} eval={eval}", layer, batchFirst,
            (x, mem) => layer.Forward(x, mem), (x, mem, w) => DecoderLayer(x, mem, w, layer, null), 20);
    }

    [Theory]
    [InlineData(false, false, true)]
    [InlineData(true, true, false)]
    [InlineData(false, true, true)]
    [InlineData(true, false, false)]
    [Parity("Nn.TransformerDecoderLayer")]
    public void DecoderLayerWithAllMasks(bool batchFirst, bool normFirst, bool bias)
    {
        var layer = new TransformerDecoderLayer(8, Heads, dimFeedforward: 16, dropout: 0f, activation: "gelu",
            batchFirst: batchFirst, normFirst: normFirst, bias: bias, generator: new Generator(5));
        var m = Masks.Make();
        CheckDecoder($"TransformerDecoderLayer masks batchFirst={batchFirst} normFirst={normFirst} bias={bias}", layer, batchFirst,
            (x, mem) => layer.Forward(x, mem, m.TgtB, m.MemoryB, m.TgtPaddingB, m.MemoryPaddingB, tgtIsCausal: true),
            (x, mem, w) => DecoderLayer(x, mem, w, layer, m), 30);
    }
}

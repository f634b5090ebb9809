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

    private static TT Decoder(TT tgt, TT memory, Dictionary<string, TT> w, TransformerDecoder decoder, Masks? m)
    {
        for (int i = 0; i < decoder.Layers.Count; i++) tgt = DecoderLayer(tgt, memory, Under(w, $"layers.{i}"), decoder.Layers[i], m);
        return decoder.Norm == null ? tgt : LayerNorm(tgt, w, "norm");
    }

    private static TT Encoder(TT src, Dictionary<string, TT> w, TransformerEncoder encoder, Masks? m)
    {
        for (int i = 0; i < encoder.Layers.Count; i++) src = EncoderLayer(src, Under(w, $"layers.{i}"), encoder.Layers[i], Heads, m?.Tgt, m?.TgtPadding);
        return encoder.Norm == null ? src : LayerNorm(src, w, "norm");
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

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, true, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [Parity("Nn.TransformerDecoder")]
    public void DecoderStack(bool withNorm, bool normFirst, bool masks)
    {
        var layer = new TransformerDecoderLayer(8, Heads, dimFeedforward: 12, dropout: 0f, batchFirst: normFirst, normFirst: normFirst, generator: new Generator(7));
        var decoder = new TransformerDecoder(layer, 2, withNorm ? new LayerNorm(8) : null);
        var m = masks ? Masks.Make() : null;
        CheckDecoder($"TransformerDecoder norm={withNorm} normFirst={normFirst} masks={masks}", decoder, normFirst,
            (x, mem) => m == null ? decoder.Forward(x, mem) : decoder.Forward(x, mem, m.TgtB, m.MemoryB, m.TgtPaddingB, m.MemoryPaddingB, tgtIsCausal: true),
            (x, mem, w) => Decoder(x, mem, w, decoder, m), 40);
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, true, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [Parity("Nn.TransformerEncoder")]
    public void EncoderStack(bool withNorm, bool normFirst, bool masks)
    {
        var layer = new TransformerEncoderLayer(8, Heads, dimFeedforward: 12, dropout: masks ? 0.1f : 0f, batchFirst: normFirst, normFirst: normFirst,
            generator: new Generator(9));
        var encoder = new TransformerEncoder(layer, 3, withNorm ? new LayerNorm(8) : null);
        if (masks) encoder.Eval();
        var m = masks ? Masks.Make() : null;
        var x = Rand(new Generator(10), normFirst ? [2, 4, 8] : [4, 2, 8]);
        var module = new Masked(encoder, m);
        ModuleOracle.Check($"TransformerEncoder norm={withNorm} normFirst={normFirst} masks={masks}", module,
            t => Encoder(t[0], Under(Weights(module, t[1..]), "inner"), encoder, m), x, tolerance: 2e-5);
    }

    private sealed class Masked : Module
    {
        private readonly TransformerEncoder _inner;
        private readonly Masks? _masks;

        public Masked(TransformerEncoder encoder, Masks? masks)
        {
            _inner = RegisterModule("inner", encoder);
            _masks = masks;
        }

        public override Tensor Forward(Tensor input) =>
            _masks == null ? _inner.Forward(input) : _inner.Forward(input, _masks.TgtB, _masks.TgtPaddingB, isCausal: true);
    }
}

using Descent.Nn;
using TorchSharp;
using static Descent.Parity.Oracle;
using F = TorchSharp.torch.nn.functional;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>
/// TransformerEncoderLayer against libtorch, built from primitives after torch/nn/modules/transformer.py's
/// forward (_sa_block, _ff_block, post- or pre-norm): TorchSharp 0.107's layer lacks batch_first and
/// norm_first and adds boolean masks as 0/1. The attention is MultiheadAttentionParityTests' reference.
/// Dropout is 0 in training or ignored in eval, so both sides compute the same function.
/// </summary>
public class TransformerParityTests
{
    private static TT Reference(TT src, TT[] p, TransformerEncoderLayer layer, int heads, TT? mask, TT? padding) =>
        EncoderLayer(src, Weights(layer, p), layer, heads, mask, padding);

    /// <summary>libtorch's copies of <paramref name="module"/>'s parameters by state-dict name, as ModuleOracle hands them over.</summary>
    internal static Dictionary<string, TT> Weights(Module module, TT[] p) =>
        module.NamedParameters().Select((n, i) => (n.Name, p[i])).ToDictionary(x => x.Name, x => x.Item2);

    /// <summary>The entries of <paramref name="w"/> under <paramref name="prefix"/>, with the prefix removed.</summary>
    internal static Dictionary<string, TT> Under(Dictionary<string, TT> w, string prefix) =>
        w.Where(kv => kv.Key.StartsWith(prefix + ".", StringComparison.Ordinal)).ToDictionary(kv => kv.Key[(prefix.Length + 1)..], kv => kv.Value);

    /// <summary>nn.MultiheadAttention's need_weights=False output for sequence-first or batch-first inputs.</summary>
    internal static TT Attention(TT query, TT memory, Dictionary<string, TT> attn, int heads, bool batchFirst, TT? mask, TT? padding)
    {
        var (q, kv) = batchFirst ? (query.transpose(0, 1), memory.transpose(0, 1)) : (query, memory);
        var y = MultiheadAttentionParityTests.Reference(q, kv, kv, attn, heads, padding, mask, needWeights: false, average: true).Output;
        return batchFirst ? y.transpose(0, 1) : y;
    }

    internal static TT LayerNorm(TT x, Dictionary<string, TT> w, string name) =>
        F.layer_norm(x, [x.shape[^1]], w[name + ".weight"], w.GetValueOrDefault(name + ".bias"), 1e-5);

    internal static TT FeedForward(TT x, Dictionary<string, TT> w, string activation)
    {
        var h = F.linear(x, w["linear1.weight"], w.GetValueOrDefault("linear1.bias"));
        h = activation == "gelu" ? F.gelu(h) : F.relu(h);
        return F.linear(h, w["linear2.weight"], w.GetValueOrDefault("linear2.bias"));
    }

    /// <summary>TransformerEncoderLayer.forward from primitives, its parameters in <paramref name="w"/> by state-dict name.</summary>
    internal static TT EncoderLayer(TT src, Dictionary<string, TT> w, TransformerEncoderLayer layer, int heads, TT? mask, TT? padding)
    {
        var attn = Under(w, "self_attn");
        TT SelfAttention(TT x) => Attention(x, x, attn, heads, layer.SelfAttn.BatchFirst, mask, padding);
        TT Norm(TT x, string name) => LayerNorm(x, w, name);
        TT FeedForward(TT x) => TransformerParityTests.FeedForward(x, w, layer.Activation);
        var z = src;
        if (layer.NormFirst)
        {
            z = z + SelfAttention(Norm(z, "norm1"));
            return z + FeedForward(Norm(z, "norm2"));
        }
        z = Norm(z + SelfAttention(z), "norm1");
        return Norm(z + FeedForward(z), "norm2");
    }

    [Theory]
    [InlineData(false, false, "relu", false)]
    [InlineData(true, false, "gelu", false)]
    [InlineData(false, true, "relu", true)]
    [InlineData(true, true, "gelu", true)]
    [Parity("Nn.TransformerEncoderLayer")]
    public void Layer(bool batchFirst, bool normFirst, string activation, bool eval)
    {
        var layer = new TransformerEncoderLayer(8, 2, dimFeedforward: 12, dropout: eval ? 0.1f : 0f, activation: activation,
            batchFirst: batchFirst, normFirst: normFirst, generator: new Generator(3));
        if (eval) layer.Eval();
        var x = Rand(new Generator(4), batchFirst ? [2, 5, 8] : [5, 2, 8]);
        ModuleOracle.Check($"TransformerEncoderLayer batchFirst={batchFirst} normFirst={normFirst} {activation}", layer,
            t => Reference(t[0], t[1..], layer, 2, null, null), x);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    [Parity("Nn.TransformerEncoderLayer")]
    public void WithCausalAndPaddingMasks(bool normFirst)
    {
        var layer = new TransformerEncoderLayer(8, 2, dimFeedforward: 16, dropout: 0f, batchFirst: true, normFirst: normFirst, bias: false, generator: new Generator(5));
        var causal = Tensor.Ones(4, 4).Triu(1).Bool();
        var padding = BoolTensor.FromArray([false, false, false, true, false, false, true, true], [2, 4]);
        var x = Rand(new Generator(6), [2, 4, 8]);
        ModuleOracle.Check($"TransformerEncoderLayer masks normFirst={normFirst}", new Masked(layer, causal, padding),
            t => Reference(t[0], t[1..], layer, 2, ToTorch(causal), ToTorch(padding)), x);
    }

    // Feeds the masks through ModuleOracle's one-input Forward.
    private sealed class Masked : Module
    {
        private readonly TransformerEncoderLayer _layer;
        private readonly BoolTensor _mask, _padding;

        public Masked(TransformerEncoderLayer layer, BoolTensor mask, BoolTensor padding)
        {
            _layer = RegisterModule("layer", layer);
            (_mask, _padding) = (mask, padding);
        }

        public override Tensor Forward(Tensor input) => _layer.Forward(input, _mask, _padding, isCausal: true);
    }
}

using Descent.Nn;
using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;
using F = TorchSharp.torch.nn.functional;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Results;

/// <summary>
/// The module of <see cref="Gpt"/>'s docs in libtorch, its weights copied from a Descent <see cref="Gpt"/> by
/// state-dict name: token and position embeddings, pre-norm blocks (LayerNorm → in_proj → causal
/// scaled_dot_product_attention → out_proj, LayerNorm → linear1 → exact GELU → linear2, each added to the residual
/// stream), the final LayerNorm and the head tied to the token embedding. It is written with functional ops
/// rather than nn.TransformerEncoderLayer because TorchSharp 0.107's layer has neither norm_first nor batch_first;
/// the ops are those the PyTorch layer calls, so the arithmetic is the module's. Shared by the results program
/// (the side-by-side run) and tests/Descent.Parity (which checks it against Descent's logits and loss).
/// </summary>
internal sealed class TorchGpt
{
    private readonly Dictionary<string, Parameter> _p = [];

    /// <summary>Copies every parameter of <paramref name="model"/> (the tied head once, as the token embedding).</summary>
    public TorchGpt(Gpt model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Config = model.Config;
        foreach (var (name, p) in model.NamedParameters())
            _p[name] = new Parameter(torch.tensor(p.ToArray(), [.. p.Shape.Select(d => (long)d)]), requires_grad: true);
    }

    /// <summary>The model's shape.</summary>
    public GptConfig Config { get; }

    /// <summary>Every parameter by Descent's state-dict name.</summary>
    public IReadOnlyDictionary<string, Parameter> Parameters => _p;

    /// <summary>The matrices (rank ≥ 2), which take weight decay, as <c>DecayGroups.MatricesOnly</c> splits them.</summary>
    public IEnumerable<Parameter> Matrices => _p.Values.Where(p => p.dim() >= 2);

    /// <summary>The vectors (biases and norms), which take none.</summary>
    public IEnumerable<Parameter> Vectors => _p.Values.Where(p => p.dim() < 2);

    /// <summary>Logits [batch, T, vocab] for int64 token ids [batch, T].</summary>
    public TT Forward(TT ids)
    {
        long batch = ids.shape[0], t = ids.shape[1];
        int width = Config.Width, heads = Config.Heads;
        var x = _p["token_embedding.weight"].index_select(0, ids.flatten()).reshape(batch, t, width)
            + _p["position_embedding.weight"].narrow(0, 0, t);
        for (int i = 0; i < Config.Layers; i++)
        {
            string b = $"blocks.layers.{i}.";
            var h = Norm(x, b + "norm1");
            var qkv = F.linear(h, _p[b + "self_attn.in_proj_weight"], _p[b + "self_attn.in_proj_bias"]).chunk(3, -1);
            TT Split(TT m) => m.reshape(batch, t, heads, width / heads).transpose(1, 2);
            var attended = F.scaled_dot_product_attention(Split(qkv[0]), Split(qkv[1]), Split(qkv[2]), null, 0.0, true);
            x = x + F.linear(attended.transpose(1, 2).reshape(batch, t, width), _p[b + "self_attn.out_proj.weight"], _p[b + "self_attn.out_proj.bias"]);
            h = F.gelu(F.linear(Norm(x, b + "norm2"), _p[b + "linear1.weight"], _p[b + "linear1.bias"]));
            x = x + F.linear(h, _p[b + "linear2.weight"], _p[b + "linear2.bias"]);
        }
        return F.linear(Norm(x, "final_norm"), _p["token_embedding.weight"]);
    }

    /// <summary>The mean cross-entropy of the next tokens <paramref name="targets"/> [batch, T].</summary>
    public TT Loss(TT ids, TT targets) =>
        F.cross_entropy(Forward(ids).reshape(-1, Config.VocabSize), targets.reshape(-1));

    /// <summary>A Descent id tensor as libtorch's int64.</summary>
    public static TT Ids(IntTensor ids) => torch.tensor(ids.Data.ToArray(), [.. ids.Shape.Select(d => (long)d)]);

    private TT Norm(TT x, string name) => F.layer_norm(x, [Config.Width], _p[name + ".weight"], _p[name + ".bias"], 1e-5);
}

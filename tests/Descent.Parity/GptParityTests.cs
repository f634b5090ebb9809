using Descent.Nn;
using TorchSharp;
using static Descent.Parity.Oracle;
using static Descent.Parity.TransformerParityTests;
using F = TorchSharp.torch.nn.functional;
using Module = Descent.Nn.Module;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>
/// Gpt against the same model in libtorch from the same weights: embeddings by index_select, the blocks as
/// TransformerEncoderLayer(norm_first, gelu, batch_first) under the causal mask (built from primitives, as
/// TransformerParityTests does, since TorchSharp 0.107's layer lacks norm_first and batch_first), the final
/// LayerNorm and the head as F.linear with the token embedding. In train mode with dropout 0, the logits, the
/// cross-entropy loss and every parameter's gradient (the tied one summed over both uses) must agree.
/// </summary>
public class GptParityTests
{
    private static TT Reference(TT ids, Dictionary<string, TT> w, Gpt model)
    {
        var idx = ids.to(torch.int64);
        long batch = idx.shape[0], t = idx.shape[1];
        var c = model.Config;
        var x = w["token_embedding.weight"].index_select(0, idx.flatten()).reshape(batch, t, c.Width)
            + w["position_embedding.weight"].narrow(0, 0, t);
        var causal = ToTorch(Tensor.Ones((int)t, (int)t).Triu(1).Bool());
        for (int i = 0; i < c.Layers; i++) x = EncoderLayer(x, Under(w, $"blocks.layers.{i}"), model.Blocks.Layers[i], c.Heads, causal, null);
        return F.linear(LayerNorm(x, w, "final_norm"), w["token_embedding.weight"]);
    }

    private static (Gpt Model, Tensor Ids) Make(int vocab, int block, int layers, int heads, int width, int batch, int t, ulong seed)
    {
        var model = new Gpt(new GptConfig(vocab, block, layers, heads, width), new Generator(seed));
        var ids = IntTensor.RandInt(0, vocab, [batch, t], new Generator(seed + 1)).Float();
        return (model, ids);
    }

    [Theory]
    [InlineData(13, 8, 2, 2, 8, 2, 5)]
    [InlineData(29, 6, 3, 4, 16, 3, 6)]
    [Parity("Nn.Gpt")]
    public void LogitsAndGradientsMatch(int vocab, int block, int layers, int heads, int width, int batch, int t)
    {
        var (model, ids) = Make(vocab, block, layers, heads, width, batch, t, (ulong)(vocab + t));
        ModuleOracle.Check($"Gpt logits vocab={vocab} layers={layers} width={width} [{batch}, {t}]", model,
            p => Reference(p[0], Weights(model, p[1..]), model), ids, tolerance: 2e-5);
    }

    // The training loss as one module, so ModuleOracle compares it and the gradients it sends to every parameter.
    private sealed class LossModule : Module
    {
        private readonly Gpt _model;
        private readonly IntTensor _targets;

        public LossModule(Gpt model, IntTensor targets)
        {
            _model = RegisterModule("model", model);
            _targets = targets;
        }

        public override Tensor Forward(Tensor input) =>
            Losses.CrossEntropy(_model.Forward(input).Reshape(-1, _model.Config.VocabSize), _targets.Reshape(-1));
    }

    [Theory]
    [InlineData(11, 8, 2, 2, 8, 3, 8)]
    [InlineData(65, 16, 1, 4, 16, 2, 11)]
    [Parity("Nn.Gpt")]
    public void CrossEntropyLossAndGradientsMatch(int vocab, int block, int layers, int heads, int width, int batch, int t)
    {
        var (model, ids) = Make(vocab, block, layers, heads, width, batch, t, (ulong)(3 * vocab + t));
        var targets = IntTensor.RandInt(0, vocab, [batch, t], new Generator(5));
        var loss = new LossModule(model, targets);
        ModuleOracle.Check($"Gpt loss vocab={vocab} layers={layers} width={width} [{batch}, {t}]", loss, p =>
        {
            var logits = Reference(p[0], Under(Weights(loss, p[1..]), "model"), model);
            return F.cross_entropy(logits.reshape(-1, vocab), ToTorch(targets).reshape(-1));
        }, ids, tolerance: 2e-5);
    }
}

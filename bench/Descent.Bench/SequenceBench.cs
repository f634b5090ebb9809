using Descent.Nn;
using Descent.Optim;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Bench;

/// <summary>
/// The sequence-layer cases: a pre-norm transformer encoder block and a one-layer LSTM, one train step each
/// (forward, MSE against a fixed random target, backward, AdamW step), timed on each thread count of the
/// run (1, then --threads N) in both libraries.
/// </summary>
public static class SequenceBench
{
    private const int Width = 128, Heads = 4, Feedforward = 512;

    /// <summary>
    /// Batch 12, T 64, width 128, 4 heads, MLP 512 with ReLU, pre-norm, no dropout; AdamW lr 1e-3 wd 0.01.
    /// Descent: <see cref="TransformerEncoderLayer"/>(128, 4, 512, dropout 0, normFirst, batchFirst).
    /// libtorch: TorchSharp 0.107's nn.TransformerEncoderLayer has neither norm_first nor batch_first, so the
    /// block is composed from functional ops on copies of Descent's initial parameters, as PyTorch's
    /// norm_first layer calls them: x + out_proj(SDPA(split(in_proj(layer_norm1(x))))), then
    /// x + linear2(relu(linear1(layer_norm2(x)))). The attention is one fused in-projection 128→384 (q, k, v),
    /// heads [N, 4, T, 32], F.scaled_dot_product_attention (no mask), and the out-projection 128→128, the
    /// same matrix products and the same SDPA as Descent's MultiheadAttention with needWeights false.
    /// </summary>
    public static IEnumerable<Row> Transformer(Timing timing, int[] threadCounts)
    {
        const int batch = 12, steps = 64;
        var gen = new Generator(11);
        var layer = new TransformerEncoderLayer(Width, Heads, dimFeedforward: Feedforward, dropout: 0f, normFirst: true, batchFirst: true, generator: gen);
        var named = layer.NamedParameters().ToList();
        var w = named.ToDictionary(n => n.Name, n => new TorchSharp.Modules.Parameter(TrainingBench.ToTorch(n.Parameter)));
        var x = Tensor.Randn([batch, steps, Width], gen);
        var target = Tensor.Randn([batch, steps, Width], gen);
        var tx = TrainingBench.ToTorch(x);
        var tTarget = TrainingBench.ToTorch(target);
        var opt = new AdamW(named.Select(n => (Tensor)n.Parameter), lr: 1e-3, weightDecay: 0.01);
        var topt = torch.optim.AdamW(w.Values, lr: 1e-3, weight_decay: 0.01);
        var lossFn = new MSELoss();
        long[] widthShape = [Width];
        TT TorchForward(TT src)
        {
            TT Norm(TT z, string name) => F.layer_norm(z, widthShape, w[name + ".weight"], w[name + ".bias"], 1e-5);
            var h = Norm(src, "norm1");
            var qkv = F.linear(h, w["self_attn.in_proj_weight"], w["self_attn.in_proj_bias"]).chunk(3, -1);
            TT Heads4(TT t) => t.view(batch, steps, Heads, Width / Heads).transpose(1, 2);
            var attended = F.scaled_dot_product_attention(Heads4(qkv[0]), Heads4(qkv[1]), Heads4(qkv[2]))
                .transpose(1, 2).reshape(batch, steps, Width);
            var z = src + F.linear(attended, w["self_attn.out_proj.weight"], w["self_attn.out_proj.bias"]);
            var f = F.relu(F.linear(Norm(z, "norm2"), w["linear1.weight"], w["linear1.bias"]));
            return z + F.linear(f, w["linear2.weight"], w["linear2.bias"]);
        }
        SameLoss("transformer", lossFn.Forward(layer.Forward(x), target), F.mse_loss(TorchForward(tx), tTarget));
        return ThreadCounts.Each(threadCounts, t => timing.Compare("transformer", "pre-norm block step, B12 T64 d128", t,
            Steps.Descent(opt, () => lossFn.Forward(layer.Forward(x), target), named[0].Parameter),
            Steps.Torch(topt, w.Values.ToList(), () => F.mse_loss(TorchForward(tx), tTarget)),
            Flops.TransformerTrain(batch, steps, Width, Feedforward), Target.Model));
    }

    /// <summary>
    /// LSTM(64, 128), one layer, sequence-first input [T 64, N 32, 64], zero initial states; MSE of the output
    /// sequence [64, 32, 128] against a fixed random target; AdamW lr 1e-3 wd 0.01. libtorch: nn.LSTM(64, 128)
    /// with Descent's initial weights copied in (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0).
    /// </summary>
    public static IEnumerable<Row> Lstm(Timing timing, int[] threadCounts)
    {
        const int batch = 32, steps = 64, input = 64, hidden = 128;
        var gen = new Generator(12);
        var lstm = new LSTM(input, hidden, generator: gen);
        var theirs = torch.nn.LSTM(input, hidden);
        var ourParams = lstm.NamedParameters().ToDictionary(n => n.Name, n => n.Parameter);
        using (torch.no_grad())
        {
            foreach (var (name, p) in theirs.named_parameters())
                p.copy_(TrainingBench.ToTorch(ourParams[name]));
        }
        var x = Tensor.Randn([steps, batch, input], gen);
        var target = Tensor.Randn([steps, batch, hidden], gen);
        var tx = TrainingBench.ToTorch(x);
        var tTarget = TrainingBench.ToTorch(target);
        var opt = new AdamW(lstm.Parameters(), lr: 1e-3, weightDecay: 0.01);
        var topt = torch.optim.AdamW(theirs.parameters(), lr: 1e-3, weight_decay: 0.01);
        var lossFn = new MSELoss();
        SameLoss("lstm", lossFn.Forward(lstm.Forward(x), target), F.mse_loss(theirs.call(tx).Item1, tTarget));
        return ThreadCounts.Each(threadCounts, t => timing.Compare("lstm", "LSTM(64,128) step, B32 T64", t,
            Steps.Descent(opt, () => lossFn.Forward(lstm.Forward(x), target), ourParams["weight_ih_l0"]),
            Steps.Torch(topt, theirs.parameters().ToList(), () => F.mse_loss(theirs.call(tx).Item1, tTarget)),
            Flops.LstmTrain(batch, steps, input, hidden), Target.Model));
    }

    // Same weights and data, so the first losses agree: a check that both sides compute the same thing.
    private static void SameLoss(string section, Tensor ours, TT theirs)
    {
        float a = ours.Item(), b = theirs.item<float>();
        if (Math.Abs(a - b) > 1e-4f * Math.Max(1f, Math.Abs(b)))
            throw new InvalidOperationException($"{section}: the two sides differ before timing: loss {a} (Descent) vs {b} (libtorch)");
    }
}

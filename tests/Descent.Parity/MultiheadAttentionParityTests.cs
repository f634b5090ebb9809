using Descent.Nn;
using TorchSharp;
using static Descent.Parity.Oracle;
using F = TorchSharp.torch.nn.functional;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>
/// MultiheadAttention against libtorch. TorchSharp 0.107's nn.MultiheadAttention deviates from PyTorch
/// (a boolean attn_mask is added as 0/1 instead of masking with −∞, no batch_first, need_weights: false
/// throws, no kdim ≠ vdim), so the oracle is built from libtorch primitives line by line after
/// torch/nn/functional.py's multi_head_attention_forward: in-projection, [N·heads, L, Eh] heads, boolean
/// masks turned into −∞ float masks and merged with the key-padding mask, then either the explicit
/// baddbmm/softmax/bmm path (need_weights) or scaled_dot_product_attention, and the out-projection.
/// Output, attention weights, the gradients of query, key and value and of every parameter are compared.
/// </summary>
public class MultiheadAttentionParityTests
{
    private static BoolTensor RandomMask(Generator g, float blocked, params int[] shape)
    {
        var data = new bool[Shape.Numel(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = g.NextFloat() < blocked;
        // Key 0 always allowed, so no row is fully masked (the two paths differ there, as in PyTorch).
        for (int i = 0; i < data.Length; i += shape[^1]) data[i] = false;
        return BoolTensor.FromArray(data, shape);
    }

    private static TT FloatMask(TT boolMask) => torch.zeros(boolMask.shape, dtype: torch.float32).masked_fill(boolMask, float.NegativeInfinity);

    // multi_head_attention_forward with dropout 0; inputs sequence first; parameters by state-dict name.
    internal static (TT Output, TT? Weights) Reference(TT query, TT key, TT value, Dictionary<string, TT> p, int heads,
        TT? keyPaddingMask, TT? attnMask, bool needWeights, bool average)
    {
        long l = query.shape[0], n = query.shape[1], e = query.shape[2], s = key.shape[0], eh = e / heads;
        TT wq, wk, wv;
        if (p.TryGetValue("in_proj_weight", out var w)) (wq, wk, wv) = (w.narrow(0, 0, e), w.narrow(0, e, e), w.narrow(0, 2 * e, e));
        else (wq, wk, wv) = (p["q_proj_weight"], p["k_proj_weight"], p["v_proj_weight"]);
        TT? bq = null, bk = null, bv = null;
        if (p.TryGetValue("in_proj_bias", out var b)) (bq, bk, bv) = (b.narrow(0, 0, e), b.narrow(0, e, e), b.narrow(0, 2 * e, e));
        var q = F.linear(query, wq, bq);
        var k = F.linear(key, wk, bk);
        var v = F.linear(value, wv, bv);

        TT? mask = attnMask is null ? null : attnMask.dtype == torch.@bool ? FloatMask(attnMask) : attnMask;
        if (mask is not null && mask.dim() == 2) mask = mask.unsqueeze(0);
        q = q.view(l, n * heads, eh).transpose(0, 1);
        k = k.view(s, n * heads, eh).transpose(0, 1);
        v = v.view(s, n * heads, eh).transpose(0, 1);
        if (keyPaddingMask is not null)
        {
            var kpm = FloatMask(keyPaddingMask).view(n, 1, 1, s).expand(-1, heads, -1, -1).reshape(n * heads, 1, s);
            mask = mask is null ? kpm : mask + kpm;
        }

        TT attended;
        TT? weights = null;
        if (needWeights)
        {
            var qScaled = q * Math.Sqrt(1.0 / eh);
            // baddbmm(mask, q, kᵀ) in PyTorch; TorchSharp's binding orders its operands differently, and the sum is the same.
            var scores = torch.bmm(qScaled, k.transpose(-2, -1));
            if (mask is not null) scores = scores + mask;
            weights = scores.softmax(-1);
            attended = torch.bmm(weights, v).transpose(0, 1).contiguous().view(l * n, e);
            weights = weights.view(n, heads, l, s);
            if (average) weights = weights.mean([1]);
        }
        else
        {
            if (mask is not null) mask = mask.size(0) == 1 && mask.dim() == 3 ? mask.unsqueeze(0) : mask.view(n, heads, -1, s);
            var out4 = F.scaled_dot_product_attention(q.view(n, heads, l, eh), k.view(n, heads, s, eh), v.view(n, heads, s, eh), mask);
            attended = out4.permute(2, 0, 1, 3).contiguous().view(n * l, e);
        }
        var output = F.linear(attended, p["out_proj.weight"], p.GetValueOrDefault("out_proj.bias")).view(l, n, e);
        return (output, weights);
    }

    private static void Compare(string name, MultiheadAttention mha, int l, int s, int n, bool needWeights, bool average,
        bool padding, string mask, ulong seed, bool self = false)
    {
        using var scope = torch.NewDisposeScope();
        var g = new Generator(seed);
        int[] Layout(int len, int width) => mha.BatchFirst ? [n, len, width] : [len, n, width];
        var query = Rand(g, Layout(l, mha.EmbedDim));
        // Self-attention passes one tensor three times, which the fused path projects in one product.
        var key = self ? query : Rand(g, Layout(s, mha.KDim));
        var value = self ? query : Rand(g, Layout(s, mha.VDim));
        var kpm = padding ? RandomMask(g, 0.3f, n, s) : null;
        BoolTensor? boolMask = mask == "bool" ? RandomMask(g, 0.3f, l, s) : mask == "bool3d" ? RandomMask(g, 0.3f, n * mha.NumHeads, l, s) : null;
        Tensor? floatMask = mask == "float" ? Rand(g, [l, s], requiresGrad: false) : null;

        var parameters = mha.NamedParameters().ToList();
        foreach (var (_, p) in parameters) p.ZeroGrad();
        var (x, y, z) = (query.Detach().RequireGrad(), key.Detach().RequireGrad(), value.Detach().RequireGrad());
        if (self) (y, z) = (x, x);
        var (output, weights) = mha.Forward(x, y, z, keyPaddingMask: kpm, needWeights: needWeights, attnMask: boolMask,
            averageAttnWeights: average, attnBias: floatMask);

        var tx = ToTorch(query, true);
        var ty = self ? tx : ToTorch(key, true);
        var tz = self ? tx : ToTorch(value, true);
        var tp = parameters.ToDictionary(p => p.Name, p => ToTorch(p.Parameter, true));
        TT SeqFirst(TT t) => mha.BatchFirst ? t.transpose(0, 1) : t;
        var (tOut, tWeights) = Reference(SeqFirst(tx), SeqFirst(ty), SeqFirst(tz), tp, mha.NumHeads,
            kpm is null ? null : ToTorch(kpm), boolMask is not null ? ToTorch(boolMask) : floatMask is not null ? ToTorch(floatMask) : null,
            needWeights, average);
        tOut = SeqFirst(tOut);

        AssertClose($"{name} output", output.ToArray(), FromTorch(tOut), tOut.shape);
        Assert.Equal(tWeights is null, weights is null);
        var gOut = Tensor.Randn(output.Shape, new Generator(seed + 1));
        var loss = (output * gOut).Sum();
        var tLoss = (tOut * ToTorch(gOut)).sum();
        if (weights is not null)
        {
            AssertClose($"{name} weights", weights.ToArray(), FromTorch(tWeights!), tWeights!.shape);
            var gW = Tensor.Randn(weights.Shape, new Generator(seed + 2));
            loss = loss + (weights * gW).Sum();
            tLoss = tLoss + (tWeights! * ToTorch(gW)).sum();
        }
        loss.Backward();
        tLoss.backward();
        AssertClose($"{name} query gradient", x.Grad!.ToArray(), FromTorch(tx.grad!), tx.shape);
        AssertClose($"{name} key gradient", y.Grad!.ToArray(), FromTorch(ty.grad!), ty.shape);
        AssertClose($"{name} value gradient", z.Grad!.ToArray(), FromTorch(tz.grad!), tz.shape);
        foreach (var (pname, p) in parameters)
            AssertClose($"{name} {pname} gradient", p.Grad!.ToArray(), FromTorch(tp[pname].grad!), tp[pname].shape);
    }

    public static TheoryData<bool, bool, bool, string, bool> Cases()
    {
        var data = new TheoryData<bool, bool, bool, string, bool>();
        foreach (var batchFirst in new[] { false, true })
            foreach (var needWeights in new[] { true, false })
                foreach (var (padding, mask) in new[] { (false, "none"), (true, "none"), (false, "bool"), (true, "bool3d"), (true, "float") })
                    data.Add(batchFirst, needWeights, padding, mask, needWeights && mask == "none");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    [Parity("Nn.MultiheadAttention")]
    public void SameWidths(bool batchFirst, bool needWeights, bool padding, string mask, bool perHeadWeights)
    {
        var mha = new MultiheadAttention(8, 2, batchFirst: batchFirst, generator: new Generator(1));
        Compare($"MHA batchFirst={batchFirst} needWeights={needWeights} padding={padding} mask={mask}",
            mha, l: 5, s: 5, n: 3, needWeights, average: !perHeadWeights, padding, mask, seed: 20);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    [Parity("Nn.MultiheadAttention")]
    public void CrossAttentionWithOtherKeyAndValueWidths(bool batchFirst, bool needWeights, bool padding, string mask, bool perHeadWeights)
    {
        var mha = new MultiheadAttention(12, 3, kdim: 5, vdim: 7, batchFirst: batchFirst, generator: new Generator(2));
        Compare($"MHA kdim=5 vdim=7 batchFirst={batchFirst} needWeights={needWeights} padding={padding} mask={mask}",
            mha, l: 4, s: 6, n: 2, needWeights, average: !perHeadWeights, padding, mask, seed: 30);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    [Parity("Nn.MultiheadAttention")]
    public void SelfAttentionWithMasks(bool batchFirst, bool needWeights, bool padding, string mask, bool perHeadWeights)
    {
        var mha = new MultiheadAttention(12, 3, batchFirst: batchFirst, generator: new Generator(6));
        Compare($"MHA self batchFirst={batchFirst} needWeights={needWeights} padding={padding} mask={mask}",
            mha, l: 6, s: 6, n: 2, needWeights, average: !perHeadWeights, padding, mask, seed: 50, self: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    [Parity("Nn.MultiheadAttention")]
    public void EvalWithDropoutAndNoBias(bool needWeights)
    {
        // In eval the dropout probability is ignored, as PyTorch's `dropout_p = 0 if not training`.
        var mha = new MultiheadAttention(6, 3, dropout: 0.5f, bias: false, generator: new Generator(3));
        mha.Eval();
        Compare($"MHA eval needWeights={needWeights}", mha, l: 3, s: 4, n: 2, needWeights, average: true, padding: true, mask: "bool", seed: 40);
    }

    [Fact]
    [Parity("Nn.MultiheadAttention")]
    public void SelfAttentionThroughForwardOfOneInput()
    {
        var mha = new MultiheadAttention(8, 4, generator: new Generator(4));
        var g = new Generator(5);
        var x = Rand(g, [3, 2, 8]);
        ModuleOracle.Check("MHA Forward(x)", mha, t =>
        {
            var p = new Dictionary<string, TT> { ["in_proj_weight"] = t[1], ["in_proj_bias"] = t[2], ["out_proj.weight"] = t[3], ["out_proj.bias"] = t[4] };
            return Reference(t[0], t[0], t[0], p, 4, null, null, needWeights: false, average: true).Output;
        }, x);
    }
}

using Descent.Nn;

namespace Descent.Tests.Nn;

public class MultiheadAttentionTests
{
    [Fact]
    public void StateDictNamesAndInitFollowPyTorch()
    {
        var mha = new MultiheadAttention(8, 2, generator: new Generator(0));
        Assert.Equal(["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"], mha.StateDict().Keys);
        Assert.Equal([24, 8], mha.InProjWeight!.Shape);
        Assert.All(mha.InProjBias!.ToArray(), b => Assert.Equal(0f, b));
        Assert.All(mha.OutProj.Bias!.ToArray(), b => Assert.Equal(0f, b));
        float xavier = MathF.Sqrt(6f / (8 + 24));
        Assert.All(mha.InProjWeight.ToArray(), w => Assert.InRange(w, -xavier, xavier));
        Assert.Contains(mha.InProjWeight.ToArray(), w => Math.Abs(w) > xavier / 2);

        var cross = new MultiheadAttention(8, 4, kdim: 5, vdim: 3, bias: false);
        Assert.Equal(["q_proj_weight", "k_proj_weight", "v_proj_weight", "out_proj.weight"], cross.StateDict().Keys);
        Assert.Equal([8, 5], cross.KProjWeight!.Shape);
        Assert.Equal([8, 3], cross.VProjWeight!.Shape);

        var copy = new MultiheadAttention(8, 2, generator: new Generator(5));
        copy.LoadStateDict(mha.StateDict());
        var x = Tensor.Randn([3, 2, 8], new Generator(1));
        Assert.Equal(mha.Forward(x).ToArray(), copy.Forward(x).ToArray());
    }

    [Fact]
    public void ShapesForEveryLayout()
    {
        var g = new Generator(2);
        var seqFirst = new MultiheadAttention(6, 3, kdim: 4, vdim: 5, generator: g);
        var (y, w) = seqFirst.Forward(Tensor.Randn([7, 2, 6], g), Tensor.Randn([9, 2, 4], g), Tensor.Randn([9, 2, 5], g));
        Assert.Equal([7, 2, 6], y.Shape);
        Assert.Equal([2, 7, 9], w!.Shape);
        var batchFirst = new MultiheadAttention(6, 3, batchFirst: true, generator: g);
        (y, w) = batchFirst.Forward(Tensor.Randn([2, 7, 6], g), Tensor.Randn([2, 9, 6], g), Tensor.Randn([2, 9, 6], g), averageAttnWeights: false);
        Assert.Equal([2, 7, 6], y.Shape);
        Assert.Equal([2, 3, 7, 9], w!.Shape);
        (y, w) = batchFirst.Forward(Tensor.Randn([7, 6], g), Tensor.Randn([9, 6], g), Tensor.Randn([9, 6], g), needWeights: false);
        Assert.Equal([7, 6], y.Shape);
        Assert.Null(w);
    }

    [Fact]
    public void WeightsAndFusedPathsAgreeAndRowsSumToOne()
    {
        var g = new Generator(3);
        var mha = new MultiheadAttention(8, 2, batchFirst: true, generator: g);
        var q = Tensor.Randn([2, 5, 8], g);
        var kv = Tensor.Randn([2, 6, 8], g);
        var padding = BoolTensor.FromArray([false, false, false, false, true, true, false, false, false, false, false, true], [2, 6]);
        var causal = Tensor.Ones(5, 6).Triu(1).Bool();
        var (a, w) = mha.Forward(q, kv, kv, keyPaddingMask: padding, attnMask: causal);
        var (b, _) = mha.Forward(q, kv, kv, keyPaddingMask: padding, attnMask: causal, needWeights: false);
        var ad = a.ToArray();
        var bd = b.ToArray();
        for (int i = 0; i < ad.Length; i++) Assert.Equal(ad[i], bd[i], 1e-5f);
        var weights = w!.ToArray();
        for (int row = 0; row < 2 * 5; row++) Assert.Equal(1f, weights.Skip(row * 6).Take(6).Sum(), 1e-5f);
        // Padded keys (true = not allowed) get no weight.
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(0f, weights[i * 6 + 4]));
    }

    [Fact]
    public void DropoutDrawsTheSameMaskOnBothPaths()
    {
        var x = Tensor.Randn([4, 2, 8], new Generator(4));
        var a = new MultiheadAttention(8, 2, dropout: 0.3f, generator: new Generator(6)).Forward(x, x, x).Output.ToArray();
        var b = new MultiheadAttention(8, 2, dropout: 0.3f, generator: new Generator(6)).Forward(x, x, x, needWeights: false).Output.ToArray();
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 1e-5f);
        var eval = new MultiheadAttention(8, 2, dropout: 0.3f, generator: new Generator(6));
        eval.Eval();
        var c = eval.Forward(x, x, x).Output.ToArray();
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void GradientCheckOfTheModule()
    {
        ModuleGradCheck.Assert(new MultiheadAttention(4, 2, generator: new Generator(7)), Tensor.Randn([3, 2, 4], new Generator(8)));
        ModuleGradCheck.Assert(new MultiheadAttention(4, 2, batchFirst: true, generator: new Generator(9)), Tensor.Randn([2, 3, 4], new Generator(10)));
    }

    [Fact]
    public void GradientCheckWithMasksAndCrossWidths()
    {
        var mha = new MultiheadAttention(4, 2, kdim: 3, vdim: 5, generator: new Generator(11));
        var padding = BoolTensor.FromArray([false, true, false, false, false, true, false, false], [2, 4]);
        var mask = BoolTensor.FromArray([false, false, true, false, true, false, false, false, false, false, false, true], [3, 4]);
        foreach (var needWeights in new[] { true, false })
        {
            GradCheck.Assert(t =>
            {
                var (y, w) = mha.Forward(t[0], t[1], t[2], keyPaddingMask: padding, attnMask: mask, needWeights: needWeights);
                return w == null ? y : y.Sum() + (w * w).Sum();
            }, Tensor.Randn([3, 2, 4], new Generator(12)).RequireGrad(), Tensor.Randn([4, 2, 3], new Generator(13)).RequireGrad(),
                Tensor.Randn([4, 2, 5], new Generator(14)).RequireGrad());
        }
    }

    [Fact]
    public void BadInputsNameTheModuleRuleAndShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new MultiheadAttention(10, 3));
        Assert.Contains("MultiheadAttention: embed_dim must be divisible by num_heads", e.Message);
        Assert.Contains("10", e.Message);
        var mha = new MultiheadAttention(4, 2);
        var x = Tensor.Zeros([3, 2, 4]);
        e = Assert.Throws<ArgumentException>(() => mha.Forward(x, x, x, keyPaddingMask: BoolTensor.Full([2, 4], false)));
        Assert.Contains("keyPaddingMask must be [N, S] = [2, 3]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => mha.Forward(x, x, x, attnMask: BoolTensor.Full([3, 3, 3], false)));
        Assert.Contains("attnMask must be [L, S] = [3, 3] or [N·heads, L, S] = [4, 3, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => mha.Forward(x, Tensor.Zeros([3, 2, 5]), x));
        Assert.Contains("kdim = 4", e.Message);
        e = Assert.Throws<ArgumentException>(() => mha.Forward(x, x, Tensor.Zeros([5, 2, 4])));
        Assert.Contains("same sequence length S", e.Message);
        e = Assert.Throws<ArgumentException>(() => mha.Forward(x, x, x, isCausal: true));
        Assert.Contains("isCausal", e.Message);
        e = Assert.Throws<ArgumentException>(() => mha.Forward(Tensor.Zeros([4])));
        Assert.Contains("MultiheadAttention: query, key and value must be [L, N, E]", e.Message);
    }
}

using Descent.Nn;
using Descent.Optim;

namespace Descent.Tests.Optim;

public class DecayGroupsTests
{
    [Fact]
    public void MatricesAndEmbeddingsDecayBiasesAndNormsDoNotAndTheTiedWeightComesOnce()
    {
        var model = new Gpt(new GptConfig(VocabSize: 9, BlockSize: 4, Layers: 2, Heads: 2, Width: 8), new Generator(1));
        var groups = DecayGroups.MatricesOnly(model, weightDecay: 0.1);
        var named = model.NamedParameters().ToList();
        string Name(Tensor p) => named.Single(n => ReferenceEquals(n.Parameter, p)).Name;
        var decayed = groups[0].Parameters.Select(Name).ToList();
        var kept = groups[1].Parameters.Select(Name).ToList();
        Assert.Equal(["token_embedding.weight", "position_embedding.weight",
            "blocks.layers.0.self_attn.in_proj_weight", "blocks.layers.0.self_attn.out_proj.weight", "blocks.layers.0.linear1.weight", "blocks.layers.0.linear2.weight",
            "blocks.layers.1.self_attn.in_proj_weight", "blocks.layers.1.self_attn.out_proj.weight", "blocks.layers.1.linear1.weight", "blocks.layers.1.linear2.weight"], decayed);
        Assert.All(kept, n => Assert.True(n.EndsWith("bias", StringComparison.Ordinal) || n.Contains("norm", StringComparison.Ordinal), n));
        Assert.Equal(model.Parameters().Count(), decayed.Count + kept.Count);

        var opt = new AdamW(groups, lr: 1e-3, beta2: 0.99);
        Assert.Equal([0.1, 0.0], opt.ParamGroups.Select(g => g.WeightDecay));
        Assert.Contains("weight decay must be finite and ≥ 0", Assert.Throws<ArgumentOutOfRangeException>(() => DecayGroups.MatricesOnly(model, -1)).Message);
    }
}

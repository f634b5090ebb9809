using Descent.IO;
using Descent.Nn;

namespace Descent.Tests.Nn;

public class GptTests
{
    private static readonly GptConfig Tiny = new(VocabSize: 7, BlockSize: 4, Layers: 1, Heads: 2, Width: 4);

    [Fact]
    public void StateDictNamesAreThoseOfTheEquivalentTorchModule()
    {
        var model = new Gpt(Tiny with { Layers = 2 }, new Generator(1));
        string[] block = ["self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
            "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"];
        string[] parameters = ["token_embedding.weight", "position_embedding.weight",
            .. block.Select(k => "blocks.layers.0." + k), .. block.Select(k => "blocks.layers.1." + k), "final_norm.weight", "final_norm.bias"];
        Assert.Equal(parameters, model.NamedParameters().Select(p => p.Name));
        Assert.Equal([.. parameters, "head.weight"], model.StateDict().Keys);
        Assert.Same(model.TokenEmbedding.Weight, model.Head.Weight);
    }

    [Fact]
    public void TheRecipeHasAboutEightHundredThousandParameters()
    {
        var c = new GptConfig(VocabSize: 65);
        Assert.Equal((64, 4, 4, 128, 0f), (c.BlockSize, c.Layers, c.Heads, c.Width, c.Dropout));
        int w = c.Width;
        // Per block: packed q/k/v and output projections, the 4× feed-forward pair, two LayerNorms, all with biases.
        int perBlock = (3 * w * w + 3 * w) + (w * w + w) + (w * 4 * w + 4 * w) + (4 * w * w + w) + 2 * (2 * w);
        int expected = c.VocabSize * w + c.BlockSize * w + c.Layers * perBlock + 2 * w; // the head is the token embedding
        var model = new Gpt(c, new Generator(0));
        Assert.Equal(expected, model.Parameters().Sum(p => p.Numel));
        Assert.InRange(expected, 790_000, 830_000);
    }

    [Fact]
    public void InitialisationIsGpt2sAndSeeded()
    {
        var config = new GptConfig(VocabSize: 50, BlockSize: 32, Layers: 3, Heads: 2, Width: 64);
        var model = new Gpt(config, new Generator(4));
        static double Std(Tensor t) => Math.Sqrt(t.ToArray().Select(v => (double)v * v).Average());
        double residual = 0.02 / Math.Sqrt(2 * config.Layers);
        Assert.InRange(Std(model.TokenEmbedding.Weight), 0.019, 0.021);
        Assert.InRange(Std(model.PositionEmbedding.Weight), 0.019, 0.021);
        foreach (var block in model.Blocks.Layers)
        {
            Assert.InRange(Std(block.SelfAttn.InProjWeight!), 0.019, 0.021);
            Assert.InRange(Std(block.Linear1.Weight), 0.019, 0.021);
            Assert.InRange(Std(block.SelfAttn.OutProj.Weight), 0.9 * residual, 1.1 * residual);
            Assert.InRange(Std(block.Linear2.Weight), 0.9 * residual, 1.1 * residual);
            foreach (var bias in new[] { block.SelfAttn.InProjBias!, block.SelfAttn.OutProj.Bias!, block.Linear1.Bias!, block.Linear2.Bias!, block.Norm1.Bias!, block.Norm2.Bias! })
                Assert.All(bias.ToArray(), v => Assert.Equal(0f, v));
            Assert.All(block.Norm1.Weight!.ToArray(), v => Assert.Equal(1f, v));
        }
        Assert.NotEqual(model.Blocks.Layers[0].Linear1.Weight.ToArray(), model.Blocks.Layers[1].Linear1.Weight.ToArray());
        var again = new Gpt(config, new Generator(4));
        Assert.Equal(model.StateDict().Values.SelectMany(t => t.ToArray()), again.StateDict().Values.SelectMany(t => t.ToArray()));
    }

    [Fact]
    public void ForwardGivesLogitsAndPositionsSeeOnlyThePast()
    {
        var model = new Gpt(Tiny with { BlockSize = 6 }, new Generator(2));
        var tokens = IntTensor.FromArray([1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5], [2, 6]);
        var logits = model.Forward(tokens);
        Assert.Equal([2, 6, 7], logits.Shape);
        // Changing the last token leaves every earlier position's logits alone.
        var changed = tokens.Clone();
        changed.DataSpan[5] = 0;
        var other = model.Forward(changed);
        Assert.Equal(logits.Narrow(1, 0, 5).ToArray(), other.Narrow(1, 0, 5).ToArray());
        Assert.NotEqual(logits.Narrow(1, 5, 1).ToArray(), other.Narrow(1, 5, 1).ToArray());
        Assert.Equal(logits.ToArray(), model.Forward(tokens.Float()).ToArray());
    }

    [Fact]
    public void GradientsOfEveryParameterMatchFiniteDifferences()
    {
        var model = new Gpt(Tiny, new Generator(3));
        // GPT-2's 0.02 scale leaves the blocks' gradients tiny next to float32's rounding; larger weights exercise them.
        var g = new Generator(9);
        foreach (var p in model.Parameters()) Tensor.Randn(p.Shape, g).Data.CopyTo(p.DataSpan);
        var ids = IntTensor.FromArray([1, 6, 0, 3, 3, 5], [2, 3]).Float();
        ModuleGradCheck.Assert(model, ids, checkInput: false);
    }

    [Fact]
    public void StateDictRoundTripKeepsTheTieAndTheFunction()
    {
        var model = new Gpt(Tiny, new Generator(5));
        var copy = new Gpt(Tiny, new Generator(6));
        var tokens = IntTensor.FromArray([1, 2, 3], [1, 3]);
        Assert.NotEqual(model.Forward(tokens).ToArray(), copy.Forward(tokens).ToArray());
        var path = Path.Combine(Path.GetTempPath(), $"descent-gpt-{Guid.NewGuid():N}.safetensors");
        try
        {
            Safetensors.Save(path, model.StateDict());
            var result = copy.LoadStateDict(Safetensors.Load(path).Tensors);
            Assert.Empty(result.MissingKeys);
            Assert.Empty(result.UnexpectedKeys);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Equal(model.Forward(tokens).ToArray(), copy.Forward(tokens).ToArray());
        Assert.Same(copy.TokenEmbedding.Weight, copy.Head.Weight);
    }

    [Fact]
    public void BadConfigurationsAndTokensAreRefusedWithTheRule()
    {
        var e = Assert.Throws<ArgumentException>(() => new Gpt(new GptConfig(VocabSize: 10, Heads: 3)));
        Assert.Contains("heads must divide width; got width 128 and heads 3", e.Message);
        Assert.Contains("vocabSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Gpt(new GptConfig(VocabSize: 0))).Message);
        Assert.Contains("dropout", Assert.Throws<ArgumentOutOfRangeException>(() => new GptConfig(7, Dropout: 1f).Validate()).Message);

        var model = new Gpt(Tiny, new Generator(0));
        e = Assert.Throws<ArgumentException>(() => model.Forward(IntTensor.Zeros(1, 5)));
        Assert.Contains("T must be at most blockSize = 4; got tokens of shape [1, 5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.Forward(IntTensor.FromArray([1, 7], [1, 2])));
        Assert.Contains("token ids must be in [0, vocabSize = 7); got 7 at flat index 1 of tokens [1, 2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.Forward(IntTensor.FromArray([-1, 2], [2, 1])));
        Assert.Contains("got -1 at flat index 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.Forward(IntTensor.Zeros(3)));
        Assert.Contains("tokens must be [batch, T]", e.Message);
        Assert.Contains("indices must be whole numbers", Assert.Throws<ArgumentException>(() => model.Forward(Tensor.FromArray([0.5f], [1, 1]))).Message);
    }

    [Fact]
    public void CausalMask_BlocksEveryLaterKey_AsTriuAboveTheDiagonal()
    {
        Assert.Equal(Tensor.Ones(5, 5).Triu(1).Bool().ToArray(), Gpt.CausalMask(5).ToArray());
        Assert.Equal([false], Gpt.CausalMask(1).ToArray());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Gpt.CausalMask(0));
        Assert.Contains("Gpt.CausalMask: t must be ≥ 1", e.Message);
    }
}

using Descent.Data;
using Descent.Results;
using Descent.Training;
using TorchSharp;

namespace Descent.Parity;

/// <summary>
/// The results program's libtorch GPT (bench/Descent.Results/TorchGpt.cs) computes what Descent's does: from the
/// weights of a fresh <see cref="LmTrainer"/> and the batch its first step draws, the logits, the loss of that first
/// step and the gradient of every parameter agree, so the side-by-side run compares the same model.
/// </summary>
public class GptSideBySideParityTests
{
    private const string Text = "It is not down on any map; true places never are. Call me Ishmael. Some years ago, never mind how long precisely.\n";

    [Theory]
    [InlineData(2, 2, 16, 12)]
    [InlineData(1, 4, 32, 24)]
    [Parity("Nn.Gpt")]
    public void FirstStepMatchesDescent(int layers, int heads, int width, int block)
    {
        var text = string.Concat(Enumerable.Repeat(Text, 4));
        var recipe = new LmRecipe(Layers: layers, Heads: heads, Width: width, Block: block, Batch: 3, Iterations: 5, Seed: 11,
            GradClip: 0);   // unclipped, so the gradients Step leaves are the backward's own
        var trainer = LmTrainer.FromText(text, CharTokenizer.FromText(text), recipe);
        var torchGpt = new TorchGpt(trainer.Model);
        // LmTrainer draws its first batch from Generator(seed + 1), as the results program does.
        var (x, y) = trainer.TrainSplit.Sample(recipe.Batch, recipe.Block, new Generator(recipe.Seed + 1));

        var logits = trainer.Model.Forward(x);
        var theirs = torchGpt.Forward(TorchGpt.Ids(x));
        Oracle.AssertClose($"TorchGpt logits layers={layers} width={width}", logits.ToArray(), Oracle.FromTorch(theirs), tolerance: 2e-5);

        var loss = torchGpt.Loss(TorchGpt.Ids(x), TorchGpt.Ids(y));
        loss.backward();
        float ours = trainer.Step();
        Assert.Equal(loss.item<float>(), ours, 5);
        // Step cleared the gradients before its backward and has not cleared them since.
        foreach (var (name, p) in trainer.Model.NamedParameters())
            Oracle.AssertClose($"TorchGpt grad {name}", p.Grad!.ToArray(), Oracle.FromTorch(torchGpt.Parameters[name].grad!), tolerance: 2e-5);
    }
}

using Descent.Data;
using Descent.Nn;
using Descent.Optim;
using Descent.Training;

namespace Descent.Tests.Training;

public class LmTrainerTests : IDisposable
{
    // A small text with structure to learn: lines that repeat with variations, about 3,000 characters.
    internal static readonly string Text = string.Concat(Enumerable.Range(0, 60).Select(i =>
        $"call me ishmael. some years ago, {(i % 3 == 0 ? "never mind" : "having little")} how long precisely.\n"));

    internal static readonly LmRecipe Tiny = new(Layers: 1, Heads: 2, Width: 32, Block: 16, Batch: 8, Warmup: 5, Iterations: 40,
        EvalInterval: 10, EvalBatches: 4, Lr: 1e-2, MinLr: 1e-3, Seed: 7);

    private readonly string _dir = TrainingKit.TempFolder();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static LmTrainer NewTrainer(LmRecipe? recipe = null) => LmTrainer.FromText(Text, CharTokenizer.FromText(Text), recipe ?? Tiny);

    private static float[] Weights(LmTrainer t) => t.Model.StateDict().Values.SelectMany(v => v.ToArray()).ToArray();

    [Fact]
    public void Run_LowersTheLossOfATinyModel()
    {
        var trainer = NewTrainer();
        var reports = new List<LmProgress>();
        trainer.Run(reports.Add);

        Assert.Equal(Tiny.Iterations, trainer.StepCount);
        Assert.Equal(Tiny.Iterations, trainer.Losses.Count);
        // Evaluations before the first step, after every 10 and at the end, none twice.
        Assert.Equal([0L, 10, 20, 30, 40], trainer.Evaluations.Select(e => e.Step));
        var first = trainer.Evaluations[0];
        var last = trainer.Evaluations[^1];
        Assert.InRange(first.ValidLoss, Math.Log(trainer.Tokenizer.VocabSize) - 0.3, Math.Log(trainer.Tokenizer.VocabSize) + 0.3);
        Assert.True(last.TrainLoss < first.TrainLoss - 1.0, $"train loss {first.TrainLoss} → {last.TrainLoss}");
        Assert.True(last.ValidLoss < first.ValidLoss - 1.0, $"validation loss {first.ValidLoss} → {last.ValidLoss}");
        Assert.True(trainer.TrainSeconds > 0);
        Assert.Equal(Tiny.Iterations + 1, reports.Count);
        Assert.Equal(trainer.Evaluations, reports.Where(r => r.Evaluation != null).Select(r => r.Evaluation!));
    }

    [Theory]
    [InlineData(0, 1e-3 * 1 / 101)]
    [InlineData(99, 1e-3 * 100 / 101)]
    [InlineData(100, 1e-3)]
    [InlineData(1050, 1e-4 + 0.5 * 9e-4)]
    [InlineData(2000, 1e-4)]
    [InlineData(5000, 1e-4)]
    public void LearningRate_IsNanoGptsGetLr(long iteration, double expected) =>
        Assert.Equal(expected, new LmRecipe().LearningRate(iteration), 15);

    [Fact]
    public void Step_UsesTheScheduledLearningRate()
    {
        var trainer = NewTrainer();
        for (int i = 0; i < 7; i++)
        {
            trainer.Step();
            Assert.All(trainer.Optimizer.ParamGroups, g => Assert.Equal(Tiny.LearningRate(i), g.Lr));
        }
    }

    [Fact]
    public void WeightDecay_FallsOnMatricesOnly()
    {
        var trainer = NewTrainer();
        var groups = trainer.Optimizer.ParamGroups;
        Assert.Equal(2, groups.Count);
        Assert.Equal(0.1, groups[0].WeightDecay);
        Assert.All(groups[0].Parameters, p => Assert.True(p.Rank >= 2));
        Assert.Equal(0, groups[1].WeightDecay);
        Assert.All(groups[1].Parameters, p => Assert.Equal(1, p.Rank));
        // The tied head is the token embedding: listed once, in the decayed group.
        Assert.Contains(trainer.Model.TokenEmbedding.Weight, groups[0].Parameters);
        Assert.Equal(trainer.Model.Parameters().Count(), groups.Sum(g => g.Parameters.Count));
    }

    [Fact]
    public void Evaluation_DoesNotChangeTheTrainingDraws()
    {
        var plain = NewTrainer();
        var evaluated = NewTrainer();
        for (int i = 0; i < 5; i++)
        {
            plain.Step();
            evaluated.EstimateLoss(evaluated.ValidationSplit, 3);
            evaluated.Evaluate();
            evaluated.Step();
        }
        Assert.Equal(plain.Losses, evaluated.Losses);
        Assert.Equal(Weights(plain), Weights(evaluated));
        // Each estimate draws the same windows: the model unchanged, the same number.
        Assert.Equal(evaluated.EstimateLoss(evaluated.TrainSplit, 2), evaluated.EstimateLoss(evaluated.TrainSplit, 2));
        Assert.True(evaluated.Model.Training);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(27)]
    public void Resume_IsBitIdenticalToAnUninterruptedRun(int stopAt)
    {
        var recipe = Tiny with { Dropout = 0.1f, Iterations = 30 };
        var whole = NewTrainer(recipe);
        whole.Run();

        var path = Path.Combine(_dir, "lm.ckpt.safetensors");
        var first = NewTrainer(recipe);
        using (var stop = new CancellationTokenSource())
        {
            first.Run(p => { if (p.Step == stopAt) stop.Cancel(); }, stop.Token);
        }
        Assert.Equal(stopAt, first.StepCount);
        first.SaveCheckpoint(path);

        var resumed = NewTrainer(recipe);
        resumed.Resume(path);
        resumed.Run();

        Assert.Equal(Weights(whole), Weights(resumed));
        Assert.Equal(whole.Losses, resumed.Losses);
        Assert.Equal(whole.Evaluations, resumed.Evaluations);
        Assert.Equal(4, whole.Evaluations.Count);
        Assert.Equal(whole.Optimizer.StateDict().Values.SelectMany(v => v.ToArray()), resumed.Optimizer.StateDict().Values.SelectMany(v => v.ToArray()));
    }

    [Fact]
    public void Resume_UnderAnotherRecipe_NamesTheFirstDifference()
    {
        var path = Path.Combine(_dir, "lm.ckpt.safetensors");
        var first = NewTrainer();
        first.Step();
        first.SaveCheckpoint(path);

        var other = NewTrainer(Tiny with { Batch = 4, Lr = 3e-3 });
        var before = Weights(other);
        var e = Assert.Throws<ArgumentException>(() => other.Resume(path));
        Assert.Equal("lm.ckpt.safetensors: the checkpoint is of another run: batch is 8 there and 4 here", e.Message);
        Assert.Equal(before, Weights(other));
        Assert.Equal(0, other.StepCount);
    }

    [Fact]
    public void AShortText_IsRefusedBeforeAnyWork()
    {
        var text = "abcdefghijklmnopqrstuvwxyz";   // 23 training tokens, 3 validation tokens
        var e = Assert.Throws<ArgumentException>(() => LmTrainer.FromText(text, CharTokenizer.FromText(text), Tiny));
        Assert.Contains("too few for a window of block 16", e.Message);
    }

    [Fact]
    public void BadRecipe_NamesTheField()
    {
        var e = Assert.Throws<ArgumentException>(() => NewTrainer(Tiny with { Heads = 3 }));
        Assert.Equal("Gpt: heads must divide width; got width 32 and heads 3", e.Message);
        var batch = Assert.Throws<ArgumentOutOfRangeException>(() => NewTrainer(Tiny with { Batch = 0 }));
        Assert.StartsWith("LmRecipe: batch must be > 0", batch.Message);
    }

    [Fact]
    public void Recipe_DefaultsAreNanoGptsCpuRun()
    {
        var r = new LmRecipe();
        Assert.Equal((4, 4, 128, 64, 12, 0f), (r.Layers, r.Heads, r.Width, r.Block, r.Batch, r.Dropout));
        Assert.Equal((1e-3, 1e-4, 0.9, 0.99, 0.1, 100, 2000, 1.0, 250, 200), (r.Lr, r.MinLr, r.Beta1, r.Beta2, r.WeightDecay, r.Warmup, r.Iterations, r.GradClip, r.EvalInterval, r.EvalBatches));
    }
}

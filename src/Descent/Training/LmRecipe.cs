using System.Globalization;
using Descent.Nn;

namespace Descent.Training;

/// <summary>
/// How a character-level GPT is trained by <see cref="LmTrainer"/>: the model's shape, the batches, AdamW, the
/// learning-rate schedule, clipping, evaluation and the seed. The defaults are nanoGPT's CPU configuration for
/// <c>shakespeare_char</c>: 4 layers, 4 heads, width 128, block 64, batch 12, dropout 0, AdamW (lr 1e-3, betas
/// 0.9/0.99, weight decay 0.1 on matrices only), 100 warm-up iterations then a cosine to 1e-4 at the last
/// iteration, gradient clipping 1.0, 2,000 iterations, validation loss over 200 random batches every 250.
/// </summary>
/// <param name="Layers">Transformer blocks.</param>
/// <param name="Heads">Attention heads; must divide <paramref name="Width"/>.</param>
/// <param name="Width">Embedding width.</param>
/// <param name="Block">Context length: tokens per training window.</param>
/// <param name="Batch">Windows per iteration.</param>
/// <param name="Dropout">Dropout in the model while training.</param>
/// <param name="Lr">Peak learning rate, reached at the end of the warm-up.</param>
/// <param name="MinLr">Learning rate at the last iteration, where the cosine ends.</param>
/// <param name="Beta1">AdamW's β₁.</param>
/// <param name="Beta2">AdamW's β₂.</param>
/// <param name="WeightDecay">Decoupled weight decay of the matrices (rank ≥ 2); biases and norms get none.</param>
/// <param name="Warmup">Iterations of linear warm-up.</param>
/// <param name="Iterations">Optimizer steps in the run; the cosine ends here (nanoGPT's lr_decay_iters = max_iters).</param>
/// <param name="GradClip">Largest total gradient norm; 0 turns clipping off, as nanoGPT's grad_clip = 0.0.</param>
/// <param name="EvalInterval">Evaluate after every this many iterations (and at the start and the end).</param>
/// <param name="EvalBatches">Random batches averaged per evaluated split.</param>
/// <param name="Seed">Seeds the weights and dropout, the training batches and the evaluation batches (see <see cref="LmTrainer"/>).</param>
/// <example><code>
/// var recipe = new LmRecipe();                                    // nanoGPT's CPU run
/// var quick = new LmRecipe(Layers: 1, Width: 32, Heads: 2, Block: 16, Iterations: 30);
/// double lr = recipe.LearningRate(1000);
/// </code></example>
public sealed record LmRecipe(int Layers = 4, int Heads = 4, int Width = 128, int Block = 64, int Batch = 12, float Dropout = 0f,
    double Lr = 1e-3, double MinLr = 1e-4, double Beta1 = 0.9, double Beta2 = 0.99, double WeightDecay = 0.1, int Warmup = 100,
    int Iterations = 2000, double GradClip = 1.0, int EvalInterval = 250, int EvalBatches = 200, ulong Seed = 1337)
{
    /// <summary>Throws an exception naming the first field that breaks its rule, and the value.</summary>
    public void Validate()
    {
        ModelConfig(1).Validate();
        Positive(Batch, "batch");
        Positive(Iterations, "iterations");
        Positive(EvalInterval, "evalInterval");
        Positive(EvalBatches, "evalBatches");
        if (Warmup < 0) throw new ArgumentOutOfRangeException(nameof(Warmup), Warmup, "LmRecipe: warmup must be ≥ 0");
        FiniteNonNegative(Lr, "lr");
        FiniteNonNegative(MinLr, "minLr");
        FiniteNonNegative(WeightDecay, "weightDecay");
        FiniteNonNegative(GradClip, "gradClip");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "LmRecipe: beta1 must be in [0, 1)");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "LmRecipe: beta2 must be in [0, 1)");
    }

    /// <summary>The model this recipe trains, for a tokenizer of <paramref name="vocabSize"/> ids.</summary>
    public GptConfig ModelConfig(int vocabSize) => new(vocabSize, Block, Layers, Heads, Width, Dropout);

    /// <summary>
    /// The learning rate of iteration <paramref name="iteration"/> (counted from 0), nanoGPT's <c>get_lr</c>:
    /// lr·(it+1)/(warmup+1) during the warm-up, then minLr + ½(1 + cos(π·(it − warmup)/(iterations − warmup)))·(lr − minLr),
    /// and minLr from the last iteration on.
    /// </summary>
    /// <example><code>new LmRecipe().LearningRate(0);   // 1e-3 / 101</code></example>
    public double LearningRate(long iteration)
    {
        if (iteration < 0) throw new ArgumentOutOfRangeException(nameof(iteration), iteration, "LmRecipe.LearningRate: iteration must be ≥ 0");
        if (iteration < Warmup) return Lr * (iteration + 1) / (Warmup + 1);
        if (iteration >= Iterations) return MinLr;
        double ratio = (double)(iteration - Warmup) / (Iterations - Warmup);
        return MinLr + 0.5 * (1 + Math.Cos(Math.PI * ratio)) * (Lr - MinLr);
    }

    /// <summary>
    /// Every field as (name, value) in declaration order, numbers written to read back exactly: what a checkpoint
    /// records so that a resume under a different recipe is refused naming the first difference.
    /// </summary>
    public IReadOnlyList<(string Name, string Value)> Fields()
    {
        var c = CultureInfo.InvariantCulture;
        return
        [
            ("layers", Layers.ToString(c)), ("heads", Heads.ToString(c)), ("width", Width.ToString(c)), ("block", Block.ToString(c)),
            ("batch", Batch.ToString(c)), ("dropout", Dropout.ToString("R", c)), ("lr", Lr.ToString("R", c)), ("min-lr", MinLr.ToString("R", c)),
            ("beta1", Beta1.ToString("R", c)), ("beta2", Beta2.ToString("R", c)), ("weight-decay", WeightDecay.ToString("R", c)),
            ("warmup", Warmup.ToString(c)), ("iterations", Iterations.ToString(c)), ("grad-clip", GradClip.ToString("R", c)),
            ("eval-interval", EvalInterval.ToString(c)), ("eval-batches", EvalBatches.ToString(c)), ("seed", Seed.ToString(c)),
        ];
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"LmRecipe: {name} must be > 0");
    }

    private static void FiniteNonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(name, value, $"LmRecipe: {name} must be finite and ≥ 0");
    }
}

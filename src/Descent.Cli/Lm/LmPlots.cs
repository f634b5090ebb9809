using Descent.Plots;
using Descent.Training;

namespace Descent.Cli.Lm;

/// <summary>
/// The figures of <c>descent lm train --plots DIR</c>, each as PNG and SVG: <c>loss</c> (every iteration's batch
/// loss and the evaluated training and validation losses) and <c>lr</c> (the warm-up and cosine schedule).
/// </summary>
public static class LmPlots
{
    /// <summary>Writes the figures into <paramref name="folder"/> (created when missing); returns their names.</summary>
    public static IReadOnlyList<string> Write(string folder, LmTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(trainer);
        Directory.CreateDirectory(folder);
        var steps = trainer.Evaluations.Select(e => (double)e.Step).ToArray();
        var batches = trainer.Losses.Select(l => (double)l).ToArray();
        var series = new List<Series>
        {
            new("training (evaluated)", [.. trainer.Evaluations.Select(e => e.TrainLoss)], steps),
            new("validation (evaluated)", [.. trainer.Evaluations.Select(e => e.ValidLoss)], steps),
        };
        // Iteration i's loss is measured on the weights after i steps, the same x as an evaluation there.
        if (batches.Length > 0) series.Insert(0, new("batch", batches, [.. Enumerable.Range(0, batches.Length).Select(i => (double)i)]));
        var r = trainer.Recipe;
        TrainingFigures.LossCurves(series, $"GPT ({r.Layers} layers, width {r.Width}): training and validation loss").Save(Path.Combine(folder, "loss"));
        var lr = Enumerable.Range(0, r.Iterations).Select(i => r.LearningRate(i)).ToArray();
        TrainingFigures.ScheduleCurve(lr, title: $"warm-up {r.Warmup}, cosine to {r.MinLr:g3} at {r.Iterations}").Save(Path.Combine(folder, "lr"));
        return ["loss", "lr"];
    }
}

using System.Diagnostics;
using Descent.Data;
using Descent.Training;

namespace Descent.Cli.Train;

/// <summary>What one <c>descent train</c> run did.</summary>
/// <param name="Session">The run's parts (model, data, learner).</param>
/// <param name="History">Every epoch, resumed ones included.</param>
/// <param name="Final">The validation loss and metric of the final model (the best epoch's weights after early stopping).</param>
/// <param name="StopReason">Why training stopped before its last epoch, or null.</param>
/// <param name="BestEpoch">The epoch whose weights the final model has when early stopping restored them, else the last.</param>
/// <param name="Seconds">Wall time of the whole run (loading data included).</param>
/// <param name="Figures">Figure names written under <see cref="TrainSettings.Plots"/>.</param>
/// <param name="Test">The final model on the test part (<see cref="TrainingData.Test"/>), evaluated once after training; null for sets without one.</param>
public sealed record TrainResult(TrainingSession Session, History History, EvaluationResult Final, string? StopReason,
    int BestEpoch, double Seconds, IReadOnlyList<string> Figures, EvaluationResult? Test = null)
{
    /// <summary>The metric's name: accuracy or mae.</summary>
    public string MetricName => Session.Data.IsClassification ? "accuracy" : "mae";

    /// <summary>The final validation metric.</summary>
    public double Metric => Final.Metrics[MetricName];

    /// <summary>True when training ended on a divergence (NaN or infinite loss).</summary>
    public bool Diverged => StopReason?.StartsWith("training diverged", StringComparison.Ordinal) == true;
}

/// <summary>Runs <c>descent train</c>: loads the data, trains, evaluates, saves the model and draws the figures.</summary>
public static class TrainRunner
{
    /// <summary>
    /// Trains as <paramref name="settings"/> say; <paramref name="log"/> receives <paramref name="recipeLine"/> (when given)
    /// and the header lines once the data is loaded, so that a run refused before then prints nothing there; <paramref name="host"/> receives the progress.
    /// </summary>
    public static TrainResult Run(TrainSettings settings, TextWriter log, ProgressHost host, string? recipeLine = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(host);
        settings.CheckCombination();
        var watch = Stopwatch.StartNew();
        // Before the data loads: a resumed run that is not the checkpoint's run is refused before any work.
        Checkpoint? resume = null;
        if (settings.Resume != null)
        {
            resume = Checkpoint.Load(settings.Resume);
            RunFlags.CheckResume(settings, resume, Path.GetFileName(settings.Resume));
        }
        var data = TrainingData.Load(settings.Data, settings.DataDir, settings.Seed, settings.ValSplit);
        return host.Run(progress =>
        {
            var session = TrainingSession.Create(settings, data, progress);
            if (recipeLine != null) log.WriteLine(recipeLine);
            TrainText.WriteHeader(session, log);
            if (resume != null) session.Learner.Restore(resume, Path.GetFileName(settings.Resume!));
            var history = session.Learner.Fit(settings.Epochs);
            var final = session.Learner.Evaluate(session.Learner.ValidLoader!);
            int best = session.EarlyStopping is { BestEpoch: > 0 } stop ? stop.BestEpoch : history.Count;
            string? reason = session.Learner.StopReason;
            var result = new TrainResult(session, history, final, reason, best, 0, []);
            if (result.Diverged) return result with { Seconds = watch.Elapsed.TotalSeconds };
            // The one look at the test part, after every choice the run makes (early stopping included) is made.
            if (data.Test != null) result = result with { Test = session.Learner.Evaluate(new DataLoader(data.Test, TrainingSession.ValidBatchSize)) };
            if (settings.Save != null) ModelFile.Save(settings.Save, session.Model, session.Info);
            var figures = settings.Plots != null ? TrainingPlots.Write(settings.Plots, result) : [];
            return result with { Seconds = watch.Elapsed.TotalSeconds, Figures = figures };
        });
    }
}

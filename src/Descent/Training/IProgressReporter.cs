namespace Descent.Training;

/// <summary>What a <see cref="IProgressReporter"/> learns when a fit begins.</summary>
/// <param name="FirstEpoch">The first epoch this call trains (1, or later when resuming).</param>
/// <param name="Epochs">The last epoch.</param>
/// <param name="BatchesPerEpoch">Training batches per epoch.</param>
/// <param name="HasValidation">Whether validation runs after each epoch.</param>
public sealed record FitInfo(int FirstEpoch, int Epochs, int BatchesPerEpoch, bool HasValidation);

/// <summary>
/// Receives training progress from <see cref="Learner"/>, so the library never writes to the console
/// itself: <see cref="PlainProgress"/> writes one line per epoch; the CLI shows a live bar.
/// </summary>
public interface IProgressReporter
{
    /// <summary>Training is about to start.</summary>
    void OnFitBegin(FitInfo info);

    /// <summary>A training batch is done.</summary>
    void OnBatch(BatchResult batch);

    /// <summary>An epoch is done; <paramref name="epochs"/> is the last epoch of the fit.</summary>
    void OnEpochEnd(EpochRecord record, int epochs);

    /// <summary>A message for the user (early stop, divergence, restored weights, saved checkpoints).</summary>
    void OnMessage(string message);
}

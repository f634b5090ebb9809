namespace Descent.Training;

/// <summary>What <see cref="ICallback.OnBatchEnd"/> receives about the training batch just done.</summary>
/// <param name="Epoch">The epoch, counted from 1.</param>
/// <param name="Batch">The batch within the epoch, counted from 1.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">The batch's loss.</param>
/// <param name="Lr">The learning rate the batch was trained with (first parameter group).</param>
/// <param name="Step">Optimizer steps completed in the whole run, this one included.</param>
/// <remarks>
/// A value (a <c>readonly record struct</c>), so that reporting a step costs the GC nothing: every step makes one,
/// and a steady step is held to about 1 KB in all. Keep it as you would any value; it never changes.
/// </remarks>
/// <example><code>
/// public void OnBatchEnd(Learner learner, BatchResult batch)
/// {
///     if (batch.Batch == batch.Batches) Console.WriteLine($"epoch {batch.Epoch} ended at loss {batch.Loss:F4}");
/// }
/// </code></example>
public readonly record struct BatchResult(int Epoch, int Batch, int Batches, double Loss, double Lr, long Step);

/// <summary>
/// Hooks into <see cref="Learner.Fit(int, string?)"/>. Every hook has an empty default, so a callback implements only
/// what it needs; call <see cref="Learner.RequestStop"/> to end training. Callbacks run in ascending
/// <see cref="Order"/>, then in the order given; checkpointing runs last so that it saves the state
/// every other callback has already updated.
/// </summary>
/// <example><code>
/// sealed class PrintLoss : ICallback
/// {
///     public void OnBatchEnd(Learner learner, BatchResult batch) => Console.WriteLine(batch.Loss);
/// }
/// </code></example>
public interface ICallback
{
    /// <summary>Sort key: lower runs first (0 by default; <see cref="ModelCheckpoint"/> uses 100).</summary>
    int Order => 0;

    /// <summary>Before the first epoch of a <see cref="Learner.Fit(int, string?)"/> call.</summary>
    void OnFitBegin(Learner learner) { }

    /// <summary>Before an epoch's first batch; <paramref name="epoch"/> counts from 1.</summary>
    void OnEpochBegin(Learner learner, int epoch) { }

    /// <summary>After a batch's optimizer and schedule step. A stop requested here ends the epoch without recording it.</summary>
    void OnBatchEnd(Learner learner, BatchResult batch) { }

    /// <summary>After validation, once <paramref name="record"/> is in <see cref="Learner.History"/>. A stop requested here ends training after this epoch.</summary>
    void OnEpochEnd(Learner learner, EpochRecord record) { }

    /// <summary>After the last epoch, also when training stopped early.</summary>
    void OnFitEnd(Learner learner, History history) { }
}

/// <summary>
/// A callback's own state, saved in checkpoints so that a resumed run behaves as an uninterrupted one
/// (e.g. <see cref="EarlyStopping"/>'s best value, patience counter and best weights).
/// </summary>
/// <param name="Values">Named numbers (stored exactly).</param>
/// <param name="Tensors">Named tensors (a model state dict's dotted names are fine).</param>
public sealed record CallbackState(IReadOnlyDictionary<string, double> Values, IReadOnlyDictionary<string, Tensor> Tensors);

/// <summary>A callback whose state goes into checkpoints under <see cref="StateKey"/>.</summary>
public interface IStatefulCallback : ICallback
{
    /// <summary>A key unique among the learner's callbacks: letters, digits and underscores.</summary>
    string StateKey { get; }

    /// <summary>The state to save.</summary>
    CallbackState GetState();

    /// <summary>Restores a state returned by <see cref="GetState"/>; throws <see cref="ArgumentException"/> naming what does not fit.</summary>
    void SetState(CallbackState state);
}

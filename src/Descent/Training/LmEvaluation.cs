namespace Descent.Training;

/// <summary>One evaluation of an <see cref="LmTrainer"/> run: the mean loss of both splits after <paramref name="Step"/> iterations.</summary>
/// <param name="Step">Iterations completed when it was measured (0 before the first).</param>
/// <param name="TrainLoss">Mean cross-entropy over the recipe's evaluation batches of the training split.</param>
/// <param name="ValidLoss">The same over the validation split.</param>
/// <param name="Lr">The learning rate of the next iteration.</param>
public sealed record LmEvaluation(long Step, double TrainLoss, double ValidLoss, double Lr);

/// <summary>What <see cref="LmTrainer.Run"/> reports after each iteration, and after each evaluation.</summary>
/// <param name="Step">Iterations completed.</param>
/// <param name="Loss">The last iteration's training loss (NaN before the first).</param>
/// <param name="Lr">The learning rate the last iteration used.</param>
/// <param name="Evaluation">The evaluation made at this step, or null.</param>
/// <param name="TrainSeconds">Wall seconds spent in iterations so far, evaluation excluded.</param>
/// <param name="TokensPerSecond">Training tokens (batch · block per iteration) per train second.</param>
public sealed record LmProgress(long Step, double Loss, double Lr, LmEvaluation? Evaluation, double TrainSeconds, double TokensPerSecond);

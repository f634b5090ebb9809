namespace Descent.Plots;

/// <summary>A straight line y = a·x + b: the tutorial's model and each of its guesses.</summary>
/// <param name="A">The slope.</param>
/// <param name="B">The intercept.</param>
public readonly record struct LineParams(double A, double B)
{
    /// <summary>The line's value at <paramref name="x"/>.</summary>
    public double At(double x) => A * x + B;

    /// <summary>"a = 3, b = 8".</summary>
    public override string ToString() => $"a = {Style.Number(A)}, b = {Style.Number(B)}";
}

/// <summary>One named curve, e.g. one optimizer's loss per step.</summary>
/// <param name="Name">The legend text.</param>
/// <param name="Y">The values.</param>
/// <param name="X">The x positions; null means 0, 1, 2, ...</param>
public sealed record Series(string Name, double[] Y, double[]? X = null);

/// <summary>The (a, b) visited by gradient descent, one entry per step, starting with the initial guess.</summary>
/// <param name="Name">The legend text, e.g. "lr = 0.1".</param>
/// <param name="A">The slope at each step.</param>
/// <param name="B">The intercept at each step.</param>
public sealed record ParamPath(string Name, double[] A, double[] B);

/// <summary>
/// The loss over training: per epoch, the training loss, the validation loss and optionally a metric. Index 0 is
/// epoch 1.
/// </summary>
/// <param name="TrainLoss">The mean training loss of each epoch.</param>
/// <param name="ValidLoss">The validation loss after each epoch.</param>
/// <param name="Metric">A validation metric per epoch (e.g. accuracy), or null.</param>
/// <param name="MetricName">The metric's name for the axis label.</param>
/// <param name="StopEpoch">The 1-based epoch early stopping kept (the best one), or null.</param>
public sealed record TrainingCurves(double[] TrainLoss, double[] ValidLoss, double[]? Metric = null,
    string MetricName = "accuracy", int? StopEpoch = null);

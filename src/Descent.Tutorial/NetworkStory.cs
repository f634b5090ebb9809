using Descent.Nn;
using Descent.Optim;

namespace Descent.Tutorial;

/// <summary>What the line and the MLP reach on the sin data after the same training.</summary>
/// <param name="Settings">The settings the story ran with.</param>
/// <param name="TargetVariance">The variance of y (the best constant's loss).</param>
/// <param name="NoiseFloor">mean((y − sin x)²) on this draw.</param>
/// <param name="BestLineLoss">The least-squares line's loss (closed form).</param>
/// <param name="LineParameters">The line's parameter count (2).</param>
/// <param name="MlpParameters">The MLP's parameter count.</param>
/// <param name="MlpLayers">The MLP's layers as printed, e.g. "Linear(1, 32), Tanh, ...".</param>
/// <param name="Line">The line's training run.</param>
/// <param name="Mlp">The MLP's training run.</param>
public sealed record NetworkFit(
    NetworkSettings Settings,
    double TargetVariance,
    double NoiseFloor,
    double BestLineLoss,
    int LineParameters,
    int MlpParameters,
    string MlpLayers,
    TrainingRun Line,
    TrainingRun Mlp)
{
    /// <summary>How many times the MLP's final loss the line's is.</summary>
    public double LineOverMlp => Line.FinalLoss / (double)Mlp.FinalLoss;
}

/// <summary>
/// "Networks are stacks of linear and non-linear layers": a straight line and an MLP of linear layers with
/// Tanh between them, trained alike (Adam, <see cref="NetworkSettings.AdamLr"/>, full batch) on sin plus noise.
/// The line cannot bend, so it stays near the least-squares line's loss; the MLP gets down to the noise.
/// </summary>
/// <example><code>
/// var fit = NetworkStory.Run(new NetworkSettings(Seed: 0));
/// Console.WriteLine($"line {fit.Line.FinalLoss}, MLP {fit.Mlp.FinalLoss}");
/// </code></example>
public static class NetworkStory
{
    /// <summary>Runs the comparison on freshly drawn data.</summary>
    public static NetworkFit Run(NetworkSettings settings) => Run(SinProblem.Create(settings));

    /// <summary>Runs the comparison on <paramref name="problem"/>'s data and initial weights.</summary>
    public static NetworkFit Run(SinProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        string details = FormattableString.Invariant($"Adam, lr {NetworkSettings.AdamLr:0.###}");
        var line = problem.NewLine();
        var lineRun = problem.Train("line", line, new Adam(line.Parameters(), lr: NetworkSettings.AdamLr), details: details);
        var mlp = problem.NewMlp();
        var mlpRun = problem.AdamBaseline() with { Name = "MLP", Details = details };
        return new NetworkFit(problem.Settings, problem.TargetVariance, problem.NoiseFloor, problem.BestLineLoss,
            Count(line), Count(mlp), Describe(mlp), lineRun, mlpRun);
    }

    private static int Count(Module model) => model.Parameters().Sum(p => p.Numel);

    private static string Describe(Sequential model) => string.Join(", ", model.Select(m => m switch
    {
        Linear l => $"Linear({l.InFeatures}, {l.OutFeatures})",
        _ => m.GetType().Name,
    }));
}

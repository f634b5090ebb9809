using Descent.Optim;

namespace Descent.Tutorial;

/// <summary>
/// "Faster kinds of gradient descent": the MLP of <see cref="NetworkStory"/> trained from the same initial
/// weights for the same number of full-batch steps by SGD, SGD with momentum (same rate), RMSprop and Adam,
/// each at a rate commonly used with it.
/// </summary>
/// <example><code>
/// foreach (var run in OptimizerStory.Run(new NetworkSettings()))
///     Console.WriteLine($"{run.Name}: {run.FinalLoss}");
/// </code></example>
public static class OptimizerStory
{
    /// <summary>Runs the comparison on freshly drawn data.</summary>
    public static IReadOnlyList<TrainingRun> Run(NetworkSettings settings) => Run(SinProblem.Create(settings));

    /// <summary>Runs the comparison on <paramref name="problem"/>'s data and initial weights, in the order SGD, SGD + momentum, RMSprop, Adam.</summary>
    public static IReadOnlyList<TrainingRun> Run(SinProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return
        [
            Train(problem, "SGD", FormattableString.Invariant($"lr {NetworkSettings.SgdLr:0.###}"), m => new SGD(m, lr: NetworkSettings.SgdLr)),
            Train(problem, "SGD + momentum", FormattableString.Invariant($"lr {NetworkSettings.SgdLr:0.###}, momentum {NetworkSettings.SgdMomentum:0.##}"),
                m => new SGD(m, lr: NetworkSettings.SgdLr, momentum: NetworkSettings.SgdMomentum)),
            Train(problem, "RMSprop", FormattableString.Invariant($"lr {NetworkSettings.RmsPropLr:0.###}"), m => new RMSprop(m, lr: NetworkSettings.RmsPropLr)),
            problem.AdamBaseline(),
        ];
    }

    private static TrainingRun Train(SinProblem problem, string name, string details, Func<IEnumerable<Tensor>, Optimizer> create)
    {
        var model = problem.NewMlp();
        return problem.Train(name, model, create(model.Parameters()), details: details);
    }
}

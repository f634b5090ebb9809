namespace Descent.Tutorial;

/// <summary>The sin chapters together: networks, optimizers and schedules, all on one draw of the sin data.</summary>
/// <param name="Settings">The settings it ran with.</param>
/// <param name="Network">The line against the MLP.</param>
/// <param name="Optimizers">SGD, SGD + momentum, RMSprop and Adam from the same start.</param>
/// <param name="Schedules">Constant, cyclic and one-cycle rates from the same start.</param>
public sealed record SecondHalfResult(
    NetworkSettings Settings,
    NetworkFit Network,
    IReadOnlyList<TrainingRun> Optimizers,
    IReadOnlyList<TrainingRun> Schedules);

/// <summary>Runs the three sin chapters on one shared <see cref="SinProblem"/>.</summary>
/// <example><code>
/// var result = SecondHalf.Run(new NetworkSettings(Seed: 0));
/// Console.WriteLine(result.Network.Mlp.FinalLoss);
/// </code></example>
public static class SecondHalf
{
    /// <summary>Tells the second half for <paramref name="settings"/>; the same settings give the same result.</summary>
    public static SecondHalfResult Run(NetworkSettings settings)
    {
        var problem = SinProblem.Create(settings);
        return new SecondHalfResult(problem.Settings, NetworkStory.Run(problem), OptimizerStory.Run(problem),
            ScheduleStory.Run(problem));
    }
}

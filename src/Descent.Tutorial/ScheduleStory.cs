using Descent.Optim;
using Descent.Optim.Schedules;

namespace Descent.Tutorial;

/// <summary>
/// "Cyclical learning rates rise, then decay": the MLP trained by Adam from the same initial weights at a
/// constant rate, under PyTorch's triangular <see cref="CyclicLR"/> (two cycles between a tenth of the peak
/// and the peak) and under fastai's one-cycle (<see cref="OneCycle.Fastai"/>) (warm up to the peak over the first quarter, then
/// anneal to almost nothing). Both schedules also cycle Adam's beta1 opposite to the rate, as their defaults do.
/// </summary>
/// <example><code>
/// var runs = ScheduleStory.Run(new NetworkSettings());
/// double peak = runs[2].Lrs.Max();   // one-cycle's peak rate
/// </code></example>
public static class ScheduleStory
{
    /// <summary>Runs the comparison on freshly drawn data.</summary>
    public static IReadOnlyList<TrainingRun> Run(NetworkSettings settings) => Run(SinProblem.Create(settings));

    /// <summary>Runs the comparison on <paramref name="problem"/>'s data and initial weights, in the order constant, cyclic, one-cycle.</summary>
    public static IReadOnlyList<TrainingRun> Run(SinProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        int steps = problem.Settings.Steps;
        double peak = NetworkSettings.PeakLr;
        long halfCycle = steps / 4;
        return
        [
            // A constant schedule sets every step's rate to the optimizer's own: exactly the Adam baseline.
            problem.AdamBaseline() with { Name = "constant", Details = FormattableString.Invariant($"Adam, lr {NetworkSettings.AdamLr:0.###}") },
            Train(problem, "cyclic", FormattableString.Invariant($"Adam, triangular {peak / 10:0.####} ↔ {peak:0.###}, {halfCycle} steps each way"), peak,
                new CyclicLR(baseLr: peak / 10, maxLr: peak, stepSizeUp: halfCycle)),
            Train(problem, "one-cycle", FormattableString.Invariant($"Adam, fastai's one-cycle to {peak:0.###}"), peak, OneCycle.Fastai(steps, maxLr: peak)),
        ];
    }

    private static TrainingRun Train(SinProblem problem, string name, string details, double lr, Schedule schedule)
    {
        var model = problem.NewMlp();
        return problem.Train(name, model, new Adam(model.Parameters(), lr: lr), schedule, details);
    }
}

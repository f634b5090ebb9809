using Descent.Optim.Schedules;

namespace Descent.Training;

/// <summary>The learning-rate schedules by name, as <c>descent train --schedule</c> and <see cref="Recipe"/> name them, each laid out over a run of a given number of steps.</summary>
public static class ScheduleChoice
{
    /// <summary>The names, as help and errors list them.</summary>
    public static readonly IReadOnlyList<string> Names =
        ["constant", "onecycle", "onecycle-pytorch", "cyclic", "cosine", "cosine-restarts", "step", "exponential", "warmup"];

    /// <summary>The default for training: fastai's one-cycle.</summary>
    public const string Default = "onecycle";

    /// <summary>
    /// The schedule over <paramref name="totalSteps"/> optimizer steps with <paramref name="lr"/> as its base (or
    /// peak) rate. <paramref name="cycleMomentum"/> lets one-cycle and cyclic move momentum (or beta1) too.
    /// cyclic: two triangles between lr/10 and lr; cosine-restarts: four cosines; step: ×0.1 at each third;
    /// exponential: down to lr/100 at the end; warmup: a linear warm-up over the first tenth, then cosine.
    /// </summary>
    public static Schedule Create(string name, long totalSteps, double lr, bool cycleMomentum)
    {
        if (totalSteps < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"schedule: totalSteps must be at least 1; got {totalSteps}");
        long quarter = Math.Max(1, totalSteps / 4);
        return name switch
        {
            "constant" => new Constant(),
            "onecycle" => OneCycle.Fastai(totalSteps, maxLr: lr, cycleMomentum: cycleMomentum),
            "onecycle-pytorch" => OneCycle.PyTorch(totalSteps, maxLr: lr, cycleMomentum: cycleMomentum),
            "cyclic" => new CyclicLR(baseLr: lr / 10, maxLr: lr, stepSizeUp: quarter, cycleMomentum: cycleMomentum),
            "cosine" => new CosineAnnealing(totalSteps),
            "cosine-restarts" => new CosineAnnealingWarmRestarts(quarter),
            "step" => new Step(Math.Max(1, totalSteps / 3), gamma: 0.1),
            "exponential" => new Exponential(Math.Pow(0.01, 1.0 / totalSteps)),
            "warmup" => new LinearWarmup(Math.Max(1, totalSteps / 10), startFactor: 0.01, then: new CosineAnnealing(Math.Max(1, totalSteps - Math.Max(1, totalSteps / 10)))),
            _ => throw new ArgumentException($"unknown schedule '{name}'; one of: {string.Join(", ", Names)}", nameof(name)),
        };
    }
}

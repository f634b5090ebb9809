namespace Descent.Cli.Demo;

/// <summary>One training run of the demo's second half, step by step.</summary>
/// <param name="Name">What is being compared, e.g. "SGD + momentum" or "one-cycle".</param>
/// <param name="Details">Its settings as the demo prints them, e.g. "lr 0.1, momentum 0.9".</param>
/// <param name="Lr">The optimizer's learning rate as created (a schedule then sets the rate of each step).</param>
/// <param name="Losses">The full-batch loss before each step, then after the last: one more entry than steps.</param>
/// <param name="Lrs">The rate each step used.</param>
public sealed record TrainingRun(string Name, string Details, double Lr, IReadOnlyList<float> Losses, IReadOnlyList<double> Lrs)
{
    /// <summary>Steps taken.</summary>
    public int Steps => Lrs.Count;

    /// <summary>The loss at the start.</summary>
    public float InitialLoss => Losses[0];

    /// <summary>The loss after the last step.</summary>
    public float FinalLoss => Losses[^1];
}

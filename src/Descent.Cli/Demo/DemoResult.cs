namespace Descent.Cli.Demo;

/// <summary>What <c>descent demo</c> tells: the settings, the data's closed-form facts and each descent.</summary>
/// <param name="Settings">The settings the story ran with.</param>
/// <param name="Theory">Closed-form facts about this data: expectations, least squares, curvature.</param>
/// <param name="LossAt00">MSE of the line a = 0, b = 0 on the data (equals mean(y²)).</param>
/// <param name="LossAt11">MSE of the line a = 1, b = 1 on the data.</param>
/// <param name="Sweep">The loss over the grid a = b, in grid order.</param>
/// <param name="BestAEqualsB">The grid value of a = b with the lowest loss.</param>
/// <param name="BestAEqualsBLoss">The loss there.</param>
/// <param name="StartA">The random starting slope shared by every descent.</param>
/// <param name="StartB">The random starting intercept shared by every descent.</param>
/// <param name="Main">The descent at <see cref="DemoSettings.LearningRate"/>, with its trajectory.</param>
/// <param name="LearningRates">The same descent at each comparison learning rate.</param>
public sealed record DemoResult(
    DemoSettings Settings,
    LineTheory Theory,
    float LossAt00,
    float LossAt11,
    IReadOnlyList<SweepPoint> Sweep,
    float BestAEqualsB,
    float BestAEqualsBLoss,
    float StartA,
    float StartB,
    DescentRun Main,
    IReadOnlyList<DescentRun> LearningRates);

/// <summary>The loss of the line y = c·x + c, that is a = b = c.</summary>
/// <param name="C">The common value of a and b.</param>
/// <param name="Loss">The mean squared error of that line on the data.</param>
public readonly record struct SweepPoint(float C, float Loss);

/// <summary>The parameters and loss after a given number of descent steps.</summary>
/// <param name="Step">Steps taken so far (0 is the start).</param>
/// <param name="A">The slope.</param>
/// <param name="B">The intercept.</param>
/// <param name="Loss">The MSE at (A, B).</param>
public readonly record struct DescentSnapshot(int Step, float A, float B, float Loss);

/// <summary>How a descent ended, judged from its measured loss trajectory (never from the learning rate).</summary>
public enum DescentOutcome
{
    /// <summary>The loss fell to within <see cref="LineDescent.ConvergedGapRatio"/> of its starting distance from the least-squares loss.</summary>
    Converges,

    /// <summary>The loss fell but is still far from the least-squares loss after all the steps.</summary>
    Crawls,

    /// <summary>The loss grew while the updates kept flipping direction: each step overshoots further.</summary>
    OscillatesAndDiverges,

    /// <summary>The loss grew without the updates flipping direction.</summary>
    Diverges,
}

/// <summary>One gradient descent from the shared start.</summary>
/// <param name="LearningRate">The step size.</param>
/// <param name="Steps">Steps actually taken (fewer than asked when it stopped early).</param>
/// <param name="StoppedEarly">True when the loss passed <see cref="LineDescent.BlowUpFactor"/> times its start.</param>
/// <param name="InitialLoss">The loss at the start.</param>
/// <param name="FinalLoss">The loss at the final parameters.</param>
/// <param name="A">The final slope.</param>
/// <param name="B">The final intercept.</param>
/// <param name="FlipFraction">The share of consecutive updates of a that point in opposite directions.</param>
/// <param name="Outcome">The outcome, judged from the trajectory.</param>
/// <param name="Trajectory">Snapshots at steps 0, 1, 2, 5, 10, 20, 50, ... and at the end.</param>
public sealed record DescentRun(
    float LearningRate,
    int Steps,
    bool StoppedEarly,
    float InitialLoss,
    float FinalLoss,
    float A,
    float B,
    double FlipFraction,
    DescentOutcome Outcome,
    IReadOnlyList<DescentSnapshot> Trajectory)
{
    /// <summary>The outcome as the demo prints it, e.g. "oscillates and diverges".</summary>
    public string OutcomeText => Outcome switch
    {
        DescentOutcome.Converges => "converges",
        DescentOutcome.Crawls => "crawls",
        DescentOutcome.OscillatesAndDiverges => "oscillates and diverges",
        _ => "diverges",
    };
}

using Descent.Data;

namespace Descent.Tutorial;

/// <summary>The knobs of the line chapter (<c>descent demo</c>, lesson 01); the defaults tell the tutorial's story.</summary>
/// <param name="Seed">Seeds the one <see cref="Generator"/> that draws the data and then the start.</param>
/// <param name="Points">How many points to draw (at least 2, so that the least-squares line is defined).</param>
/// <param name="Steps">Gradient descent steps per run.</param>
/// <param name="LearningRate">The learning rate of the main descent.</param>
/// <param name="ComparisonRates">The learning rates compared at the end; null means too small, right and too large.</param>
public sealed record LineSettings(
    ulong Seed = 0,
    int Points = 50,
    int Steps = 300,
    float LearningRate = 0.5f,
    IReadOnlyList<float>? ComparisonRates = null)
{
    /// <summary>The most steps a run may take: its path keeps <see cref="Steps"/> + 1 snapshots, a count that must fit an int.</summary>
    public const int MaxSteps = int.MaxValue - 1;

    /// <summary>The data's true slope.</summary>
    public const float Slope = 3f;

    /// <summary>The data's true intercept.</summary>
    public const float Intercept = 8f;

    /// <summary>The standard deviation of the noise on y.</summary>
    public const float Noise = 0.3f;

    /// <summary>Too small, right, and (for this data, whose stability limit is near 0.79) too large.</summary>
    public static readonly IReadOnlyList<float> DefaultComparisonRates = [0.01f, 0.5f, 1.0f];

    /// <summary>The comparison rates in effect.</summary>
    public IReadOnlyList<float> Rates => ComparisonRates ?? DefaultComparisonRates;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (Points < 2) throw new ArgumentOutOfRangeException(nameof(Points), Points, "demo: points must be at least 2");
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "demo: steps must be at least 1");
        if (Steps > MaxSteps) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, $"demo: steps must be at most {MaxSteps}");
        CheckRate(nameof(LearningRate), LearningRate);
        foreach (var lr in Rates) CheckRate(nameof(ComparisonRates), lr);
    }

    private static void CheckRate(string name, float lr)
    {
        if (!(lr > 0) || !float.IsFinite(lr))
            throw new ArgumentOutOfRangeException(name, lr, "demo: a learning rate must be finite and > 0");
    }
}

/// <summary>What the line chapter finds: the settings, the data's closed-form facts and each descent.</summary>
/// <param name="Settings">The settings the story ran with.</param>
/// <param name="Theory">Closed-form facts about this data: expectations, least squares, curvature.</param>
/// <param name="LossAt00">MSE of the line a = 0, b = 0 on the data (equals mean(y²)).</param>
/// <param name="LossAt11">MSE of the line a = 1, b = 1 on the data.</param>
/// <param name="Sweep">The loss over the grid a = b, in grid order.</param>
/// <param name="BestAEqualsB">The grid value of a = b with the lowest loss.</param>
/// <param name="BestAEqualsBLoss">The loss there.</param>
/// <param name="StartA">The random starting slope shared by every descent.</param>
/// <param name="StartB">The random starting intercept shared by every descent.</param>
/// <param name="Main">The descent at <see cref="LineSettings.LearningRate"/>, with its trajectory.</param>
/// <param name="LearningRates">The same descent at each comparison learning rate.</param>
public sealed record LineResult(
    LineSettings Settings,
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

/// <summary>
/// The tutorial's first chapter, the line, as a computation: draw a noisy line, measure guesses by their MSE, sweep
/// a = b, descend the gradient to the least-squares line, and compare learning rates. It prints nothing;
/// the CLI's demo and the lessons tell the result.
/// </summary>
/// <example><code>
/// var result = LinearRegressionStory.Run(new LineSettings(Seed: 0));
/// Console.WriteLine($"a = {result.Main.A}, least squares {result.Theory.LeastSquaresA}");
/// </code></example>
public static class LinearRegressionStory
{
    /// <summary>The sweep over a = b runs from 0 to this value.</summary>
    public const float SweepMax = 12f;

    /// <summary>Grid points in the sweep (a step of 0.01).</summary>
    public const int SweepPoints = 1201;

    /// <summary>
    /// The story's data: <see cref="Synthetic.Line"/> with the settings' point count, slope 3, intercept 8
    /// and noise 0.3, drawn first from <paramref name="generator"/>.
    /// </summary>
    public static (Tensor X, Tensor Y) Data(LineSettings settings, Generator generator) =>
        Synthetic.Line(settings.Points, LineSettings.Slope, LineSettings.Intercept, LineSettings.Noise, generator);

    /// <summary>Tells the whole story for <paramref name="settings"/>; the same settings give the same result.</summary>
    public static LineResult Run(LineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var generator = new Generator(settings.Seed);
        var (x, y) = Data(settings, generator);
        var start = Tensor.Randn([2], generator);
        float startA = start.At(0), startB = start.At(1);
        var theory = LineTheory.Of(x.Data, y.Data, LineSettings.Slope, LineSettings.Intercept, LineSettings.Noise);

        var sweep = SweepAEqualsB(x, y);
        var best = sweep[0];
        foreach (var p in sweep)
            if (p.Loss < best.Loss) best = p;

        var main = LineDescent.Run(x, y, startA, startB, settings.LearningRate, settings.Steps,
            theory.LeastSquaresLoss);
        var rates = settings.Rates
            .Select(lr => LineDescent.Run(x, y, startA, startB, lr, settings.Steps, theory.LeastSquaresLoss))
            .ToList();
        return new LineResult(settings, theory, Mse(x, y, 0, 0), Mse(x, y, 1, 1), sweep, best.C, best.Loss, startA, startB,
            main, rates);
    }

    /// <summary>The MSE of the line a·x + b on the data.</summary>
    public static float Mse(Tensor x, Tensor y, float a, float b) => (x * a + b - y).Square().Mean().Item();

    private static SweepPoint[] SweepAEqualsB(Tensor x, Tensor y)
    {
        // All grid lines at once: c has shape [G, 1], so c·(x + 1) − y broadcasts to [G, n].
        var c = Tensor.Linspace(0, SweepMax, SweepPoints);
        var losses = (c.Unsqueeze(1) * (x + 1) - y).Square().Mean(1);
        var points = new SweepPoint[SweepPoints];
        for (int i = 0; i < SweepPoints; i++) points[i] = new SweepPoint(c.At(i), losses.At(i));
        return points;
    }
}

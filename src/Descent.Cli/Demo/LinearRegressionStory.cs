using Descent.Data;

namespace Descent.Cli.Demo;

/// <summary>
/// The tutorial's first half as a computation: draw a noisy line, measure guesses by their MSE, sweep
/// a = b, descend the gradient to the least-squares line, and compare learning rates. It prints nothing;
/// <see cref="DemoTextWriter"/> and <see cref="DemoJsonWriter"/> tell the result.
/// </summary>
/// <example><code>
/// var result = LinearRegressionStory.Run(new DemoSettings(Seed: 0));
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
    public static (Tensor X, Tensor Y) Data(DemoSettings settings, Generator generator) =>
        Synthetic.Line(settings.Points, DemoSettings.Slope, DemoSettings.Intercept, DemoSettings.Noise, generator);

    /// <summary>Tells the whole story for <paramref name="settings"/>; the same settings give the same result.</summary>
    public static DemoResult Run(DemoSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var generator = new Generator(settings.Seed);
        var (x, y) = Data(settings, generator);
        var start = Tensor.Randn([2], generator);
        float startA = start[0], startB = start[1];
        var theory = LineTheory.Of(x.Data, y.Data, DemoSettings.Slope, DemoSettings.Intercept, DemoSettings.Noise);

        var sweep = SweepAEqualsB(x, y);
        var best = sweep[0];
        foreach (var p in sweep)
            if (p.Loss < best.Loss) best = p;

        var main = LineDescent.Run(x, y, startA, startB, settings.LearningRate, settings.Steps,
            theory.LeastSquaresLoss);
        var rates = settings.Rates
            .Select(lr => LineDescent.Run(x, y, startA, startB, lr, settings.Steps, theory.LeastSquaresLoss))
            .ToList();
        return new DemoResult(settings, theory, Mse(x, y, 0, 0), Mse(x, y, 1, 1), sweep, best.C, best.Loss, startA, startB,
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
        for (int i = 0; i < SweepPoints; i++) points[i] = new SweepPoint(c[i], losses[i]);
        return points;
    }
}

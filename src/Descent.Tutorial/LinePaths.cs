namespace Descent.Tutorial;

/// <summary>Every step of one descent on the line: the (a, b) it visited and the loss at each.</summary>
/// <param name="LearningRate">The step size.</param>
/// <param name="Steps">Step 0 (the start), 1, 2, ... to the end of the run.</param>
public sealed record LinePath(float LearningRate, IReadOnlyList<DescentSnapshot> Steps)
{
    /// <summary>The slope at every step.</summary>
    public double[] A => [.. Steps.Select(s => (double)s.A)];

    /// <summary>The intercept at every step.</summary>
    public double[] B => [.. Steps.Select(s => (double)s.B)];

    /// <summary>The loss at every step.</summary>
    public double[] Losses => [.. Steps.Select(s => (double)s.Loss)];
}

/// <summary>
/// The first half's data and the full paths of its descents, for figures: the story keeps only snapshots, so
/// the same seeded draw and the same descents (same start, same rates, same steps) are run again, step by step.
/// </summary>
/// <param name="X">The 50 (or <see cref="LineSettings.Points"/>) inputs.</param>
/// <param name="Y">Their targets.</param>
/// <param name="Main">The main descent's path.</param>
/// <param name="Rates">Each comparison rate's path, in the settings' order.</param>
public sealed record LinePaths(double[] X, double[] Y, LinePath Main, IReadOnlyList<LinePath> Rates)
{
    /// <summary>Replays <paramref name="result"/>'s data and descents; deterministic, so they end exactly where the story's did.</summary>
    public static LinePaths Of(LineResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Settings;
        var (x, y) = LinearRegressionStory.Data(s, new Generator(s.Seed));
        LinePath Replay(float lr)
        {
            var steps = new List<DescentSnapshot>(s.Steps + 1);
            LineDescent.Run(x, y, result.StartA, result.StartB, lr, s.Steps, result.Theory.LeastSquaresLoss, steps.Add);
            return new LinePath(lr, steps);
        }
        return new LinePaths(ToDoubles(x), ToDoubles(y), Replay(s.LearningRate), [.. s.Rates.Select(Replay)]);
    }

    private static double[] ToDoubles(Tensor t) => [.. t.ToArray().Select(v => (double)v)];
}

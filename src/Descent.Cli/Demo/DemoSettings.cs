namespace Descent.Cli.Demo;

/// <summary>The knobs of <c>descent demo</c>; the defaults tell the tutorial's story.</summary>
/// <param name="Seed">Seeds the one <see cref="Generator"/> that draws the data and then the start.</param>
/// <param name="Points">How many points to draw (at least 2, so that the least-squares line is defined).</param>
/// <param name="Steps">Gradient descent steps per run.</param>
/// <param name="LearningRate">The learning rate of the main descent.</param>
/// <param name="ComparisonRates">The learning rates compared at the end; null means too small, right and too large.</param>
public sealed record DemoSettings(
    ulong Seed = 0,
    int Points = 50,
    int Steps = 300,
    float LearningRate = 0.5f,
    IReadOnlyList<float>? ComparisonRates = null)
{
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
        CheckRate(nameof(LearningRate), LearningRate);
        foreach (var lr in Rates) CheckRate(nameof(ComparisonRates), lr);
    }

    private static void CheckRate(string name, float lr)
    {
        if (!(lr > 0) || !float.IsFinite(lr))
            throw new ArgumentOutOfRangeException(name, lr, "demo: a learning rate must be finite and > 0");
    }
}

namespace Descent.Tutorial;

/// <summary>
/// The part of the (a, b) plane the line chapter's landscape shows: whole numbers that hold the descents' start
/// and the least-squares point with a margin around both, so the demo's figure and the lessons' show the same view.
/// </summary>
/// <param name="AMin">The smallest slope shown.</param>
/// <param name="AMax">The largest slope shown.</param>
/// <param name="BMin">The smallest intercept shown.</param>
/// <param name="BMax">The largest intercept shown.</param>
/// <example><code>
/// var r = LinearRegressionStory.Run(new LineSettings());
/// var w = LandscapeWindow.Of(r);   // e.g. a in [-3, 6], b in [-3, 10]
/// </code></example>
public sealed record LandscapeWindow(double AMin, double AMax, double BMin, double BMax)
{
    /// <summary>How far the window reaches beyond the start and the least-squares point, in a and in b.</summary>
    public const double DefaultMargin = 2;

    /// <summary>Rows and columns of the grid a landscape is sampled on.</summary>
    public const int GridSteps = 121;

    /// <summary>The window around <paramref name="result"/>'s start and least-squares point.</summary>
    public static LandscapeWindow Of(LineResult result, double margin = DefaultMargin)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!(margin >= 0) || !double.IsFinite(margin))
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "LandscapeWindow: margin must be finite and >= 0");
        var t = result.Theory;
        return new LandscapeWindow(
            Math.Floor(Math.Min(result.StartA, t.LeastSquaresA) - margin), Math.Ceiling(Math.Max(result.StartA, t.LeastSquaresA) + margin),
            Math.Floor(Math.Min(result.StartB, t.LeastSquaresB) - margin), Math.Ceiling(Math.Max(result.StartB, t.LeastSquaresB) + margin));
    }
}

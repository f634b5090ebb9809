namespace Descent.Plots;

/// <summary>
/// A loss sampled on a grid of (a, b): <c>Loss[i, j]</c> is the loss at <c>a = A[j]</c>, <c>b = B[i]</c>
/// (rows follow b, columns follow a, as an image's rows follow y).
/// </summary>
/// <param name="A">The slopes, increasing.</param>
/// <param name="B">The intercepts, increasing.</param>
/// <param name="Loss">The loss at each grid point, [B.Length, A.Length].</param>
/// <example><code>
/// var surface = LossSurface.Mse(x, y, aMin: -2, aMax: 8, bMin: -2, bMax: 14, steps: 101);
/// TutorialFigures.Landscape(surface, path).Save("out/landscape");
/// </code></example>
public sealed record LossSurface(double[] A, double[] B, double[,] Loss)
{
    /// <summary>The mean squared error of the line y = a·x + b on the points (x, y).</summary>
    public static double Mse(IReadOnlyList<double> x, IReadOnlyList<double> y, double a, double b)
    {
        Check.NotEmpty(nameof(Mse), nameof(x), x);
        Check.SameLength(nameof(Mse), nameof(x), x, nameof(y), y);
        double sum = 0;
        for (int i = 0; i < x.Count; i++)
        {
            double r = a * x[i] + b - y[i];
            sum += r * r;
        }
        return sum / x.Count;
    }

    /// <summary>Samples the MSE of y = a·x + b on a <paramref name="steps"/> × <paramref name="steps"/> grid.</summary>
    public static LossSurface Mse(IReadOnlyList<double> x, IReadOnlyList<double> y,
        double aMin, double aMax, double bMin, double bMax, int steps = 101)
    {
        Check.NotEmpty(nameof(Mse), nameof(x), x);
        Check.SameLength(nameof(Mse), nameof(x), x, nameof(y), y);
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"LossSurface.Mse: steps must be >= 2; got {steps}");
        if (!(aMax > aMin)) throw new ArgumentOutOfRangeException(nameof(aMax), aMax, $"LossSurface.Mse: aMax must be > aMin ({aMin}); got {aMax}");
        if (!(bMax > bMin)) throw new ArgumentOutOfRangeException(nameof(bMax), bMax, $"LossSurface.Mse: bMax must be > bMin ({bMin}); got {bMax}");
        var a = Grid(aMin, aMax, steps);
        var b = Grid(bMin, bMax, steps);
        var loss = new double[steps, steps];
        for (int i = 0; i < steps; i++)
            for (int j = 0; j < steps; j++)
                loss[i, j] = Mse(x, y, a[j], b[i]);
        return new LossSurface(a, b, loss);
    }

    internal void Validate(string figure)
    {
        if (A is null || B is null || Loss is null) throw new ArgumentNullException(nameof(Loss), $"{figure}: the surface's A, B and Loss must be set");
        if (A.Length < 2 || B.Length < 2) throw new ArgumentException($"{figure}: the surface needs at least 2 values of a and of b; got {A.Length} and {B.Length}");
        if (Loss.GetLength(0) != B.Length || Loss.GetLength(1) != A.Length)
            throw new ArgumentException($"{figure}: Loss must be [B.Length, A.Length] = [{B.Length}, {A.Length}]; got [{Loss.GetLength(0)}, {Loss.GetLength(1)}]");
        for (int i = 1; i < A.Length; i++) if (!(A[i] > A[i - 1])) throw new ArgumentException($"{figure}: A must increase; A[{i}] = {A[i]} after {A[i - 1]}");
        for (int i = 1; i < B.Length; i++) if (!(B[i] > B[i - 1])) throw new ArgumentException($"{figure}: B must increase; B[{i}] = {B[i]} after {B[i - 1]}");
        foreach (var v in Loss) if (!double.IsFinite(v)) throw new ArgumentException($"{figure}: Loss must be finite; got {v}");
    }

    private static double[] Grid(double min, double max, int steps)
    {
        var values = new double[steps];
        for (int i = 0; i < steps; i++) values[i] = min + (max - min) * i / (steps - 1);
        return values;
    }
}

namespace Descent.Data;

/// <summary>Small synthetic problems for teaching and tests, each reproducible from a <see cref="Generator"/>.</summary>
public static partial class Synthetic
{
    /// <summary>
    /// Regression on y = sin(x) + noise·N(0,1) with x ~ U(-π, π): a curve no straight line fits.
    /// Inputs [n, 1], targets [n, 1].
    /// </summary>
    /// <example><code>var data = Synthetic.Sin(200, noise: 0.1f, new Generator(0));</code></example>
    public static TensorDataset Sin(int n, float noise, Generator generator)
    {
        CheckCount(n);
        var x = Tensor.Uniform([n, 1], -MathF.PI, MathF.PI, generator);
        var y = new float[n];
        for (int i = 0; i < n; i++) y[i] = MathF.Sin(x.Data[i]) + noise * (float)generator.NextNormal();
        return new TensorDataset(x, Tensor.Create(y, [n, 1]));
    }

    /// <summary>
    /// Regression on a polynomial y = Σ coefficients[i]·xⁱ + noise·N(0,1) with x ~ U(low, high).
    /// Inputs [n, 1], targets [n, 1].
    /// </summary>
    public static TensorDataset Polynomial(int n, float[] coefficients, float noise, Generator generator, float low = -1f, float high = 1f)
    {
        CheckCount(n);
        if (coefficients is not { Length: > 0 }) throw new ArgumentException("Synthetic.Polynomial: give at least one coefficient");
        var x = Tensor.Uniform([n, 1], low, high, generator);
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            double xi = x.Data[i], sum = 0, power = 1;
            foreach (float c in coefficients)
            {
                sum += c * power;
                power *= xi;
            }
            y[i] = (float)(sum + noise * generator.NextNormal());
        }
        return new TensorDataset(x, Tensor.Create(y, [n, 1]));
    }

    /// <summary>
    /// Two interleaving half circles (scikit-learn's make_moons): class 0 on the upper arc, class 1 on
    /// the lower, shifted one; Gaussian noise of the given spread. Inputs [n, 2], targets [n] (0 or 1).
    /// </summary>
    public static TensorDataset Moons(int n, float noise, Generator generator)
    {
        CheckCount(n);
        var x = new float[n * 2];
        var y = new float[n];
        int outer = n - n / 2;
        for (int i = 0; i < n; i++)
        {
            bool first = i < outer;
            double t = Math.PI * generator.NextDouble();
            double px = first ? Math.Cos(t) : 1 - Math.Cos(t);
            double py = first ? Math.Sin(t) : 0.5 - Math.Sin(t);
            x[2 * i] = (float)(px + noise * generator.NextNormal());
            x[2 * i + 1] = (float)(py + noise * generator.NextNormal());
            y[i] = first ? 0 : 1;
        }
        return new TensorDataset(Tensor.Create(x, [n, 2]), Tensor.FromArray(y));
    }

    /// <summary>
    /// Interleaved spirals, one arm per class (the classic CS231n set): radius grows from 0 to 1 while
    /// the angle turns 4 radians, plus noise·N(0,1) on the angle. Inputs [classes·perClass, 2], targets class indices.
    /// </summary>
    public static TensorDataset Spirals(int perClass, int classes, float noise, Generator generator)
    {
        CheckCount(perClass);
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, $"Synthetic.Spirals: classes must be at least 2; got {classes}");
        int n = perClass * classes;
        var x = new float[n * 2];
        var y = new float[n];
        for (int c = 0; c < classes; c++)
        {
            for (int i = 0; i < perClass; i++)
            {
                int k = c * perClass + i;
                double r = perClass == 1 ? 1 : (double)i / (perClass - 1);
                double t = c * 4.0 + 4.0 * r + noise * generator.NextNormal();
                x[2 * k] = (float)(r * Math.Sin(t));
                x[2 * k + 1] = (float)(r * Math.Cos(t));
                y[k] = c;
            }
        }
        return new TensorDataset(Tensor.Create(x, [n, 2]), Tensor.FromArray(y));
    }

    private static void CheckCount(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"Synthetic: the number of points must be positive; got {n}");
    }
}

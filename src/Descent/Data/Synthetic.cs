namespace Descent.Data;

/// <summary>Small synthetic data sets for tutorials and tests, drawn from an explicit <see cref="Generator"/>.</summary>
public static partial class Synthetic
{
    /// <summary>
    /// Points on a noisy line: x ~ U(0, 1) and y = slope·x + intercept + noise·N(0, 1), both of shape [n].
    /// All n x values are drawn first, then the n noise values, so the same seed gives the same data.
    /// </summary>
    /// <param name="n">Number of points (at least 1).</param>
    /// <param name="slope">The line's slope.</param>
    /// <param name="intercept">The line's intercept.</param>
    /// <param name="noise">Standard deviation of the Gaussian noise added to y (at least 0).</param>
    /// <param name="generator">The source of randomness.</param>
    /// <returns>The inputs <c>X</c> and targets <c>Y</c>, each of shape [n].</returns>
    /// <example><code>
    /// var (x, y) = Synthetic.Line(50, slope: 3f, intercept: 8f, noise: 0.3f, new Generator(0));
    /// var loss = (y * y).Mean();   // the MSE of the line a = b = 0, about 91 on average
    /// </code></example>
    public static (Tensor X, Tensor Y) Line(int n, float slope, float intercept, float noise, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "Synthetic.Line: n must be at least 1");
        if (!(noise >= 0) || float.IsInfinity(noise))
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "Synthetic.Line: noise must be finite and >= 0");
        if (!float.IsFinite(slope)) throw new ArgumentOutOfRangeException(nameof(slope), slope, "Synthetic.Line: slope must be finite");
        if (!float.IsFinite(intercept))
            throw new ArgumentOutOfRangeException(nameof(intercept), intercept, "Synthetic.Line: intercept must be finite");

        var x = Tensor.Rand([n], generator);
        var eps = Tensor.Randn([n], generator);
        Tensor y;
        using (Autograd.NoGrad())
        {
            y = x * slope + intercept + eps * noise;
        }
        return (x, y);
    }
}

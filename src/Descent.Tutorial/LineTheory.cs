namespace Descent.Tutorial;

/// <summary>
/// Closed-form facts about fitting y ≈ a·x + b by mean squared error, computed in double precision:
/// what a random draw gives on average, the least-squares line of this draw and the loss's curvature,
/// which sets the largest learning rate at which gradient descent is stable.
/// </summary>
/// <param name="ExpectedLossAt00">E[MSE] at (0, 0) over random draws of x ~ U(0, 1) and the noise.</param>
/// <param name="ExpectedLossAt11">E[MSE] at (1, 1) over random draws.</param>
/// <param name="ExpectedBestAEqualsB">The c minimizing E[MSE] at a = b = c over random draws.</param>
/// <param name="BestAEqualsB">The c minimizing this draw's MSE at a = b = c: mean((x+1)·y) / mean((x+1)²).</param>
/// <param name="LeastSquaresA">The least-squares slope cov(x, y) / var(x).</param>
/// <param name="LeastSquaresB">The least-squares intercept mean(y) − a·mean(x).</param>
/// <param name="LeastSquaresLoss">The MSE of the least-squares line, the lowest any (a, b) reaches.</param>
/// <param name="HessianMinEigenvalue">The smaller eigenvalue of H = 2·[[mean x², mean x], [mean x, 1]].</param>
/// <param name="HessianMaxEigenvalue">The larger eigenvalue of H.</param>
public sealed record LineTheory(
    double ExpectedLossAt00,
    double ExpectedLossAt11,
    double ExpectedBestAEqualsB,
    double BestAEqualsB,
    double LeastSquaresA,
    double LeastSquaresB,
    double LeastSquaresLoss,
    double HessianMinEigenvalue,
    double HessianMaxEigenvalue)
{
    /// <summary>
    /// The largest stable learning rate, 2 / λmax(H): the MSE is quadratic, so one step multiplies the
    /// error along H's top eigenvector by (1 − lr·λmax), which exceeds 1 in size beyond this rate.
    /// </summary>
    public double MaxStableLearningRate => 2 / HessianMaxEigenvalue;

    /// <summary>E[(y − a·x − b)²] for x ~ U(0, 1), y = slope·x + intercept + noise·N(0, 1).</summary>
    /// <example><code>LineTheory.ExpectedLoss(0, 0, slope: 3, intercept: 8, noise: 0.3)   // 91.09</code></example>
    public static double ExpectedLoss(double a, double b, double slope, double intercept, double noise)
    {
        // With p = slope − a and q = intercept − b: E[(p·x + q)²] = p²·E[x²] + 2pq·E[x] + q², E[x] = 1/2, E[x²] = 1/3.
        double p = slope - a, q = intercept - b;
        return p * p / 3 + p * q + q * q + noise * noise;
    }

    /// <summary>Computes every fact for one draw of data.</summary>
    /// <example><code>var theory = LineTheory.Of(x.Data, y.Data, 3, 8, 0.3);</code></example>
    public static LineTheory Of(ReadOnlySpan<float> x, ReadOnlySpan<float> y, double slope, double intercept, double noise)
    {
        if (x.Length != y.Length || x.Length < 2)
            throw new ArgumentException($"LineTheory: x and y need the same length of at least 2; got {x.Length} and {y.Length}");
        int n = x.Length;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++)
        {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0, sxy = 0, mx2 = 0, xp1y = 0, xp1sq = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - mx;
            sxx += dx * dx;
            sxy += dx * (y[i] - my);
            mx2 += (double)x[i] * x[i];
            xp1y += (x[i] + 1.0) * y[i];
            xp1sq += (x[i] + 1.0) * (x[i] + 1.0);
        }
        mx2 /= n;
        if (sxx == 0) throw new ArgumentException("LineTheory: all x are equal, so the least-squares slope is undefined");
        double a = sxy / sxx, b = my - a * mx;
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double r = y[i] - a * x[i] - b;
            loss += r * r;
        }
        loss /= n;

        // H = 2·[[mx2, mx], [mx, 1]]; eigenvalues of a symmetric 2×2 from its trace and determinant.
        double trace = 2 * (mx2 + 1), det = 4 * (mx2 - mx * mx);
        double root = Math.Sqrt(Math.Max(0, trace * trace / 4 - det));

        // E[MSE] at a = b = c is (s−c)²/3 + (s−c)(i−c) + (i−c)² + σ²; its derivative vanishes at c = (5s + 9i) / 14.
        double expectedBest = (5 * slope + 9 * intercept) / 14;
        return new LineTheory(
            ExpectedLoss(0, 0, slope, intercept, noise),
            ExpectedLoss(1, 1, slope, intercept, noise),
            expectedBest,
            xp1y / xp1sq,
            a,
            b,
            loss,
            trace / 2 - root,
            trace / 2 + root);
    }
}

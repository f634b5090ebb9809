namespace Descent;

/// <summary>
/// Checks analytic gradients against central finite differences, like <c>torch.autograd.gradcheck</c>
/// but in float32: the function's output is projected on fixed random weights, so one Backward gives
/// every input's gradient, and the projection is summed in double to keep rounding out of the
/// differences. Inputs with more than <see cref="GradCheckOptions.MaxElementsPerInput"/> elements are
/// checked along random directions instead of element by element.
/// </summary>
/// <example><code>
/// var x = Tensor.Randn([3, 4], g).RequireGrad();
/// var w = Tensor.Randn([4, 2], g).RequireGrad();
/// GradCheck.Assert(t => t[0].MatMul(t[1]).Exp(), x, w);
/// </code></example>
public static class GradCheck
{
    /// <summary>Runs the check and returns its findings; inputs that do not require grad are held constant.</summary>
    public static GradCheckResult Check(Func<Tensor[], Tensor> function, Tensor[] inputs, GradCheckOptions? options = null)
    {
        options ??= new GradCheckOptions();
        var gen = new Generator(options.Seed);
        var leaves = inputs.Select(t => new Tensor(t.ToArray(), 0, t.Shape).RequireGrad(t.RequiresGrad)).ToArray();

        var output = function(leaves);
        var weights = Tensor.Randn(output.Shape, gen);
        if (!output.RequiresGrad)
            return GradCheckResult.Failure("the function's output does not depend on any input that requires grad");
        output.Backward(weights);

        double Projected()
        {
            using var _ = Autograd.NoGrad();
            var y = function(leaves).Data;
            var w = weights.Data;
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += (double)y[i] * w[i];
            return sum;
        }

        var worst = new GradCheckResult(true, -1, -1, 0, 0, 0, 0, "");
        double worstExcess = double.NegativeInfinity;
        void Consider(int input, int element, double analytic, double numeric)
        {
            double tol = options.AbsoluteTolerance + options.RelativeTolerance * Math.Abs(numeric);
            double error = Math.Abs(analytic - numeric);
            double excess = double.IsNaN(error) ? double.PositiveInfinity : error - tol;
            if (excess > worstExcess)
            {
                worstExcess = excess;
                worst = new GradCheckResult(excess <= 0, input, element, analytic, numeric, error, tol, "");
            }
        }

        for (int k = 0; k < leaves.Length; k++)
        {
            var x = leaves[k];
            if (!x.RequiresGrad) continue;
            var grad = x.Grad?.ToArray() ?? new float[x.Numel];
            var data = x.DataSpan;
            float eps = options.Epsilon;
            if (x.Numel <= options.MaxElementsPerInput)
            {
                for (int j = 0; j < x.Numel; j++)
                {
                    // Divide by the step float32 actually took: far from 0, x ± eps rounds, and
                    // dividing by 2·eps would misjudge even a linear function.
                    float original = data[j], up = original + eps, down = original - eps;
                    data[j] = up;
                    double plus = Projected();
                    data[j] = down;
                    double minus = Projected();
                    data[j] = original;
                    Consider(k, j, grad[j], (plus - minus) / ((double)up - down));
                }
            }
            else
            {
                var original = x.ToArray();
                for (int r = 0; r < options.RandomDirections; r++)
                {
                    var v = Tensor.Randn(x.Shape, gen).ToArray();
                    double norm = Math.Sqrt(v.Sum(e => (double)e * e));
                    // The analytic side uses the step float32 actually took, element by element.
                    double analytic = 0;
                    for (int j = 0; j < v.Length; j++)
                    {
                        v[j] = (float)(v[j] / norm);
                        data[j] = original[j] + eps * v[j];
                        analytic += (double)grad[j] * data[j];
                    }
                    double plus = Projected();
                    for (int j = 0; j < v.Length; j++)
                    {
                        data[j] = original[j] - eps * v[j];
                        analytic -= (double)grad[j] * data[j];
                    }
                    double minus = Projected();
                    original.CopyTo(data);
                    Consider(k, -1 - r, analytic / (2.0 * eps), (plus - minus) / (2.0 * eps));
                }
            }
        }
        if (worst.Input < 0) return GradCheckResult.Failure("no input requires grad, so there is nothing to check");
        return worst with { Message = worst.Describe() };
    }

    /// <summary>Runs the check and throws <see cref="GradCheckException"/> naming the worst element if it fails.</summary>
    public static GradCheckResult Assert(Func<Tensor[], Tensor> function, params Tensor[] inputs) => Assert(function, inputs, null);

    /// <summary>Runs the check with options and throws if it fails.</summary>
    public static GradCheckResult Assert(Func<Tensor[], Tensor> function, Tensor[] inputs, GradCheckOptions? options)
    {
        var result = Check(function, inputs, options);
        if (!result.Passed) throw new GradCheckException(result);
        return result;
    }
}

/// <summary>Settings for <see cref="GradCheck"/>; the defaults suit float32 functions of inputs of order 1.</summary>
public sealed record GradCheckOptions
{
    /// <summary>Finite-difference step.</summary>
    public float Epsilon { get; init; } = 1e-3f;
    /// <summary>Allowed absolute difference.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-2;
    /// <summary>Allowed difference relative to the numeric gradient.</summary>
    public double RelativeTolerance { get; init; } = 1e-2;
    /// <summary>Inputs larger than this are checked along random directions.</summary>
    public int MaxElementsPerInput { get; init; } = 512;
    /// <summary>How many random directions a large input gets.</summary>
    public int RandomDirections { get; init; } = 8;
    /// <summary>Seed for the projection weights and the directions.</summary>
    public ulong Seed { get; init; } = 1234;
}

/// <summary>
/// The worst element found by a gradient check: which input, which element (or random direction,
/// numbered -1, -2, ...), the analytic and numeric values, their difference and the tolerance.
/// </summary>
public sealed record GradCheckResult(bool Passed, int Input, int Element, double Analytic, double Numeric, double Error, double Tolerance, string Message)
{
    internal static GradCheckResult Failure(string why) => new(false, -1, -1, double.NaN, double.NaN, double.NaN, 0, "GradCheck: " + why);

    internal string Describe()
    {
        string where = Element >= 0 ? $"element {Element}" : $"random direction {-Element}";
        return $"GradCheck {(Passed ? "passed" : "failed")}: worst at input {Input}, {where}: analytic {Analytic:G7}, numeric {Numeric:G7}, difference {Error:G3} vs tolerance {Tolerance:G3}";
    }

    /// <inheritdoc/>
    public override string ToString() => Message;
}

/// <summary>Thrown by <see cref="GradCheck.Assert(Func{Tensor[], Tensor}, Tensor[])"/> when gradients disagree.</summary>
public sealed class GradCheckException(GradCheckResult result) : Exception(result.Message)
{
    /// <summary>The failing result.</summary>
    public GradCheckResult Result { get; } = result;
}

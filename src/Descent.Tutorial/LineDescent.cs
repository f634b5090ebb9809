namespace Descent.Tutorial;

/// <summary>Gradient descent on y ≈ a·x + b, written as the tutorial writes it, with Descent tensors.</summary>
public static class LineDescent
{
    /// <summary>A run stops once its loss passes this multiple of its starting loss: it is diverging, and
    /// going on would only overflow to infinity.</summary>
    public const float BlowUpFactor = 1e6f;

    /// <summary>
    /// A run converges when its distance from the least-squares loss shrinks by this factor. The loss is
    /// flat along H's small eigenvector, so a slow run can cut the gap a thousandfold while its slope is
    /// still 0.1 off; a converged run in float32 cuts it about 1e-10.
    /// </summary>
    public const double ConvergedGapRatio = 1e-7;

    /// <summary>Float32 rounding keeps the loss from settling closer than about this fraction of the least-squares loss.</summary>
    public const double LossResolution = 1e-6;

    /// <summary>
    /// Runs <paramref name="steps"/> steps of gradient descent on the MSE from (<paramref name="startA"/>,
    /// <paramref name="startB"/>) and judges the outcome from the measured losses.
    /// </summary>
    /// <param name="x">Inputs, shape [n].</param>
    /// <param name="y">Targets, shape [n].</param>
    /// <param name="startA">The starting slope.</param>
    /// <param name="startB">The starting intercept.</param>
    /// <param name="lr">The learning rate.</param>
    /// <param name="steps">How many steps to take.</param>
    /// <param name="leastSquaresLoss">The lowest reachable loss, to judge convergence by.</param>
    /// <param name="onStep">Sees every step's parameters and loss, then the final ones: the whole path, for figures.</param>
    /// <example><code>var run = LineDescent.Run(x, y, 0f, 0f, lr: 0.5f, steps: 300, theory.LeastSquaresLoss);</code></example>
    public static DescentRun Run(Tensor x, Tensor y, float startA, float startB, float lr, int steps,
        double leastSquaresLoss, Action<DescentSnapshot>? onStep = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var a = Tensor.Scalar(startA).RequireGrad();
        var b = Tensor.Scalar(startB).RequireGrad();
        var trajectory = new List<DescentSnapshot>();
        float initialLoss = Loss(x, y, a, b);
        float lastDelta = 0;
        int flips = 0, pairs = 0, step = 0;
        bool stoppedEarly = false;
        for (; step < steps; step++)
        {
            var loss = (a * x + b - y).Square().Mean();
            float value = loss.Item();
            if (IsSnapshotStep(step)) trajectory.Add(new(step, a.Item(), b.Item(), value));
            onStep?.Invoke(new(step, a.Item(), b.Item(), value));
            if (!float.IsFinite(value) || value > BlowUpFactor * initialLoss)
            {
                stoppedEarly = true;
                break;
            }
            loss.Backward();
            float before = a.Item();
            using (Autograd.NoGrad())
            {
                a.SubInPlace(a.Grad! * lr);
                b.SubInPlace(b.Grad! * lr);
            }
            a.ZeroGrad();
            b.ZeroGrad();

            float delta = a.Item() - before;
            if (step > 0 && delta != 0 && lastDelta != 0)
            {
                pairs++;
                if (Math.Sign(delta) != Math.Sign(lastDelta)) flips++;
            }
            lastDelta = delta;
        }
        float finalLoss = Loss(x, y, a, b);
        if (trajectory.Count == 0 || trajectory[^1].Step != step) trajectory.Add(new(step, a.Item(), b.Item(), finalLoss));
        if (!stoppedEarly) onStep?.Invoke(new(step, a.Item(), b.Item(), finalLoss));
        double flipFraction = pairs == 0 ? 0 : (double)flips / pairs;
        var outcome = Judge(initialLoss, finalLoss, flipFraction, leastSquaresLoss);
        return new DescentRun(lr, step, stoppedEarly, initialLoss, finalLoss, a.Item(), b.Item(), flipFraction, outcome,
            trajectory);
    }

    /// <summary>Names a run's outcome from its losses and how often its updates flipped direction.</summary>
    public static DescentOutcome Judge(double initialLoss, double finalLoss, double flipFraction, double leastSquaresLoss)
    {
        if (!double.IsFinite(finalLoss) || finalLoss > initialLoss)
            return flipFraction > 0.5 ? DescentOutcome.OscillatesAndDiverges : DescentOutcome.Diverges;
        double startGap = initialLoss - leastSquaresLoss, finalGap = finalLoss - leastSquaresLoss;
        double tolerance = ConvergedGapRatio * Math.Max(startGap, 0) + LossResolution * Math.Abs(leastSquaresLoss);
        return finalGap <= tolerance ? DescentOutcome.Converges : DescentOutcome.Crawls;
    }

    /// <summary>Steps 0, 1, 2, 5, 10, 20, 50, 100, ...: dense early, where the loss moves most, sparse later.</summary>
    public static bool IsSnapshotStep(int step)
    {
        if (step == 0) return true;
        while (step % 10 == 0) step /= 10;
        return step is 1 or 2 or 5;
    }

    private static float Loss(Tensor x, Tensor y, Tensor a, Tensor b)
    {
        using (Autograd.NoGrad())
        {
            return (a * x + b - y).Square().Mean().Item();
        }
    }
}

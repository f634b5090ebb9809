using Descent.Nn;

namespace Descent.Optim;

/// <summary>One suggested learning rate and the point of the curve it comes from (for plotting).</summary>
/// <param name="Method">"valley", "steep" or "minimum".</param>
/// <param name="Lr">The suggested rate.</param>
/// <param name="PointLr">The curve's rate at the chosen point (the minimum's rate, ten times the suggestion, for "minimum").</param>
/// <param name="PointLoss">The smoothed loss at that point.</param>
public sealed record LrSuggestion(string Method, double Lr, double PointLr, double PointLoss);

/// <summary>The outcome of <see cref="LrFinder.Run"/>: the recorded curve and the suggestions computed on it.</summary>
/// <param name="Lrs">The rate used at each iteration.</param>
/// <param name="Losses">The smoothed, bias-corrected loss after each iteration.</param>
/// <param name="Diverged">True when the sweep stopped because the smoothed loss exceeded four times the best (or was NaN).</param>
/// <param name="Valley">fastai's valley rule (the default suggestion).</param>
/// <param name="Steep">The rate where the loss falls fastest against log lr.</param>
/// <param name="Minimum">A tenth of the rate at the lowest loss.</param>
public sealed record LrFinderResult(IReadOnlyList<double> Lrs, IReadOnlyList<double> Losses, bool Diverged,
    LrSuggestion Valley, LrSuggestion Steep, LrSuggestion Minimum)
{
    /// <summary>The default suggestion: <see cref="Valley"/>'s rate.</summary>
    public double Suggestion => Valley.Lr;
}

/// <summary>
/// fastai's learning-rate range test: trains for up to <c>numIter</c> iterations while the rate grows
/// exponentially from <c>startLr</c> to <c>endLr</c> (iteration i uses <c>startLr·(endLr/startLr)^(i/numIter)</c>),
/// records the loss smoothed with β = 0.98 and bias correction, stops once it exceeds four times the best
/// (or is NaN), then restores the model's and the optimizer's state and rates. Suggestions are computed, as
/// fastai does, on the curve without its first <c>numIter/10</c> and last 5 points, cut at the first NaN.
/// </summary>
/// <example><code>
/// var result = LrFinder.Run(model, optimizer, () => LossOnNextBatch());
/// Console.WriteLine($"suggested lr: {result.Suggestion:g3}");
/// </code></example>
public static class LrFinder
{
    private const double Beta = 0.98;

    /// <summary>
    /// Runs the range test. <paramref name="loss"/> computes the loss on the next batch (as a one-element
    /// tensor attached to the graph); the finder calls Backward, the optimizer's Step and ZeroGrad.
    /// Every group gets the same rate during the sweep. Afterwards the model and optimizer states
    /// (<see cref="Module.StateDict"/>, <see cref="Optimizer.StateDict"/>) and every group's rate are restored
    /// and gradients are zeroed, even if <paramref name="loss"/> throws.
    /// </summary>
    public static LrFinderResult Run(Module model, Optimizer optimizer, Func<Tensor> loss,
        double startLr = 1e-7, double endLr = 10, int numIter = 100, bool stopDiv = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        if (!(startLr > 0) || !double.IsFinite(startLr))
            throw new ArgumentOutOfRangeException(nameof(startLr), startLr, $"{nameof(LrFinder)}: startLr must be > 0; got {startLr}");
        if (!(endLr > startLr) || !double.IsFinite(endLr))
            throw new ArgumentOutOfRangeException(nameof(endLr), endLr, $"{nameof(LrFinder)}: endLr must be finite and > startLr ({startLr}); got {endLr}");
        // fastai silently raises numIter to 6; fewer leave no curve once the last 5 points are cut.
        if (numIter < 6)
            throw new ArgumentOutOfRangeException(nameof(numIter), numIter, $"{nameof(LrFinder)}: numIter must be >= 6; got {numIter}");

        var modelState = model.StateDict();
        var optimizerState = optimizer.StateDict();
        var groupLrs = optimizer.ParamGroups.Select(g => g.Lr).ToArray();
        var lrs = new List<double>();
        var losses = new List<double>();
        bool diverged = false;
        try
        {
            optimizer.ZeroGrad();
            double avg = 0, best = double.PositiveInfinity;
            for (int i = 0; i < numIter; i++)
            {
                double lr = startLr * Math.Pow(endLr / startLr, (double)i / numIter);
                foreach (var g in optimizer.ParamGroups) g.Lr = lr;
                var value = loss();
                if (value.Numel != 1)
                    throw new ArgumentException($"{nameof(LrFinder)}: the loss must be a single value; got shape {Shape.Format(value.Shape)}", nameof(loss));
                double raw = value.Item();
                value.Backward();
                optimizer.Step();
                optimizer.ZeroGrad();

                avg = Beta * avg + (1 - Beta) * raw;
                double smoothed = avg / (1 - Math.Pow(Beta, i + 1));
                lrs.Add(lr);
                losses.Add(smoothed);
                if (smoothed < best) best = smoothed;
                if (stopDiv && (smoothed > 4 * best || double.IsNaN(smoothed)))
                {
                    diverged = true;
                    break;
                }
            }
        }
        finally
        {
            model.LoadStateDict(modelState);
            optimizer.LoadStateDict(optimizerState);
            for (int i = 0; i < groupLrs.Length; i++) optimizer.ParamGroups[i].Lr = groupLrs[i];
            optimizer.ZeroGrad();
            model.ZeroGrad();
        }

        var (curveLrs, curveLosses) = Trim(lrs, losses, numIter);
        if (curveLrs.Length < 2)
            throw new InvalidOperationException($"{nameof(LrFinder)}: the sweep stopped after {lrs.Count} of {numIter} iterations" +
                $"{(diverged ? " (the loss diverged)" : "")}; suggestions need at least 2 points after dropping the first {numIter / 10} and the last 5" +
                $" (and any from the first NaN); lower startLr or raise numIter");
        return new LrFinderResult(lrs, losses, diverged,
            Valley(curveLrs, curveLosses), Steep(curveLrs, curveLosses), Minimum(curveLrs, curveLosses));
    }

    /// <summary>fastai's cut: <c>[numIter/10 : -5]</c>, then everything from the first NaN dropped.</summary>
    internal static (double[] Lrs, double[] Losses) Trim(IReadOnlyList<double> lrs, IReadOnlyList<double> losses, int numIter)
    {
        int start = numIter / 10, end = losses.Count - 5;
        if (end <= start) return ([], []);
        int nan = -1;
        for (int i = start; i < end && nan < 0; i++) if (double.IsNaN(losses[i])) nan = i;
        if (nan >= 0) end = nan;
        return (lrs.Skip(start).Take(end - start).ToArray(), losses.Skip(start).Take(end - start).ToArray());
    }

    /// <summary>
    /// fastai's <c>valley</c>: the longest strictly decreasing subsequence of the loss, ending at <c>maxEnd</c>
    /// with length <c>lds</c> (so <c>maxStart = maxEnd - lds</c> is one before its first point), then the point
    /// <c>⌊s⌋ + ⌊s/2⌋</c> past <c>maxStart</c> with <c>s = (maxEnd - maxStart)/3</c>: about half-way down.
    /// With no decrease at all both stay 0 and the first point is chosen, as in fastai's loop.
    /// </summary>
    internal static LrSuggestion Valley(double[] lrs, double[] losses)
    {
        int n = losses.Length;
        int maxStart = 0, maxEnd = 0;
        var lds = new int[n];
        Array.Fill(lds, 1);
        for (int i = 1; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (losses[i] < losses[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
                if (lds[maxEnd] < lds[i])
                {
                    maxEnd = i;
                    maxStart = maxEnd - lds[maxEnd];
                }
            }
        }
        double sections = (maxEnd - maxStart) / 3.0;
        // fastai indexes with Python, where -1 would wrap to the last point; the curve's first point is meant.
        int idx = Math.Max(0, maxStart + (int)sections + (int)(sections / 2));
        return new LrSuggestion("valley", lrs[idx], lrs[idx], losses[idx]);
    }

    /// <summary>fastai's <c>steep</c>: the rate at the left end of the steepest descent of loss against log lr.</summary>
    internal static LrSuggestion Steep(double[] lrs, double[] losses)
    {
        int best = 0;
        double bestGrad = double.PositiveInfinity;
        for (int i = 0; i + 1 < losses.Length; i++)
        {
            double grad = (losses[i + 1] - losses[i]) / (Math.Log(lrs[i + 1]) - Math.Log(lrs[i]));
            if (grad < bestGrad)
            {
                bestGrad = grad;
                best = i;
            }
        }
        return new LrSuggestion("steep", lrs[best], lrs[best], losses[best]);
    }

    /// <summary>fastai's <c>minimum</c>: a tenth of the rate at the lowest loss.</summary>
    internal static LrSuggestion Minimum(double[] lrs, double[] losses)
    {
        int best = 0;
        for (int i = 1; i < losses.Length; i++) if (losses[i] < losses[best]) best = i;
        return new LrSuggestion("minimum", lrs[best] / 10, lrs[best], losses[best]);
    }
}

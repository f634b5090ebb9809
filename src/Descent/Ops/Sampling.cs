namespace Descent;

// Multinomial: category indices drawn from rows of weights with a seeded Generator.
public partial class Tensor
{
    // PyTorch's own bound: beyond 2^24 categories float32 cumulative weights can no longer tell them apart.
    private const int MaxCategories = 1 << 24;

    /// <summary>
    /// Draws <paramref name="numSamples"/> category indices from each row of non-negative weights, like
    /// <c>torch.multinomial</c>: a 1-D tensor of n weights gives [numSamples], a 2-D tensor [rows, n] gives
    /// [rows, numSamples]. Rows need not sum to 1. Without <paramref name="replacement"/> every index of a row
    /// is distinct and each draw is proportional to the weights not yet drawn. The draws come from
    /// <paramref name="generator"/> (else <see cref="Generator.Default"/>), the same seed giving the same
    /// indices; they differ from libtorch's, whose generator is another. Not differentiable.
    /// </summary>
    /// <example><code>
    /// var weights = Tensor.FromArray([0.1f, 0f, 0.6f, 0.3f]);
    /// var draws = weights.Multinomial(5, replacement: true, new Generator(42));    // 5 indices in {0, 2, 3}
    /// var order = weights.Multinomial(3, generator: new Generator(42));          // a permutation of {0, 2, 3}
    /// </code></example>
    public IntTensor Multinomial(int numSamples, bool replacement = false, Generator? generator = null)
    {
        if (Rank is not (1 or 2))
            throw new ArgumentException($"Multinomial: expects a 1-D or 2-D tensor of weights; got shape {Descent.Shape.Format(_shape)}");
        int rows = Rank == 1 ? 1 : _shape[0], n = _shape[^1];
        if (n > MaxCategories)
            throw new ArgumentException($"Multinomial: the number of categories cannot exceed 2^24; got {n} in shape {Descent.Shape.Format(_shape)}");
        if (numSamples <= 0)
            throw new ArgumentOutOfRangeException(nameof(numSamples), $"Multinomial: numSamples must be positive; got {numSamples}");
        if (!replacement && numSamples > n)
            throw new ArgumentException($"Multinomial: cannot draw {numSamples} samples without replacement from {n} categories (shape {Descent.Shape.Format(_shape)})");
        var w = Data;
        for (int i = 0; i < w.Length; i++)
            if (!(w[i] >= 0f) || float.IsPositiveInfinity(w[i]))
                throw new ArgumentException($"Multinomial: weights must be finite and non-negative; got {w[i].ToString(System.Globalization.CultureInfo.InvariantCulture)} at index {i} of shape {Descent.Shape.Format(_shape)}");
        for (int r = 0; r < rows; r++)
        {
            int positive = 0;
            foreach (float v in w.Slice(r * n, n)) if (v > 0f) positive++;
            if (positive == 0)
                throw new ArgumentException($"Multinomial: row {r} of shape {Descent.Shape.Format(_shape)} has no positive weight (its sum is 0)");
            if (!replacement && positive < numSamples)
                throw new ArgumentException($"Multinomial: row {r} has {positive} categories of positive weight, fewer than the {numSamples} samples to draw without replacement");
        }

        var g = generator ?? Generator.Default;
        var result = new IntTensor(Rank == 1 ? [numSamples] : [rows, numSamples]);
        var dst = result.DataSpan;
        var scratch = new double[n];
        var order = replacement ? null : new int[n];
        for (int r = 0; r < rows; r++)
        {
            var row = w.Slice(r * n, n);
            var drawn = dst.Slice(r * numSamples, numSamples);
            if (replacement) DrawWithReplacement(row, g, scratch, drawn);
            else DrawWithoutReplacement(row, g, scratch, order!, drawn);
        }
        return result;
    }

    private static void DrawWithReplacement(ReadOnlySpan<float> weights, Generator g, double[] cumulative, Span<long> drawn)
    {
        double total = 0;
        for (int i = 0; i < weights.Length; i++) cumulative[i] = total += weights[i];
        foreach (ref long d in drawn)
        {
            // The first category whose running total exceeds u; a zero weight adds nothing, so it is never it.
            double u = g.NextDouble() * total;
            int lo = 0, hi = weights.Length - 1;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] > u) hi = mid;
                else lo = mid + 1;
            }
            d = lo;
        }
    }

    private static void DrawWithoutReplacement(ReadOnlySpan<float> weights, Generator g, double[] keys, int[] order, Span<long> drawn)
    {
        // Exponential race (Efraimidis-Spirakis): category i finishes at E_i / w_i with E_i ~ Exp(1), and the
        // order of finishing is the order of successive draws without replacement, in one pass and one sort.
        // Compared as logarithms, so a subnormal weight still finishes (E / w would overflow to the infinity
        // that marks a zero weight).
        for (int i = 0; i < weights.Length; i++)
        {
            double e = -Math.Log(1.0 - g.NextDouble());
            keys[i] = weights[i] > 0f ? Math.Log(e) - Math.Log(weights[i]) : double.PositiveInfinity;
            order[i] = i;
        }
        Array.Sort(keys, order);
        for (int j = 0; j < drawn.Length; j++) drawn[j] = order[j];
    }
}

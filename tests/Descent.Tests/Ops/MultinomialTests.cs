namespace Descent.Tests.Ops;

/// <summary>
/// Multinomial's draws cannot match libtorch's (another generator), so its distribution is tested here with
/// fixed seeds: counts within a few standard errors of the weights, distinct draws without replacement.
/// </summary>
public class MultinomialTests
{
    private const int Draws = 100_000;

    private static void AssertProportional(long[] counts, float[] weights, int draws)
    {
        double total = weights.Sum();
        for (int c = 0; c < weights.Length; c++)
        {
            double p = weights[c] / total;
            double se = Math.Sqrt(draws * p * (1 - p));
            if (p == 0) Assert.Equal(0, counts[c]);
            // 5 standard errors: a fixed seed either passes or fails forever, so this guards against a biased
            // sampler (a bias of 1 % shows as 10 standard errors at 100k draws), not against bad luck.
            else Assert.True(Math.Abs(counts[c] - draws * p) < 5 * se, $"category {c}: {counts[c]} draws, expected {draws * p:F0} ± {se:F0}");
        }
    }

    private static long[] Count(IEnumerable<long> draws, int categories)
    {
        var counts = new long[categories];
        foreach (long d in draws) counts[d]++;
        return counts;
    }

    [Fact]
    public void WithReplacementDrawsInProportionToUnnormalizedWeights()
    {
        float[] w = [1f, 0f, 2f, 3f, 4f, 0.25f];
        var draws = Tensor.FromArray(w).Multinomial(Draws, replacement: true, new Generator(11));
        Assert.Equal([Draws], draws.Shape);
        AssertProportional(Count(draws.ToArray(), w.Length), w, Draws);
    }

    [Fact]
    public void EachRowOfA2DTensorHasItsOwnDistribution()
    {
        float[] a = [5f, 1f, 0f], b = [0f, 0.001f, 0.003f];
        var draws = Tensor.FromArray([.. a, .. b], 2, 3).Multinomial(Draws, replacement: true, new Generator(12));
        Assert.Equal([2, Draws], draws.Shape);
        AssertProportional(Count(draws.Select(0, 0).ToArray(), 3), a, Draws);
        AssertProportional(Count(draws.Select(0, 1).ToArray(), 3), b, Draws);
    }

    [Fact]
    public void WithoutReplacementDrawsAreDistinctAndTheFirstFollowsTheWeights()
    {
        float[] w = [1f, 0f, 2f, 3f, 4f];
        var x = Tensor.FromArray(w);
        var g = new Generator(13);
        var first = new long[w.Length];
        var second = new long[w.Length];
        const int trials = 20_000;
        for (int t = 0; t < trials; t++)
        {
            var d = x.Multinomial(4, generator: g).ToArray();
            Assert.Equal(4, d.Distinct().Count());
            Assert.DoesNotContain(1L, d);
            first[d[0]]++;
            second[d[1]]++;
        }
        AssertProportional(first, w, trials);
        // The second draw given the first is proportional to what is left: P(2nd = c) = Σ_f p_f · w_c / (W - w_f).
        double total = w.Sum();
        var expectedSecond = new float[w.Length];
        for (int c = 0; c < w.Length; c++)
            for (int f = 0; f < w.Length; f++)
                if (f != c) expectedSecond[c] += (float)(w[f] / total * w[c] / (total - w[f]));
        AssertProportional(second, expectedSecond, trials);
    }

    [Fact]
    public void DrawingEveryCategoryWithoutReplacementGivesAPermutation()
    {
        var d = Tensor.Rand([3, 50], new Generator(1)).Add(0.01f).Multinomial(50, generator: new Generator(14));
        for (int r = 0; r < 3; r++) Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), d.Select(0, r).ToArray().Order());
    }

    [Fact]
    public void TheSameSeedGivesTheSameDraws()
    {
        var x = Tensor.FromArray([0.2f, 0.5f, 0.3f, 1f], 2, 2);
        Assert.Equal(x.Multinomial(64, true, new Generator(5)).ToArray(), x.Multinomial(64, true, new Generator(5)).ToArray());
        Assert.Equal(x.Multinomial(2, false, new Generator(5)).ToArray(), x.Multinomial(2, false, new Generator(5)).ToArray());
        Assert.NotEqual(x.Multinomial(64, true, new Generator(5)).ToArray(), x.Multinomial(64, true, new Generator(6)).ToArray());
    }

    [Fact]
    public void BadWeightsAndCountsAreRefusedWithPyTorchsRules()
    {
        string Message(Func<IntTensor> call) => Assert.ThrowsAny<ArgumentException>(call).Message;
        Assert.Equal("Multinomial: weights must be finite and non-negative; got -1 at index 1 of shape [3]",
            Message(() => Tensor.FromArray([1f, -1f, 2f]).Multinomial(1)));
        Assert.Contains("got Infinity at index 0", Message(() => Tensor.FromArray([float.PositiveInfinity, 1f]).Multinomial(1)));
        Assert.Contains("got NaN at index 2 of shape [2, 2]", Message(() => Tensor.FromArray([1f, 1f, float.NaN, 1f], 2, 2).Multinomial(1)));
        Assert.Equal("Multinomial: row 1 of shape [2, 2] has no positive weight (its sum is 0)",
            Message(() => Tensor.FromArray([1f, 1f, 0f, 0f], 2, 2).Multinomial(1, true)));
        Assert.Equal("Multinomial: cannot draw 4 samples without replacement from 3 categories (shape [3])",
            Message(() => Tensor.Ones(3).Multinomial(4)));
        Assert.Contains("fewer than the 2 samples", Message(() => Tensor.FromArray([0f, 3f, 0f]).Multinomial(2)));
        Assert.Contains("numSamples must be positive; got 0", Message(() => Tensor.Ones(3).Multinomial(0)));
        Assert.Contains("1-D or 2-D", Message(() => Tensor.Ones(1, 2, 3).Multinomial(1)));
        Assert.Equal([4], Tensor.FromArray([0f, 3f, 0f]).Multinomial(4, replacement: true).Shape);
    }
}

namespace Descent.Nn;

// One draw per row of next-token logits, the way nanoGPT samples: logits / temperature, keep the topK largest,
// softmax, one multinomial draw. Temperature 0 is the limit of that as temperature → 0: the arg max.
internal static class TokenSampler
{
    public static void Check(string op, float temperature, int? topK)
    {
        if (!(temperature >= 0f) || float.IsPositiveInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, $"{op}: temperature must be finite and ≥ 0 (0 = greedy)");
        if (topK < 1)
            throw new ArgumentOutOfRangeException(nameof(topK), topK, $"{op}: topK must be ≥ 1 when given");
    }

    // logits [batch, vocab] → one token id per row.
    public static long[] Draw(Tensor logits, float temperature, int? topK, Generator generator)
    {
        if (temperature == 0f) return logits.ArgMax(-1).ToArray();
        var scaled = logits / temperature;
        int vocab = logits.Size(-1);
        if (topK is int k && k < vocab)
        {
            // Ties with the k-th value stay in, as in nanoGPT's `logits < v[:, [-1]]`.
            var kth = scaled.TopK(k).Values.Narrow(1, k - 1, 1);
            scaled = scaled.MaskedFill(scaled.Lt(kth), float.NegativeInfinity);
        }
        return scaled.Softmax(-1).Multinomial(1, generator: generator).ToArray();
    }
}

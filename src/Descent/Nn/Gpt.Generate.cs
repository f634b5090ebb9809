namespace Descent.Nn;

// Sampling: the context window both paths share, and the loop that extends the sequences one token at a time.
public sealed partial class Gpt
{
    /// <summary>
    /// Continues <paramref name="prompt"/> ([T] or [batch, T], at least one token) by <paramref name="maxTokens"/>
    /// sampled tokens and returns the prompt followed by them ([T + maxTokens] or [batch, T + maxTokens]). Each token
    /// is drawn as nanoGPT draws it: the last position's logits divided by <paramref name="temperature"/>, all but the
    /// <paramref name="topK"/> largest set to −∞ (none when null), softmax, one multinomial draw from
    /// <paramref name="generator"/> (or <see cref="Generator.Default"/>). Temperature 0 is greedy: the arg max, no draw.
    /// Runs in eval mode without an autograd graph and restores the training mode afterwards.
    /// <para>
    /// The context is a window of at most blockSize tokens: a prompt longer than blockSize is cropped to its last
    /// blockSize tokens; when the window is full and the next token does not fit, it is cropped to the last
    /// <paramref name="keepWhenFull"/> tokens (default ⌈blockSize/2⌉) and grows again from there. With
    /// <paramref name="useCache"/> each new token runs one position through each block against the cached keys and
    /// values; a crop re-runs the kept window once to refill the cache, since learned absolute positions make the
    /// old keys wrong once every token moves. Sliding by one would need that refill for every token, so a window
    /// that falls back to half its length costs about one extra position per token instead of blockSize.
    /// <c>keepWhenFull = blockSize</c> gives nanoGPT's context (always the last blockSize tokens) at that price.
    /// With <c>useCache: false</c> every token recomputes the same window from scratch; both paths see the same
    /// contexts, so their logits agree to float rounding and the same seed draws the same tokens.
    /// </para>
    /// </summary>
    /// <example><code>
    /// var ids = model.Generate(IntTensor.FromArray([0], [1]), maxTokens: 500, temperature: 0.8f, topK: 20, generator: new Generator(7));
    /// </code></example>
    public IntTensor Generate(IntTensor prompt, int maxTokens, float temperature = 1f, int? topK = null, Generator? generator = null,
        bool useCache = true, int? keepWhenFull = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Rank is not (1 or 2) || prompt.Numel == 0)
            throw new ArgumentException($"Gpt.Generate: prompt must be [T] or [batch, T] with at least one token; got shape {Shape.Format(prompt.ShapeRef)}");
        if (maxTokens < 0) throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, "Gpt.Generate: maxTokens must be ≥ 0");
        TokenSampler.Check("Gpt.Generate", temperature, topK);
        int keep = keepWhenFull ?? (Config.BlockSize + 1) / 2;
        if (keep < 1 || keep > Config.BlockSize)
            throw new ArgumentOutOfRangeException(nameof(keepWhenFull), keepWhenFull, $"Gpt.Generate: keepWhenFull must be in [1, blockSize = {Config.BlockSize}]");
        CheckIds(prompt.Data, prompt.ShapeRef);

        int batch = prompt.Rank == 2 ? prompt.Size(0) : 1, promptLength = prompt.Size(-1), length = promptLength + maxTokens;
        var sequences = new long[batch * length];
        for (int b = 0; b < batch; b++) prompt.Data.Slice(b * promptLength, promptLength).CopyTo(sequences.AsSpan(b * length));

        bool wasTraining = Training;
        Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            var g = generator ?? Generator.Default;
            var cache = useCache ? NewCache(batch) : null;
            int start = Math.Max(0, promptLength - Config.BlockSize);
            for (int n = promptLength; n < length; n++)
            {
                if (n - start > Config.BlockSize)
                {
                    start = n - keep;
                    cache?.Clear();
                }
                // The cache holds positions start..start+Length−1; what it lacks runs now (one token, or a refill).
                int from = cache == null ? start : start + cache.Length;
                var window = Window(sequences, batch, length, from, n);
                var logits = cache == null ? Forward(window) : Forward(window, cache);
                var next = TokenSampler.Draw(logits.Narrow(1, n - from - 1, 1).Reshape(batch, Config.VocabSize), temperature, topK, g);
                for (int b = 0; b < batch; b++) sequences[b * length + n] = next[b];
            }
        }
        finally
        {
            Train(wasTraining);
        }
        return IntTensor.FromArray(sequences, prompt.Rank == 2 ? [batch, length] : [length]);
    }

    /// <summary>
    /// <see cref="Generate(IntTensor, int, float, int?, Generator?, bool, int?)"/> for one prompt of token ids;
    /// returns [prompt.Length + maxTokens].
    /// </summary>
    /// <example><code>var ids = model.Generate([0, 5, 9], maxTokens: 100, temperature: 0f); // greedy</code></example>
    public IntTensor Generate(int[] prompt, int maxTokens, float temperature = 1f, int? topK = null, Generator? generator = null,
        bool useCache = true, int? keepWhenFull = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return Generate(IntTensor.FromArray(prompt), maxTokens, temperature, topK, generator, useCache, keepWhenFull);
    }

    // Positions from..to−1 of every sequence, [batch, to − from].
    private static IntTensor Window(long[] sequences, int batch, int length, int from, int to)
    {
        var window = new long[batch * (to - from)];
        for (int b = 0; b < batch; b++) sequences.AsSpan(b * length + from, to - from).CopyTo(window.AsSpan(b * (to - from)));
        return IntTensor.FromArray(window, [batch, to - from]);
    }
}

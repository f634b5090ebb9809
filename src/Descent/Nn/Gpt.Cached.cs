namespace Descent.Nn;

// The incremental forward: new positions run through each block against the keys and values cached for the
// positions before them, so a sampled token costs one position per block instead of the whole context.
public sealed partial class Gpt
{
    /// <summary>An empty key/value cache for <paramref name="batch"/> sequences, for <see cref="Forward(IntTensor, KeyValueCache)"/>.</summary>
    /// <example><code>var cache = model.NewCache(batch: 4); // four sequences decoded side by side</code></example>
    public KeyValueCache NewCache(int batch = 1)
    {
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "Gpt.NewCache: batch must be > 0");
        return new KeyValueCache(Config.Layers, batch, Config.Heads, Config.BlockSize, Config.Width / Config.Heads);
    }

    /// <summary>
    /// Logits [batch, T, vocab] for <paramref name="tokens"/> [batch, T] placed at positions cache.Length..cache.Length+T−1,
    /// attending to the positions the cache already holds; their keys and values are added to it. The result equals
    /// the matching rows of <see cref="Forward(IntTensor)"/> on the whole sequence, computed as in eval mode (no
    /// dropout) and without an autograd graph: this is the inference path.
    /// </summary>
    /// <example><code>
    /// var cache = model.NewCache();
    /// var logits = model.Forward(prompt, cache);             // [1, T, vocab]
    /// var more = model.Forward(nextToken, cache);            // [1, 1, vocab], one position per block
    /// </code></example>
    public Tensor Forward(IntTensor tokens, KeyValueCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (cache.Capacity != Config.BlockSize)
            throw new ArgumentException($"Gpt: the cache was made for blockSize {cache.Capacity}, not this model's {Config.BlockSize}; make it with this model's NewCache");
        var (batch, t) = CheckTokens(tokens, cache.Length);
        if (cache.Batch != batch)
            throw new ArgumentException($"Gpt: the cache was made for batch {cache.Batch}; got tokens of shape {Shape.Format(tokens.ShapeRef)}");
        using var _ = Autograd.NoGrad();
        var x = TokenEmbedding.Forward(tokens) + PositionEmbedding.Forward(IntTensor.Arange(cache.Length, cache.Length + t));
        var visible = cache.Visible(t);
        for (int i = 0; i < Blocks.Layers.Count; i++) x = CachedBlock(Blocks.Layers[i], x, cache, i, visible);
        cache.Advance(t);
        return Head.Forward(FinalNorm.Forward(x));
    }

    // TransformerEncoderLayer's pre-norm forward without dropout, its attention reading keys and values from the cache.
    // Queries, keys and values come from one product with the whole in_proj_weight, split afterwards: narrowing the
    // weight instead copied 192 KB a layer for every token (a narrowed tensor is a copy), which cost more than the
    // products themselves. With one new
    // position, [batch, 1, heads, headDim] and [batch, heads, 1, headDim] share their memory order, so a reshape
    // stands in for the permutes, which copy.
    private Tensor CachedBlock(TransformerEncoderLayer block, Tensor x, KeyValueCache cache, int layer, BoolTensor visible)
    {
        var attn = block.SelfAttn;
        int batch = x.Size(0), t = x.Size(1), width = Config.Width, heads = attn.NumHeads, headDim = attn.HeadDim;
        var h = block.Norm1.Forward(x);
        var qkv = Functional.Linear(h, attn.InProjWeight!, attn.InProjBias);
        var q = qkv.Narrow(2, 0, width);
        cache.Write(layer, qkv.Narrow(2, width, 2 * width), t);
        q = t == 1 ? q.Reshape(batch, heads, 1, headDim) : q.Reshape(batch, t, heads, headDim).Permute(0, 2, 1, 3);
        var attended = Functional.ScaledDotProductAttention(q, cache.Keys(layer), cache.Values(layer), attnMask: visible);
        var joined = t == 1 ? attended.Reshape(batch, 1, width) : attended.Permute(0, 2, 1, 3).Reshape(batch, t, width);
        x = x + attn.OutProj.Forward(joined);
        var hidden = block.Linear1.Forward(block.Norm2.Forward(x)).Gelu();
        return x + block.Linear2.Forward(hidden);
    }
}

namespace Descent.Nn;

/// <summary>
/// A GPT language model after nanoGPT: token and learned position embeddings, <see cref="GptConfig.Layers"/> pre-norm
/// transformer blocks with causal self-attention and a 4× GELU feed-forward block, a final LayerNorm and an output
/// head tied to the token embedding. <see cref="Forward(IntTensor)"/> maps token ids [batch, T] (T ≤ blockSize) to
/// logits [batch, T, vocab]; <see cref="Generate(IntTensor, int, float, int?, Generator?, bool, int?)"/> samples
/// with a key/value cache.
/// <para>
/// The blocks are <see cref="TransformerEncoderLayer"/>s (normFirst, gelu, batchFirst, dimFeedforward 4·width) in a
/// <see cref="TransformerEncoder"/> under a causal mask, so the state dict loads with <c>strict=True</c> into this
/// PyTorch module:
/// <code>
/// class Gpt(nn.Module):
///     def __init__(self, vocab, block, layers, heads, width, dropout=0.0):
///         super().__init__()
///         self.token_embedding = nn.Embedding(vocab, width)
///         self.position_embedding = nn.Embedding(block, width)
///         self.drop = nn.Dropout(dropout)
///         layer = nn.TransformerEncoderLayer(width, heads, 4 * width, dropout, activation="gelu", batch_first=True, norm_first=True)
///         self.blocks = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
///         self.final_norm = nn.LayerNorm(width)
///         self.head = nn.Linear(width, vocab, bias=False)
///         self.head.weight = self.token_embedding.weight
///     def forward(self, idx):
///         t = idx.shape[1]
///         x = self.drop(self.token_embedding(idx) + self.position_embedding(torch.arange(t)))
///         mask = nn.Transformer.generate_square_subsequent_mask(t)
///         return self.head(self.final_norm(self.blocks(x, mask=mask, is_causal=True)))
/// </code>
/// Keys: <c>token_embedding.weight</c>, <c>position_embedding.weight</c>, <c>blocks.layers.{i}.self_attn.in_proj_weight</c>,
/// <c>…in_proj_bias</c>, <c>…self_attn.out_proj.weight</c>/<c>bias</c>, <c>…linear1.weight</c>/<c>bias</c>,
/// <c>…linear2.weight</c>/<c>bias</c>, <c>…norm1.weight</c>/<c>bias</c>, <c>…norm2.weight</c>/<c>bias</c>,
/// <c>final_norm.weight</c>/<c>bias</c> and <c>head.weight</c> (the token embedding again).
/// </para>
/// <para>
/// Initialisation is GPT-2's (nanoGPT's <c>_init_weights</c>), drawn from <c>generator</c> after the layers' own
/// construction draws, in this order: the token embedding, the position embedding, then per block
/// in_proj_weight, out_proj.weight, linear1.weight, linear2.weight. Linear and embedding weights are N(0, 0.02²),
/// except the two projections that end on the residual stream (out_proj and linear2), N(0, (0.02/√(2·layers))²);
/// biases are 0, LayerNorms 1 and 0.
/// </para>
/// </summary>
/// <example><code>
/// var model = new Gpt(new GptConfig(VocabSize: 65), new Generator(1337));
/// var logits = model.Forward(IntTensor.RandInt(0, 65, [12, 64], new Generator(0)));   // [12, 64, 65]
/// var text = model.Generate([0], maxTokens: 200, temperature: 0.8f, topK: 10, generator: new Generator(2));
/// </code></example>
public sealed partial class Gpt : Module
{
    private const float InitStd = 0.02f;

    /// <summary>Creates the model; <paramref name="generator"/> seeds the weights and every dropout.</summary>
    public Gpt(GptConfig config, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        var g = generator ?? Generator.Default;
        int width = config.Width;
        TokenEmbedding = RegisterModule("token_embedding", new Embedding(config.VocabSize, width, g));
        PositionEmbedding = RegisterModule("position_embedding", new Embedding(config.BlockSize, width, g));
        Drop = RegisterModule("drop", new Dropout(config.Dropout, g));
        var layer = new TransformerEncoderLayer(width, config.Heads, 4 * width, config.Dropout, "gelu", batchFirst: true, normFirst: true, generator: g);
        Blocks = RegisterModule("blocks", new TransformerEncoder(layer, config.Layers));
        FinalNorm = RegisterModule("final_norm", new LayerNorm(width));
        Head = RegisterModule("head", new Linear(width, config.VocabSize, bias: false, g));
        Head.Weight = TokenEmbedding.Weight;
        InitWeights(g);
    }

    /// <summary>The model's shape.</summary>
    public GptConfig Config { get; }

    /// <summary>Token ids to vectors, [vocab, width]; its weight is also the head's.</summary>
    public Embedding TokenEmbedding { get; }

    /// <summary>Positions 0..blockSize−1 to vectors, [blockSize, width].</summary>
    public Embedding PositionEmbedding { get; }

    /// <summary>Dropout on the sum of the embeddings.</summary>
    public Dropout Drop { get; }

    /// <summary>The pre-norm transformer blocks.</summary>
    public TransformerEncoder Blocks { get; }

    /// <summary>The LayerNorm before the head.</summary>
    public LayerNorm FinalNorm { get; }

    /// <summary>width → vocab, without bias, its weight tied to <see cref="TokenEmbedding"/>'s.</summary>
    public Linear Head { get; }

    /// <summary>Logits [batch, T, vocab] for token ids [batch, T], each position seeing itself and the positions before it.</summary>
    /// <example><code>var loss = Losses.CrossEntropy(model.Forward(x).Reshape(-1, vocab), y.Reshape(-1));</code></example>
    public Tensor Forward(IntTensor tokens)
    {
        var (_, t) = CheckTokens(tokens, 0);
        var x = TokenEmbedding.Forward(tokens) + PositionEmbedding.Forward(IntTensor.Arange(t));
        x = Blocks.Forward(Drop.Forward(x), CausalMask(t), isCausal: true);
        return Head.Forward(FinalNorm.Forward(x));
    }

    /// <summary>Token ids stored as floats (a <see cref="Sequential"/>, or a loader of float tensors); each must be a whole number.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Forward(input.AsIndices("Gpt"));
    }

    /// <summary>
    /// The causal mask the blocks run under, [t, t] in <see cref="MultiheadAttention"/>'s convention: true above the
    /// diagonal, where a query would see a later key (PyTorch's <c>generate_square_subsequent_mask</c> as booleans).
    /// </summary>
    /// <example><code>var (_, w) = block.SelfAttn.Forward(x, x, x, attnMask: Gpt.CausalMask(8), averageAttnWeights: false);</code></example>
    public static BoolTensor CausalMask(int t)
    {
        if (t < 1) throw new ArgumentOutOfRangeException(nameof(t), t, "Gpt.CausalMask: t must be ≥ 1");
        var blocked = new bool[t * t];
        for (int i = 0; i < t; i++)
            for (int j = i + 1; j < t; j++) blocked[i * t + j] = true;
        return BoolTensor.FromArray(blocked, [t, t]);
    }

    // Token ids [batch, T] whose T fits after the `start` positions already taken; ids are checked here because
    // Embedding's own error would not say which model or position was wrong.
    private (int Batch, int T) CheckTokens(IntTensor tokens, int start)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Rank != 2 || tokens.Size(0) == 0 || tokens.Size(1) == 0)
            throw new ArgumentException($"Gpt: tokens must be [batch, T] with batch ≥ 1 and T ≥ 1; got shape {Shape.Format(tokens.ShapeRef)}");
        int t = tokens.Size(1);
        if (start + t > Config.BlockSize)
            throw new ArgumentException(start == 0
                ? $"Gpt: T must be at most blockSize = {Config.BlockSize}; got tokens of shape {Shape.Format(tokens.ShapeRef)}"
                : $"Gpt: the cache holds {start} positions, so at most {Config.BlockSize - start} more fit in blockSize = {Config.BlockSize}; got tokens of shape {Shape.Format(tokens.ShapeRef)}");
        CheckIds(tokens.Data, tokens.ShapeRef);
        return (tokens.Size(0), t);
    }

    private void CheckIds(ReadOnlySpan<long> ids, int[] shape)
    {
        for (int i = 0; i < ids.Length; i++)
            if (ids[i] < 0 || ids[i] >= Config.VocabSize)
                throw new ArgumentException($"Gpt: token ids must be in [0, vocabSize = {Config.VocabSize}); got {ids[i]} at flat index {i} of tokens {Shape.Format(shape)}");
    }

    private void InitWeights(Generator g)
    {
        using var _ = Autograd.NoGrad();
        float residualStd = InitStd / MathF.Sqrt(2f * Config.Layers);
        Init.Normal(TokenEmbedding.Weight, 0f, InitStd, g);
        Init.Normal(PositionEmbedding.Weight, 0f, InitStd, g);
        foreach (var block in Blocks.Layers)
        {
            var attn = block.SelfAttn;
            Init.Normal(attn.InProjWeight!, 0f, InitStd, g);
            Init.Normal(attn.OutProj.Weight, 0f, residualStd, g);
            Init.Normal(block.Linear1.Weight, 0f, InitStd, g);
            Init.Normal(block.Linear2.Weight, 0f, residualStd, g);
            foreach (var bias in new[] { attn.InProjBias, attn.OutProj.Bias, block.Linear1.Bias, block.Linear2.Bias })
                if (bias != null) Init.Zeros(bias);
        }
    }
}

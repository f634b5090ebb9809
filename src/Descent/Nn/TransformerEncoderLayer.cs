namespace Descent.Nn;

/// <summary>
/// One Transformer encoder layer, like <c>torch.nn.TransformerEncoderLayer</c>: self-attention and a
/// feed-forward block (linear1 → activation → dropout → linear2), each with a residual connection and a
/// LayerNorm, applied after the residual sum (post-norm, PyTorch's default) or, with normFirst, to the
/// block's input. Children carry PyTorch's names and order: self_attn, linear1, dropout, linear2, norm1,
/// norm2, dropout1, dropout2, so state dicts load either way. Input [L, N, dModel], or [N, L, dModel]
/// with batchFirst.
/// </summary>
/// <example><code>
/// var layer = new TransformerEncoderLayer(16, 4, dimFeedforward: 32, batchFirst: true, generator: new Generator(0));
/// var y = layer.Forward(Tensor.Randn([2, 5, 16], new Generator(1))); // [2, 5, 16]
/// </code></example>
public sealed class TransformerEncoderLayer : Module
{
    private readonly bool _gelu;
    // Rebuilds a layer with the same arguments, for Clone; the values are copied afterwards.
    private readonly Func<TransformerEncoderLayer> _rebuild;

    /// <summary>Creates the layer; <paramref name="generator"/> seeds the initial weights and every dropout.</summary>
    /// <param name="activation">"relu" or "gelu", PyTorch's two named choices.</param>
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward = 2048, float dropout = 0.1f, string activation = "relu",
        float layerNormEps = 1e-5f, bool batchFirst = false, bool normFirst = false, bool bias = true, Generator? generator = null)
    {
        _gelu = TransformerBlocks.IsGelu("TransformerEncoderLayer", activation);
        _rebuild = () => new TransformerEncoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, bias, generator);
        Activation = activation;
        NormFirst = normFirst;
        SelfAttn = RegisterModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, bias, batchFirst: batchFirst, generator: generator));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward, bias, generator));
        Dropout = RegisterModule("dropout", new Dropout(dropout, generator));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel, bias, generator));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps, bias: bias));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps, bias: bias));
        Dropout1 = RegisterModule("dropout1", new Dropout(dropout, generator));
        Dropout2 = RegisterModule("dropout2", new Dropout(dropout, generator));
    }

    /// <summary>The activation's name, "relu" or "gelu".</summary>
    public string Activation { get; }

    /// <summary>Whether each block normalises its input (pre-norm) instead of the residual sum.</summary>
    public bool NormFirst { get; }

    /// <summary>The self-attention block.</summary>
    public MultiheadAttention SelfAttn { get; }

    /// <summary>dModel → dimFeedforward.</summary>
    public Linear Linear1 { get; }

    /// <summary>Dropout inside the feed-forward block.</summary>
    public Dropout Dropout { get; }

    /// <summary>dimFeedforward → dModel.</summary>
    public Linear Linear2 { get; }

    /// <summary>The attention block's LayerNorm.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The feed-forward block's LayerNorm.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>Dropout on the attention block's output.</summary>
    public Dropout Dropout1 { get; }

    /// <summary>Dropout on the feed-forward block's output.</summary>
    public Dropout Dropout2 { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// The layer on <paramref name="src"/> with PyTorch's masks, where <c>true</c> = NOT allowed:
    /// <paramref name="srcMask"/> [L, S] or [N·heads, L, S] and <paramref name="srcKeyPaddingMask"/> [N, S];
    /// <paramref name="isCausal"/> is the hint that srcMask is causal (see <see cref="MultiheadAttention"/>).
    /// </summary>
    public Tensor Forward(Tensor src, BoolTensor? srcMask, BoolTensor? srcKeyPaddingMask = null, bool isCausal = false)
    {
        var x = src;
        if (NormFirst)
        {
            x = AttentionBlock(Norm1.Forward(x), srcMask, srcKeyPaddingMask, isCausal, residual: x);
            return FeedForwardBlock(Norm2.Forward(x), residual: x);
        }
        x = Norm1.Forward(AttentionBlock(x, srcMask, srcKeyPaddingMask, isCausal, residual: x));
        return Norm2.Forward(FeedForwardBlock(x, residual: x));
    }

    /// <summary>
    /// An independent layer with the same arguments and copies of this layer's parameter values, gradient
    /// flags and training mode, as Python's <c>copy.deepcopy</c> gives <c>nn.TransformerEncoder</c>. The copy
    /// shares this layer's generator, so its dropout draws continue the same stream instead of repeating it.
    /// </summary>
    /// <example><code>
    /// var first = new TransformerEncoderLayer(8, 2, 16, generator: new Generator(0));
    /// var second = first.Clone(); // same weights now, trained apart later
    /// </code></example>
    public TransformerEncoderLayer Clone() => ModuleCopy.CopyState(this, _rebuild());

    // residual + the attention block of x; with the block's dropout the identity (evaluation, or p = 0), the residual
    // is added in the output projection's write.
    private Tensor AttentionBlock(Tensor x, BoolTensor? mask, BoolTensor? padding, bool isCausal, Tensor residual) =>
        !Dropout1.Training || Dropout1.P == 0f
            ? SelfAttn.Forward(x, x, x, padding, mask, isCausal, residual)
            : residual + Dropout1.Forward(SelfAttn.Forward(x, x, x, keyPaddingMask: padding, needWeights: false, attnMask: mask, isCausal: isCausal).Output);

    // x + the feed-forward block of x's normalisation (pre-norm) or of x itself (post-norm).
    private Tensor FeedForwardBlock(Tensor x, Tensor residual) => TransformerBlocks.FeedForward(x, Linear1, _gelu, Dropout, Linear2, Dropout2, residual);
}

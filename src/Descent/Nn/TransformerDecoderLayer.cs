namespace Descent.Nn;

/// <summary>
/// One Transformer decoder layer, like <c>torch.nn.TransformerDecoderLayer</c>: self-attention over the
/// target, cross-attention from the target to the encoder's output (<c>memory</c>), and a feed-forward block
/// (linear1 → activation → dropout → linear2), each with a residual connection and a LayerNorm, applied after
/// the residual sum (post-norm, PyTorch's default) or, with normFirst, to the block's input. Children carry
/// PyTorch's names and order: self_attn, multihead_attn, linear1, dropout, linear2, norm1, norm2, norm3,
/// dropout1, dropout2, dropout3, so state dicts load either way. Target [T, N, dModel] and memory
/// [S, N, dModel], or [N, T, dModel] and [N, S, dModel] with batchFirst, or unbatched [T, dModel] and [S, dModel].
/// </summary>
/// <example><code>
/// var layer = new TransformerDecoderLayer(16, 4, dimFeedforward: 32, batchFirst: true, generator: new Generator(0));
/// var memory = Tensor.Randn([2, 7, 16], new Generator(1));
/// var tgt = Tensor.Randn([2, 5, 16], new Generator(2));
/// var causal = Tensor.Ones(5, 5).Triu(1).Bool(); // true above the diagonal: not allowed
/// var y = layer.Forward(tgt, memory, tgtMask: causal, tgtIsCausal: true); // [2, 5, 16]
/// </code></example>
public sealed class TransformerDecoderLayer : Module
{
    private readonly bool _gelu;
    // Rebuilds a layer with the same arguments, for Clone; the values are copied afterwards.
    private readonly Func<TransformerDecoderLayer> _rebuild;

    /// <summary>Creates the layer; <paramref name="generator"/> seeds the initial weights and every dropout.</summary>
    /// <param name="activation">"relu" or "gelu", PyTorch's two named choices.</param>
    public TransformerDecoderLayer(int dModel, int nhead, int dimFeedforward = 2048, float dropout = 0.1f, string activation = "relu",
        float layerNormEps = 1e-5f, bool batchFirst = false, bool normFirst = false, bool bias = true, Generator? generator = null)
    {
        _gelu = TransformerBlocks.IsGelu("TransformerDecoderLayer", activation);
        _rebuild = () => new TransformerDecoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, bias, generator);
        DModel = dModel;
        Activation = activation;
        NormFirst = normFirst;
        BatchFirst = batchFirst;
        SelfAttn = RegisterModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, bias, batchFirst: batchFirst, generator: generator));
        MultiheadAttn = RegisterModule("multihead_attn", new MultiheadAttention(dModel, nhead, dropout, bias, batchFirst: batchFirst, generator: generator));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward, bias, generator));
        Dropout = RegisterModule("dropout", new Dropout(dropout, generator));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel, bias, generator));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps, bias: bias));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps, bias: bias));
        Norm3 = RegisterModule("norm3", new LayerNorm(dModel, layerNormEps, bias: bias));
        Dropout1 = RegisterModule("dropout1", new Dropout(dropout, generator));
        Dropout2 = RegisterModule("dropout2", new Dropout(dropout, generator));
        Dropout3 = RegisterModule("dropout3", new Dropout(dropout, generator));
    }

    /// <summary>The width of the target, the memory and the output.</summary>
    public int DModel { get; }

    /// <summary>The activation's name, "relu" or "gelu".</summary>
    public string Activation { get; }

    /// <summary>Whether each block normalises its input (pre-norm) instead of the residual sum.</summary>
    public bool NormFirst { get; }

    /// <summary>Whether inputs and output are [N, T, dModel] instead of [T, N, dModel].</summary>
    public bool BatchFirst { get; }

    /// <summary>The self-attention block over the target.</summary>
    public MultiheadAttention SelfAttn { get; }

    /// <summary>The cross-attention block, from the target to the memory.</summary>
    public MultiheadAttention MultiheadAttn { get; }

    /// <summary>dModel → dimFeedforward.</summary>
    public Linear Linear1 { get; }

    /// <summary>Dropout inside the feed-forward block.</summary>
    public Dropout Dropout { get; }

    /// <summary>dimFeedforward → dModel.</summary>
    public Linear Linear2 { get; }

    /// <summary>The self-attention block's LayerNorm.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The cross-attention block's LayerNorm.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>The feed-forward block's LayerNorm.</summary>
    public LayerNorm Norm3 { get; }

    /// <summary>Dropout on the self-attention block's output.</summary>
    public Dropout Dropout1 { get; }

    /// <summary>Dropout on the cross-attention block's output.</summary>
    public Dropout Dropout2 { get; }

    /// <summary>Dropout on the feed-forward block's output.</summary>
    public Dropout Dropout3 { get; }

    /// <summary>
    /// Not supported: a decoder layer needs the encoder's memory, and attending to the target itself in its
    /// place would silently compute a different model (PyTorch has no one-input form either). Call
    /// <see cref="Forward(Tensor, Tensor, BoolTensor?, BoolTensor?, BoolTensor?, BoolTensor?, bool, bool)"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Tensor Forward(Tensor input) =>
        throw new NotSupportedException("TransformerDecoderLayer: Forward(tgt) has no memory to attend to; call Forward(tgt, memory, ...) with the encoder's output");

    /// <summary>
    /// The layer on <paramref name="tgt"/> attending to <paramref name="memory"/>, with PyTorch's masks, where
    /// <c>true</c> = NOT allowed: <paramref name="tgtMask"/> [T, T] or [N·heads, T, T] and
    /// <paramref name="tgtKeyPaddingMask"/> [N, T] for the self-attention; <paramref name="memoryMask"/> [T, S]
    /// or [N·heads, T, S] and <paramref name="memoryKeyPaddingMask"/> [N, S] for the cross-attention.
    /// <paramref name="tgtIsCausal"/> and <paramref name="memoryIsCausal"/> are the hints that the given mask is
    /// causal; each requires its mask (see <see cref="MultiheadAttention"/>).
    /// </summary>
    public Tensor Forward(Tensor tgt, Tensor memory, BoolTensor? tgtMask = null, BoolTensor? memoryMask = null,
        BoolTensor? tgtKeyPaddingMask = null, BoolTensor? memoryKeyPaddingMask = null, bool tgtIsCausal = false, bool memoryIsCausal = false)
    {
        ArgumentNullException.ThrowIfNull(tgt);
        ArgumentNullException.ThrowIfNull(memory);
        CheckInputs("TransformerDecoderLayer", tgt, memory, DModel, BatchFirst);
        var x = tgt;
        if (NormFirst)
        {
            x = x + SelfAttentionBlock(Norm1.Forward(x), tgtMask, tgtKeyPaddingMask, tgtIsCausal);
            x = x + CrossAttentionBlock(Norm2.Forward(x), memory, memoryMask, memoryKeyPaddingMask, memoryIsCausal);
            return x + FeedForwardBlock(Norm3.Forward(x));
        }
        x = Norm1.Forward(x + SelfAttentionBlock(x, tgtMask, tgtKeyPaddingMask, tgtIsCausal));
        x = Norm2.Forward(x + CrossAttentionBlock(x, memory, memoryMask, memoryKeyPaddingMask, memoryIsCausal));
        return Norm3.Forward(x + FeedForwardBlock(x));
    }

    /// <summary>
    /// An independent layer with the same arguments and copies of this layer's parameter values, gradient
    /// flags and training mode, as Python's <c>copy.deepcopy</c> gives <c>nn.TransformerDecoder</c>. The copy
    /// shares this layer's generator, so its dropout draws continue the same stream instead of repeating it.
    /// </summary>
    /// <example><code>
    /// var first = new TransformerDecoderLayer(8, 2, 16, generator: new Generator(0));
    /// var second = first.Clone(); // same weights now, trained apart later
    /// </code></example>
    public TransformerDecoderLayer Clone() => ModuleCopy.CopyState(this, _rebuild());

    // PyTorch's decoder checks that tgt and memory agree in batch and width before attending.
    internal static void CheckInputs(string module, Tensor tgt, Tensor memory, int dModel, bool batchFirst)
    {
        int rank = tgt.Rank;
        string layout = batchFirst ? "[N, T, dModel] and [N, S, dModel]" : "[T, N, dModel] and [S, N, dModel]";
        string Shapes() => $"tgt {Shape.Format(tgt.ShapeRef)} and memory {Shape.Format(memory.ShapeRef)}";
        if (rank is not (2 or 3) || memory.Rank != rank)
            throw new ArgumentException($"{module}: tgt and memory must be {layout} (or unbatched [T, dModel] and [S, dModel]); got {Shapes()}");
        if (tgt.Size(-1) != dModel || memory.Size(-1) != dModel)
            throw new ArgumentException($"{module}: the last dimension of tgt and memory must be dModel = {dModel}; got {Shapes()}");
        int batchDim = batchFirst ? 0 : 1;
        if (rank == 3 && tgt.Size(batchDim) != memory.Size(batchDim))
            throw new ArgumentException($"{module}: tgt and memory must have the same batch size N (dimension {batchDim}); got {Shapes()}");
    }

    private Tensor SelfAttentionBlock(Tensor x, BoolTensor? mask, BoolTensor? padding, bool isCausal) =>
        Dropout1.Forward(SelfAttn.Forward(x, x, x, keyPaddingMask: padding, needWeights: false, attnMask: mask, isCausal: isCausal).Output);

    private Tensor CrossAttentionBlock(Tensor x, Tensor memory, BoolTensor? mask, BoolTensor? padding, bool isCausal) =>
        Dropout2.Forward(MultiheadAttn.Forward(x, memory, memory, keyPaddingMask: padding, needWeights: false, attnMask: mask, isCausal: isCausal).Output);

    private Tensor FeedForwardBlock(Tensor x) => TransformerBlocks.FeedForward(x, Linear1, _gelu, Dropout, Linear2, Dropout3);
}

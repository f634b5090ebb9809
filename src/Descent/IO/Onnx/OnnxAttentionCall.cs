namespace Descent.IO.Onnx;

/// <summary>
/// The attention call to export, for a root <see cref="Nn.MultiheadAttention"/>, <see cref="Nn.TransformerEncoderLayer"/>,
/// <see cref="Nn.TransformerEncoder"/>, <see cref="Nn.TransformerDecoderLayer"/> or <see cref="Nn.TransformerDecoder"/>:
/// the inputs besides the first (graph input <c>input</c>: the query, src or tgt) and the masks, as their
/// <c>Forward</c> overloads with masks take them (true = NOT allowed). Masks given here as tensors are
/// constants of the graph; masks given as flags are built in the graph (causal) or are bool graph inputs
/// (key padding), so one exported file serves every mask of that kind. A −1 as the first size of any shape
/// makes that size symbolic (named <c>batch</c> when it is the batch, else <c>input_length</c>,
/// <c>memory_length</c>, <c>key_length</c> or <c>value_length</c>).
/// <para>
/// A query whose every key is masked gets 0 from the attention, as the module's Forward without weights
/// gives; with <see cref="NeedWeights"/> its weights and output are NaN, as the module's Forward with weights gives.
/// </para>
/// </summary>
/// <example><code>
/// var decoder = new TransformerDecoder(new TransformerDecoderLayer(16, 4, 32, batchFirst: true), numLayers: 2);
/// // tgt [N, 5, 16] and memory [N, 7, 16] with N chosen at run time, causal self-attention, and a bool
/// // graph input "memory_key_padding_mask" [N, 7]:
/// OnnxExport.Save(decoder, [-1, 5, 16], new OnnxAttentionCall { MemoryShape = [-1, 7, 16], Causal = true, MemoryKeyPaddingMask = true }, "decoder.onnx");
/// </code></example>
public sealed record OnnxAttentionCall
{
    /// <summary>The memory's shape, for a decoder layer or stack (graph input <c>memory</c>); required there, rejected elsewhere.</summary>
    public int[]? MemoryShape { get; init; }

    /// <summary>
    /// The key's shape, for MultiheadAttention attending to other keys and values than its query (graph inputs
    /// <c>key</c> and <c>value</c>); null: self-attention, the input is query, key and value.
    /// </summary>
    public int[]? KeyShape { get; init; }

    /// <summary>The value's shape, given with <see cref="KeyShape"/>; null: the key's shape with vdim as its last size.</summary>
    public int[]? ValueShape { get; init; }

    /// <summary>
    /// Causal self-attention (MultiheadAttention's attnMask, the encoder's mask, the decoder's tgtMask):
    /// query i attends to keys 0..i only, PyTorch's triu(ones(L, S), 1) mask, built from the run-time lengths.
    /// </summary>
    public bool Causal { get; init; }

    /// <summary>
    /// A constant mask in place of <see cref="Causal"/>: [L, S] or [N·heads, L, S] as the module's Forward takes it
    /// (the sizes it covers must then be fixed in the exported shapes).
    /// </summary>
    public BoolTensor? AttnMask { get; init; }

    /// <summary>
    /// A bool graph input <c>key_padding_mask</c> [N, S] ([S] unbatched), true for a padded key: MultiheadAttention's
    /// keyPaddingMask, the encoder's srcKeyPaddingMask, the decoder's tgtKeyPaddingMask.
    /// </summary>
    public bool KeyPaddingMask { get; init; }

    /// <summary>The decoder's constant memoryMask, [T, S] or [N·heads, T, S].</summary>
    public BoolTensor? MemoryMask { get; init; }

    /// <summary>A bool graph input <c>memory_key_padding_mask</c> [N, S] ([S] unbatched): the decoder's memoryKeyPaddingMask.</summary>
    public bool MemoryKeyPaddingMask { get; init; }

    /// <summary>MultiheadAttention only: a second graph output <c>attn_weights</c>, the attention weights.</summary>
    public bool NeedWeights { get; init; }

    /// <summary>With <see cref="NeedWeights"/>: the weights averaged over the heads, [N, L, S] (PyTorch's default), or per head, [N, heads, L, S].</summary>
    public bool AverageAttnWeights { get; init; } = true;
}

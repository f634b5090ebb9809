namespace Descent.Nn;

/// <summary>
/// A stack of Transformer encoder layers, like <c>torch.nn.TransformerEncoder</c>: <c>numLayers</c> copies of
/// the given layer (<see cref="TransformerEncoderLayer.Clone"/>, as PyTorch deep-copies it, so every copy starts
/// with the given layer's weights and the given layer itself is not used), applied in turn with the same masks,
/// then the optional final <c>norm</c>. Children: <c>layers</c> (state-dict keys
/// <c>layers.0.self_attn.in_proj_weight</c>, ...) and <c>norm</c> when given.
/// <para>
/// Descent always computes the full layer. PyTorch's inference fast path (eval mode without gradients and a
/// <c>srcKeyPaddingMask</c>) returns 0 at padded positions instead; the unpadded positions agree.
/// </para>
/// </summary>
/// <example><code>
/// var layer = new TransformerEncoderLayer(16, 4, dimFeedforward: 32, batchFirst: true, generator: new Generator(0));
/// var encoder = new TransformerEncoder(layer, numLayers: 2, norm: new LayerNorm(16));
/// var memory = encoder.Forward(Tensor.Randn([2, 5, 16], new Generator(1))); // [2, 5, 16]
/// </code></example>
public sealed class TransformerEncoder : Module
{
    /// <summary>Creates the stack from <paramref name="numLayers"/> copies of <paramref name="encoderLayer"/>.</summary>
    /// <param name="norm">Applied to the last layer's output when given (PyTorch uses a LayerNorm with pre-norm layers).</param>
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, Module? norm = null)
    {
        ArgumentNullException.ThrowIfNull(encoderLayer);
        if (numLayers < 0) throw new ArgumentOutOfRangeException(nameof(numLayers), numLayers, "TransformerEncoder: num_layers must be >= 0");
        Layers = Enumerable.Range(0, numLayers).Select(_ => encoderLayer.Clone()).ToArray();
        RegisterModule("layers", new ModuleList([.. Layers]));
        if (norm != null) Norm = RegisterModule("norm", norm);
    }

    /// <summary>The layers, applied in order.</summary>
    public IReadOnlyList<TransformerEncoderLayer> Layers { get; }

    /// <summary>The final normalisation, or null.</summary>
    public Module? Norm { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// The stack on <paramref name="src"/>, every layer given the same masks (true = NOT allowed):
    /// <paramref name="mask"/> [L, L] or [N·heads, L, L] and <paramref name="srcKeyPaddingMask"/> [N, L];
    /// <paramref name="isCausal"/> is the hint that mask is causal (see <see cref="TransformerEncoderLayer"/>).
    /// </summary>
    public Tensor Forward(Tensor src, BoolTensor? mask, BoolTensor? srcKeyPaddingMask = null, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(src);
        var x = src;
        foreach (var layer in Layers) x = layer.Forward(x, mask, srcKeyPaddingMask, isCausal);
        return Norm?.Forward(x) ?? x;
    }
}

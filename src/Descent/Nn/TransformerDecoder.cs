namespace Descent.Nn;

/// <summary>
/// A stack of Transformer decoder layers, like <c>torch.nn.TransformerDecoder</c>: <c>numLayers</c> copies of
/// the given layer (<see cref="TransformerDecoderLayer.Clone"/>, as PyTorch deep-copies it, so every copy starts
/// with the given layer's weights and the given layer itself is not used), each attending to the same memory
/// with the same masks, then the optional final <c>norm</c>. Children: <c>layers</c> (state-dict keys
/// <c>layers.0.self_attn.in_proj_weight</c>, <c>layers.0.multihead_attn.in_proj_weight</c>, ...) and <c>norm</c> when given.
/// </summary>
/// <example><code>
/// var layer = new TransformerDecoderLayer(16, 4, dimFeedforward: 32, batchFirst: true, generator: new Generator(0));
/// var decoder = new TransformerDecoder(layer, numLayers: 2, norm: new LayerNorm(16));
/// var memory = Tensor.Randn([2, 7, 16], new Generator(1));
/// var causal = Tensor.Ones(5, 5).Triu(1).Bool();
/// var y = decoder.Forward(Tensor.Randn([2, 5, 16], new Generator(2)), memory, tgtMask: causal, tgtIsCausal: true); // [2, 5, 16]
/// </code></example>
public sealed class TransformerDecoder : Module
{
    private readonly int _dModel;
    private readonly bool _batchFirst;

    /// <summary>Creates the stack from <paramref name="numLayers"/> copies of <paramref name="decoderLayer"/>.</summary>
    /// <param name="norm">Applied to the last layer's output when given (PyTorch uses a LayerNorm with pre-norm layers).</param>
    public TransformerDecoder(TransformerDecoderLayer decoderLayer, int numLayers, Module? norm = null)
    {
        ArgumentNullException.ThrowIfNull(decoderLayer);
        if (numLayers < 0) throw new ArgumentOutOfRangeException(nameof(numLayers), numLayers, "TransformerDecoder: num_layers must be >= 0");
        (_dModel, _batchFirst) = (decoderLayer.DModel, decoderLayer.BatchFirst);
        Layers = Enumerable.Range(0, numLayers).Select(_ => decoderLayer.Clone()).ToArray();
        RegisterModule("layers", new ModuleList([.. Layers]));
        if (norm != null) Norm = RegisterModule("norm", norm);
    }

    /// <summary>The layers, applied in order.</summary>
    public IReadOnlyList<TransformerDecoderLayer> Layers { get; }

    /// <summary>The final normalisation, or null.</summary>
    public Module? Norm { get; }

    /// <summary>
    /// Not supported: a decoder needs the encoder's memory, and attending to the target itself in its place
    /// would silently compute a different model (PyTorch has no one-input form either). Call
    /// <see cref="Forward(Tensor, Tensor, BoolTensor?, BoolTensor?, BoolTensor?, BoolTensor?, bool, bool)"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Tensor Forward(Tensor input) =>
        throw new NotSupportedException("TransformerDecoder: Forward(tgt) has no memory to attend to; call Forward(tgt, memory, ...) with the encoder's output");

    /// <summary>
    /// The stack on <paramref name="tgt"/> attending to <paramref name="memory"/>, every layer given the same
    /// masks (true = NOT allowed; shapes as in <see cref="TransformerDecoderLayer"/>).
    /// </summary>
    public Tensor Forward(Tensor tgt, Tensor memory, BoolTensor? tgtMask = null, BoolTensor? memoryMask = null,
        BoolTensor? tgtKeyPaddingMask = null, BoolTensor? memoryKeyPaddingMask = null, bool tgtIsCausal = false, bool memoryIsCausal = false)
    {
        ArgumentNullException.ThrowIfNull(tgt);
        ArgumentNullException.ThrowIfNull(memory);
        TransformerDecoderLayer.CheckInputs("TransformerDecoder", tgt, memory, _dModel, _batchFirst);
        var x = tgt;
        foreach (var layer in Layers)
            x = layer.Forward(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal);
        return Norm?.Forward(x) ?? x;
    }
}

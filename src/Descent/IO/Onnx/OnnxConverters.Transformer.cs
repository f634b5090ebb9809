using Descent.Nn;

namespace Descent.IO.Onnx;

// The Transformer layers and stacks in eval form: their Dropouts are identities and leave no node. The
// masks arrive as graph values built once (OnnxAttentionMasks), so a stack's layers share them.
internal static partial class OnnxConverters
{
    internal static OnnxValue EncoderLayer(OnnxGraph g, TransformerEncoderLayer m, string path, OnnxValue x, OnnxAttentionMasks masks)
    {
        ShapeAfter(m, path, x);
        return Residuals(g, path, m.NormFirst, x,
            (AttentionBlock(g, m.SelfAttn, Child(path, "self_attn"), masks, null), m.Norm1, "norm1"),
            (FeedForwardBlock(g, path, m.Linear1, m.Activation, m.Linear2), m.Norm2, "norm2"));
    }

    internal static OnnxValue DecoderLayer(OnnxGraph g, TransformerDecoderLayer m, string path, OnnxValue x, OnnxValue memory,
        OnnxAttentionMasks selfMasks, OnnxAttentionMasks memoryMasks) =>
        Residuals(g, path, m.NormFirst, x,
            (AttentionBlock(g, m.SelfAttn, Child(path, "self_attn"), selfMasks, null), m.Norm1, "norm1"),
            (AttentionBlock(g, m.MultiheadAttn, Child(path, "multihead_attn"), memoryMasks, memory), m.Norm2, "norm2"),
            (FeedForwardBlock(g, path, m.Linear1, m.Activation, m.Linear2), m.Norm3, "norm3"));

    internal static OnnxValue EncoderStack(OnnxGraph g, TransformerEncoder m, string path, OnnxValue x, OnnxAttentionMasks masks)
    {
        for (int i = 0; i < m.Layers.Count; i++) x = EncoderLayer(g, m.Layers[i], Child(path, $"layers.{i}"), x, masks);
        return m.Norm is null ? x : Emit(g, m.Norm, Child(path, "norm"), x);
    }

    internal static OnnxValue DecoderStack(OnnxGraph g, TransformerDecoder m, string path, OnnxValue x, OnnxValue memory,
        OnnxAttentionMasks selfMasks, OnnxAttentionMasks memoryMasks)
    {
        for (int i = 0; i < m.Layers.Count; i++) x = DecoderLayer(g, m.Layers[i], Child(path, $"layers.{i}"), x, memory, selfMasks, memoryMasks);
        return m.Norm is null ? x : Emit(g, m.Norm, Child(path, "norm"), x);
    }

    // Each block with its residual connection and LayerNorm: pre-norm x + block(norm(x)), or post-norm
    // norm(x + block(x)), as both layers compute them.
    private static OnnxValue Residuals(OnnxGraph g, string path, bool normFirst, OnnxValue x,
        params (Func<OnnxValue, OnnxValue> Block, LayerNorm Norm, string Name)[] blocks)
    {
        OnnxValue Norm(LayerNorm n, string name, OnnxValue v) => LayerNormalize(g, n, Child(path, name), v);
        OnnxValue Residual(OnnxValue a, OnnxValue b) => a with { Name = g.Node("Add", path, [a.Name, b.Name]) };
        foreach (var (block, norm, name) in blocks)
            x = normFirst ? Residual(x, block(Norm(norm, name, x))) : Norm(norm, name, Residual(x, block(x)));
        return x;
    }

    // Attention of the block's input over itself, or over the memory when one is given (cross-attention).
    private static Func<OnnxValue, OnnxValue> AttentionBlock(OnnxGraph g, MultiheadAttention m, string path, OnnxAttentionMasks masks, OnnxValue? memory) =>
        v => Attend(g, m, path, v, memory ?? v, memory ?? v, masks, needWeights: false, averageWeights: true).Output;

    // linear1 → activation → linear2; PyTorch's "gelu" here is the exact (erf) form.
    private static Func<OnnxValue, OnnxValue> FeedForwardBlock(OnnxGraph g, string path, Linear linear1, string activation, Linear linear2) => x =>
    {
        var hidden = Dense(g, linear1, Child(path, "linear1"), x);
        hidden = activation == "gelu" ? Gelu(g, "none", Child(path, "activation"), hidden) : Unary(g, "Relu", Child(path, "activation"), hidden);
        return Dense(g, linear2, Child(path, "linear2"), hidden);
    };
}

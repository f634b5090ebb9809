using Descent.Nn;
using Module = Descent.Nn.Module;

namespace Descent.IO.Onnx;

public static partial class OnnxExport
{
    /// <summary>The decoder's memory input's name.</summary>
    public const string MemoryName = "memory";

    /// <summary>MultiheadAttention's key input's name, when it attends to other keys than its query.</summary>
    public const string KeyName = "key";

    /// <summary>MultiheadAttention's value input's name, with <see cref="KeyName"/>.</summary>
    public const string ValueName = "value";

    /// <summary>The bool key padding mask input's name (true = padded key).</summary>
    public const string KeyPaddingMaskName = "key_padding_mask";

    /// <summary>The decoder's bool memory key padding mask input's name.</summary>
    public const string MemoryKeyPaddingMaskName = "memory_key_padding_mask";

    /// <summary>The attention weights output's name, with <see cref="OnnxAttentionCall.NeedWeights"/>.</summary>
    public const string WeightsName = "attn_weights";

    /// <summary>
    /// Writes the attention <paramref name="call"/> of <paramref name="model"/> as an ONNX file at <paramref name="path"/>,
    /// atomically; see <see cref="ToBytes(Module, int[], OnnxAttentionCall)"/>.
    /// </summary>
    /// <example><code>
    /// var layer = new TransformerEncoderLayer(16, 4, 32, batchFirst: true);
    /// OnnxExport.Save(layer, [-1, 10, 16], new OnnxAttentionCall { Causal = true, KeyPaddingMask = true }, "encoder.onnx");
    /// </code></example>
    public static void Save(Module model, int[] inputShape, OnnxAttentionCall call, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = ToBytes(model, inputShape, call);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>
    /// The ONNX model of one attention call of a MultiheadAttention, TransformerEncoderLayer, TransformerEncoder,
    /// TransformerDecoderLayer or TransformerDecoder: graph inputs <c>input</c> (query, src or tgt) of
    /// <paramref name="inputShape"/>, then those <paramref name="call"/> asks for (memory, key and value, the
    /// bool padding masks), in that order; outputs <c>output</c> and, with NeedWeights, <c>attn_weights</c>.
    /// The graph computes what the module's Forward with those inputs and masks computes in eval mode.
    /// </summary>
    /// <example><code>
    /// var mha = new MultiheadAttention(16, 4, batchFirst: true);
    /// var bytes = OnnxExport.ToBytes(mha, [-1, 5, 16], new OnnxAttentionCall { KeyShape = [-1, 7, 16], NeedWeights = true });
    /// </code></example>
    public static byte[] ToBytes(Module model, int[] inputShape, OnnxAttentionCall call)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(call);
        var plan = OnnxAttentionPlan.Create(model, inputShape, call);
        var graph = new OnnxGraph([.. plan.Inputs.Select(i => i.Name)]);
        var (output, weights) = plan.Emit(graph);
        if (weights != null) graph.MarkOutput(weights, WeightsName);
        graph.MarkOutput(output, OutputName);
        List<OnnxValueInfo> outputs = [new(OutputName, plan.OutputDims)];
        if (weights != null) outputs.Add(new(WeightsName, plan.WeightsDims));
        var proto = OnnxProto.Graph(model.GetType().Name, graph.Nodes, graph.Initializers, plan.Inputs, outputs);
        return OnnxProto.Model(IrVersion, "Descent", Version, Opset, proto);
    }
}

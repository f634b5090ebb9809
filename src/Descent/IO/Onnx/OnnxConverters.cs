using Descent.Nn;

namespace Descent.IO.Onnx;

/// <summary>
/// Turns one module into ONNX nodes. Each converter reads the module's settings and weights, emits
/// the nodes of its eval-mode forward pass, and returns the output value with its shape; containers
/// recurse into their children with the child's path (<c>features.3</c>), which error messages name.
/// </summary>
internal static partial class OnnxConverters
{
    /// <summary>Emits <paramref name="module"/> applied to <paramref name="x"/>; throws for a module type with no converter.</summary>
    public static OnnxValue Emit(OnnxGraph g, Module module, string path, OnnxValue x) => module switch
    {
        Conv2d m => Conv(g, m, path, x),
        MaxPool2d m => MaxPool(g, m, path, x),
        AvgPool2d m => AvgPool(g, m, path, x),
        AdaptiveAvgPool2d m => AdaptiveAvgPool(g, m, path, x),
        Sequential m => Chain(g, m, path, x),
        Linear m => Dense(g, m, path, x),
        Flatten m => Merge(g, m, path, x),
        Dropout or Identity => PassThrough(g, path, x),
        BatchNorm1d m => Normalize(g, m, path, x, x.Rank is 2 or 3, "[N, C] or [N, C, L]"),
        BatchNorm2d m => Normalize(g, m, path, x, x.Rank == 4, "[N, C, H, W]"),
        ReLU => Unary(g, "Relu", path, x),
        LeakyReLU m => Unary(g, "LeakyRelu", path, x, OnnxAttribute.Float("alpha", m.NegativeSlope)),
        ELU m => Unary(g, "Elu", path, x, OnnxAttribute.Float("alpha", m.Alpha)),
        Sigmoid => Unary(g, "Sigmoid", path, x),
        Tanh => Unary(g, "Tanh", path, x),
        GELU m => Gelu(g, m.Approximate, path, x),
        SiLU => Silu(g, path, x),
        Softplus m => SoftplusOf(g, m, path, x),
        Softmax m => AlongAxis(g, m, "Softmax", m.Dim, path, x),
        LogSoftmax m => AlongAxis(g, m, "LogSoftmax", m.Dim, path, x),
        LayerNorm m => LayerNormalize(g, m, path, x),
        RMSNorm m => RootMeanSquareNormalize(g, m, path, x),
        RNNBase m => Recurrent(g, m, path, x),
        MultiheadAttention m => SelfAttention(g, m, path, x),
        TransformerEncoderLayer m => EncoderLayer(g, m, path, x, OnnxAttentionMasks.None),
        TransformerEncoder m => EncoderStack(g, m, path, x, OnnxAttentionMasks.None),
        TransformerDecoderLayer or TransformerDecoder => throw new NotSupportedException(
            $"OnnxExport: module {Describe(module, path)} needs the encoder's memory as a second input; export it at the root with " +
            "OnnxExport.ToBytes(model, tgtShape, new OnnxAttentionCall { MemoryShape = ... })"),
        _ => throw new NotSupportedException(
            $"OnnxExport: module {Describe(module, path)} has no ONNX converter; supported: {string.Join(", ", Supported)}"),
    };

    /// <summary>The module types <see cref="Emit"/> understands, for error messages and docs.</summary>
    public static readonly string[] Supported =
    [
        "Sequential", "Linear", "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "Flatten", "Dropout", "Identity",
        "BatchNorm1d", "BatchNorm2d", "ReLU", "LeakyReLU", "ELU", "Sigmoid", "Tanh", "GELU", "SiLU", "Softplus", "Softmax", "LogSoftmax",
        "LayerNorm", "RMSNorm", "RNN", "LSTM", "GRU", "MultiheadAttention", "TransformerEncoderLayer",
        "TransformerEncoder", "TransformerDecoderLayer (root, with memory)", "TransformerDecoder (root, with memory)",
    ];

    /// <summary>"'features.3' (Conv2d)", or "(root) (Conv2d)" for the model itself.</summary>
    public static string Describe(Module module, string path) =>
        $"'{(path.Length == 0 ? "(root)" : path)}' ({module.GetType().Name})";

    /// <summary>A child's path: the parent's path and the child's name, dotted as in state-dict keys.</summary>
    public static string Child(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>
    /// The output shape of a module with no side effects in its forward pass, found by running it on
    /// zeros of the input's shape, so the library's own shape rules and error messages apply.
    /// </summary>
    private static int[] ShapeAfter(Module module, string path, OnnxValue x)
    {
        try
        {
            using var _ = Autograd.NoGrad();
            return module.Forward(Tensor.Zeros(x.Shape)).Shape;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"OnnxExport: module {Describe(module, path)} rejects its input {Descent.Shape.Format(x.Shape)}: {e.Message}", e);
        }
    }

    /// <summary>Throws unless the input has the rank the ONNX operator needs (ONNX has no unbatched images).</summary>
    private static void RequireRank(Module module, string path, OnnxValue x, int rank, string layout)
    {
        if (x.Rank != rank)
            throw new ArgumentException(
                $"OnnxExport: module {Describe(module, path)} needs a {rank}-D {layout} input in ONNX; got {Descent.Shape.Format(x.Shape)}");
    }

    private static long[] Pair(Size2 s) => [s.H, s.W];

    // ONNX pads list every axis's begin, then every axis's end: [h_begin, w_begin, h_end, w_end].
    private static long[] Pads(Size2 s) => [s.H, s.W, s.H, s.W];
}

using System.Reflection;
using Module = Descent.Nn.Module;

namespace Descent.IO.Onnx;

/// <summary>
/// Exports a model to an ONNX file that serving engines (ONNX Runtime and others) load. The model is
/// written in its evaluation form whatever its current mode: Dropout becomes Identity and BatchNorm
/// uses its running statistics. Sequential containers are walked in order; every other module needs a
/// converter (Linear, Conv2d, the pools, the activations, Flatten, Softmax, LogSoftmax, Dropout,
/// BatchNorm1d/2d, Identity, LayerNorm, RMSNorm, RNN, LSTM, GRU, MultiheadAttention, TransformerEncoderLayer, TransformerEncoder), and an
/// unsupported one throws naming its type and path in the model. Modules are exported as their
/// <c>Forward(Tensor)</c> computes: recurrent layers start from zero states, and MultiheadAttention and
/// TransformerEncoderLayer attend to the input itself with no mask. Decoders, attention over other keys and
/// values, masks and attention weights are exported with <see cref="ToBytes(Module, int[], OnnxAttentionCall)"/>.
/// The file uses IR version <see cref="IrVersion"/> and the default-domain opset <see cref="Opset"/>.
/// </summary>
/// <example><code>
/// var model = new Sequential(new Flatten(), new Linear(784, 128), new ReLU(), new Linear(128, 10));
/// OnnxExport.Save(model, [-1, 1, 28, 28], "mnist.onnx");   // -1: batch size chosen at run time
/// </code></example>
public static partial class OnnxExport
{
    /// <summary>The ONNX IR version written (8: ONNX 1.10 and later, ONNX Runtime 1.10 and later).</summary>
    public const int IrVersion = 8;

    /// <summary>The default-domain operator set version written.</summary>
    public const int Opset = 17;

    /// <summary>The graph input's name.</summary>
    public const string InputName = "input";

    /// <summary>The graph output's name.</summary>
    public const string OutputName = "output";

    /// <summary>The name of the symbolic batch dimension when the batch size is left open.</summary>
    public const string BatchParam = "batch";

    /// <summary>
    /// Writes <paramref name="model"/> as an ONNX file at <paramref name="path"/>, atomically (readers see
    /// the old file or the complete new one).
    /// </summary>
    /// <param name="model">The model; its weights are copied, its mode is left as it is.</param>
    /// <param name="inputShape">The input's shape; −1 as the first size makes the batch size symbolic.</param>
    /// <param name="path">The file to write.</param>
    public static void Save(Module model, int[] inputShape, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = ToBytes(model, inputShape);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The ONNX model as bytes (a serialized ModelProto), e.g. to hand to an inference session in memory.</summary>
    /// <param name="model">The model; its weights are copied, its mode is left as it is.</param>
    /// <param name="inputShape">The input's shape; −1 as the first size makes the batch size symbolic.</param>
    public static byte[] ToBytes(Module model, int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        var input = InputValue(inputShape);
        var graph = new OnnxGraph(InputName);
        var output = OnnxConverters.Emit(graph, model, "", input);
        graph.MarkOutput(output.Name, OutputName);
        var proto = OnnxProto.Graph(model.GetType().Name, graph.Nodes, graph.Initializers,
            [new OnnxValueInfo(InputName, Dims(input))], [new OnnxValueInfo(OutputName, Dims(output))]);
        return OnnxProto.Model(IrVersion, "Descent", Version, Opset, proto);
    }

    private static string Version =>
        typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";

    private static OnnxValue InputValue(int[] shape)
    {
        if (shape.Length == 0) throw new ArgumentException("OnnxExport: inputShape must have at least one dimension; got []", nameof(shape));
        for (int i = 0; i < shape.Length; i++)
        {
            bool symbolic = i == 0 && shape[i] == -1;
            if (shape[i] <= 0 && !symbolic)
                throw new ArgumentOutOfRangeException(nameof(shape), shape[i],
                    $"OnnxExport: inputShape sizes must be positive (−1 allowed only as the first, for a symbolic batch); got {Shape.Format(shape)}");
        }
        if (shape[0] != -1) return new OnnxValue(InputName, (int[])shape.Clone(), OnnxBatch.Fixed);
        if (shape.Length < 2)
            throw new ArgumentException($"OnnxExport: a symbolic batch (−1) needs at least one more dimension after it; got {Shape.Format(shape)}", nameof(shape));
        var standIn = (int[])shape.Clone();
        standIn[0] = 1;
        return new OnnxValue(InputName, standIn, OnnxBatch.Symbolic);
    }

    private static OnnxDim[] Dims(OnnxValue v) =>
    [
        .. v.Shape.Select((d, i) => i > 0 || v.Batch == OnnxBatch.Fixed
            ? new OnnxDim(d, null)
            : new OnnxDim(null, v.Batch == OnnxBatch.Symbolic ? BatchParam : null)),
    ];
}

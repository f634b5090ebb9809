using System.Reflection;
using Descent.Nn;
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
/// A recurrent layer exported alone can
/// instead take its initial states and sequence lengths as graph inputs and give its final states as graph
/// outputs (<see cref="ToBytes(RNNBase, int[], OnnxRecurrentIO)"/>).
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

    /// <summary>The initial hidden state's graph input, [D·num_layers, N, H] as the layer's h0.</summary>
    public const string InitialHiddenName = "h0";

    /// <summary>The LSTM's initial cell state's graph input, [D·num_layers, N, H] as the layer's c0.</summary>
    public const string InitialCellName = "c0";

    /// <summary>The sequence lengths' graph input: int32 [N], each in [1, L].</summary>
    public const string LengthsName = "lengths";

    /// <summary>The final hidden state's graph output, [D·num_layers, N, H] as the layer's hN.</summary>
    public const string FinalHiddenName = "hn";

    /// <summary>The LSTM's final cell state's graph output, [D·num_layers, N, H] as the layer's cN.</summary>
    public const string FinalCellName = "cn";

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
        return Finish(model, graph, input, output, [], []);
    }

    /// <summary>
    /// A recurrent layer as ONNX bytes with the extra graph inputs and outputs <paramref name="io"/> asks for:
    /// <see cref="InitialHiddenName"/> (and <see cref="InitialCellName"/> for the LSTM),
    /// <see cref="LengthsName"/> (ONNX's sequence_lens: outputs past a length are 0 and the final states are
    /// those after each sequence's last valid step, as Forward with lengths computes),
    /// <see cref="FinalHiddenName"/> (and <see cref="FinalCellName"/>). The input must be batched.
    /// </summary>
    /// <param name="model">The layer; its weights are copied.</param>
    /// <param name="inputShape">[L, N, in] or, batch first, [N, L, in]; −1 as the first size makes it symbolic (the batch when batch first, else the length).</param>
    /// <param name="io">Which states and lengths the graph exposes.</param>
    /// <example><code>
    /// var lstm = new LSTM(4, 8, numLayers: 2, batchFirst: true);
    /// var bytes = OnnxExport.ToBytes(lstm, [-1, 10, 4], OnnxRecurrentIO.InitialStates | OnnxRecurrentIO.FinalStates | OnnxRecurrentIO.Lengths);
    /// // inputs: input [batch, 10, 4], h0 and c0 [2, batch, 8], lengths int32 [batch]; outputs: output, hn, cn
    /// </code></example>
    public static byte[] ToBytes(RNNBase model, int[] inputShape, OnnxRecurrentIO io)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        var input = InputValue(inputShape);
        if (input.Rank != 3)
            throw new ArgumentException($"OnnxExport: states and lengths of {model.GetType().Name} need a batched input, [L, N, input_size] or [N, L, input_size]; got inputShape {Shape.Format(inputShape)}", nameof(inputShape));
        bool lstm = model is LSTM;
        int batch = model.BatchFirst ? input.Shape[0] : input.Shape[1];
        var graph = new OnnxGraph(InputName);
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        // A symbolic first size is the batch only when the batch comes first; otherwise it is the sequence length.
        var batchDim = model.BatchFirst && input.Batch == OnnxBatch.Symbolic ? new OnnxDim(null, BatchParam) : new OnnxDim(batch, null);
        OnnxDim[] stateDims = [new((model.Bidirectional ? 2 : 1) * model.NumLayers, null), batchDim, new(model.HiddenSize, null)];
        string? Declare(List<OnnxValueInfo> list, bool wanted, string name, OnnxDim[] dims, int type = OnnxProto.Float32)
        {
            if (!wanted) return null;
            graph.Reserve(name);
            list.Add(new OnnxValueInfo(name, dims, type));
            return name;
        }
        bool initial = io.HasFlag(OnnxRecurrentIO.InitialStates);
        var recurrentIO = new RecurrentIO
        {
            H0 = Declare(inputs, initial, InitialHiddenName, stateDims),
            C0 = Declare(inputs, initial && lstm, InitialCellName, stateDims),
            Lengths = Declare(inputs, io.HasFlag(OnnxRecurrentIO.Lengths), LengthsName, [batchDim], OnnxProto.Int32),
            FinalStates = io.HasFlag(OnnxRecurrentIO.FinalStates),
        };
        var output = OnnxConverters.Recurrent(graph, model, "", input, recurrentIO);
        var marks = new List<(string Value, string Name)>();
        if (recurrentIO.FinalStates)
        {
            marks.Add((recurrentIO.HN!, Declare(outputs, true, FinalHiddenName, stateDims)!));
            if (lstm) marks.Add((recurrentIO.CN!, Declare(outputs, true, FinalCellName, stateDims)!));
        }
        return Finish(model, graph, input, output, inputs, outputs, marks);
    }

    /// <summary>Names the graph's outputs and writes the model: the sequence's input and output first, then the extra ones.</summary>
    private static byte[] Finish(Module model, OnnxGraph graph, OnnxValue input, OnnxValue output,
        List<OnnxValueInfo> moreInputs, List<OnnxValueInfo> moreOutputs, List<(string Value, string Name)>? marks = null)
    {
        graph.MarkOutput(output.Name, OutputName);
        foreach (var (value, name) in marks ?? []) graph.MarkOutput(value, name);
        var proto = OnnxProto.Graph(model.GetType().Name, graph.Nodes, graph.Initializers,
            [new OnnxValueInfo(InputName, Dims(input)), .. moreInputs], [new OnnxValueInfo(OutputName, Dims(output)), .. moreOutputs]);
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

/// <summary>The optional graph inputs and outputs of a recurrent layer exported with <see cref="OnnxExport.ToBytes(RNNBase, int[], OnnxRecurrentIO)"/>.</summary>
[Flags]
public enum OnnxRecurrentIO
{
    /// <summary>The sequence in and out only, from zero states, as <see cref="OnnxExport.ToBytes(Module, int[])"/>.</summary>
    None = 0,

    /// <summary>Graph inputs h0 (and c0 for the LSTM), [D·num_layers, N, H].</summary>
    InitialStates = 1,

    /// <summary>Graph outputs hn (and cn for the LSTM), [D·num_layers, N, H].</summary>
    FinalStates = 2,

    /// <summary>Graph input lengths, int32 [N]: ONNX's sequence_lens.</summary>
    Lengths = 4,
}

using Descent.Nn;

namespace Descent.IO.Onnx;

internal static partial class OnnxConverters
{
    // ONNX stacks the gates in another order than PyTorch; each list names, for every ONNX gate in turn,
    // the PyTorch gate whose rows it takes. LSTM: PyTorch i, f, g, o → ONNX i, o, f, c. GRU: r, z, n → z, r, h.
    private static readonly int[] LstmGateOrder = [0, 3, 1, 2];
    private static readonly int[] GruGateOrder = [1, 0, 2];
    private static readonly int[] RnnGateOrder = [0];

    // One ONNX LSTM/GRU/RNN node per layer, both directions in the same node, with zero initial states
    // (the model input is the sequence alone, as Forward(Tensor) takes it) unless io names graph inputs for
    // the states and lengths. ONNX's sequences are [T, N, I] and its output [T, D, N, H]; the Transposes and
    // Reshapes around the nodes give PyTorch's layouts: batch first, the directions joined along the
    // features, unbatched [L, I]. ONNX's states are [D, N, H] per node, PyTorch's [D·L, N, H] layer after
    // layer, so a layer's initial states are a Slice of the graph's and the final ones a Concat of the nodes'.
    public static OnnxValue Recurrent(OnnxGraph g, RNNBase m, string path, OnnxValue x, RecurrentIO? io = null)
    {
        var shape = ShapeAfter(m, path, x);
        int directions = m.Bidirectional ? 2 : 1;
        var (opType, order, extra) = m switch
        {
            LSTM => ("LSTM", LstmGateOrder, Array.Empty<OnnxAttribute>()),
            // PyTorch's GRU applies the reset gate after the recurrent weights: r ⊙ (R_h·h + Rb_h).
            GRU => ("GRU", GruGateOrder, [OnnxAttribute.Int("linear_before_reset", 1)]),
            RNN r => ("RNN", RnnGateOrder, [OnnxAttribute.StringList("activations",
                [.. Enumerable.Repeat(r.Nonlinearity == "relu" ? "Relu" : "Tanh", directions)])]),
            _ => throw new NotSupportedException($"OnnxExport: module {Describe(m, path)} has no ONNX converter"),
        };
        bool batched = x.Rank == 3;
        var seq = !batched ? g.Node("Unsqueeze", path, [x.Name, g.Int64s(Child(path, "axes"), [1])])
            : m.BatchFirst ? g.Node("Transpose", path, [x.Name], OnnxAttribute.IntList("perm", 1, 0, 2))
            : x.Name;
        var parameters = m.NamedParameters().ToDictionary(p => p.Name, p => (Tensor)p.Parameter);
        bool lstm = m is LSTM;
        var finalH = new List<string>();
        var finalC = new List<string>();
        for (int layer = 0; layer < m.NumLayers; layer++)
        {
            string LayerState(string? all) => all is null ? ""
                : m.NumLayers == 1 ? all
                : g.Node("Slice", path, [all, g.Int64s(Child(path, "starts"), [layer * directions]),
                    g.Int64s(Child(path, "ends"), [(layer + 1) * directions]), g.Int64s(Child(path, "axes"), [0])]);
            Tensor Stacked(Func<string, Tensor> perDirection)
            {
                using var _ = Autograd.NoGrad();
                return Tensor.Stack([.. Enumerable.Range(0, directions).Select(d => perDirection($"_l{layer}" + (d == 1 ? "_reverse" : "")))]);
            }
            Tensor Gates(Tensor t) => Tensor.Cat([.. order.Select(k => t.Narrow(0, k * m.HiddenSize, m.HiddenSize))]);
            var inputs = new List<string>
            {
                seq,
                g.Weight(Child(path, $"W_l{layer}"), Stacked(s => Gates(parameters["weight_ih" + s]))),
                g.Weight(Child(path, $"R_l{layer}"), Stacked(s => Gates(parameters["weight_hh" + s]))),
            };
            inputs.Add(parameters.ContainsKey("bias_ih_l0")
                ? g.Weight(Child(path, $"B_l{layer}"), Stacked(s => Tensor.Cat([Gates(parameters["bias_ih" + s]), Gates(parameters["bias_hh" + s])])))
                : "");
            // Optional inputs in ONNX's order (B, sequence_lens, initial_h, initial_c); "" leaves one out, and
            // trailing ones are dropped.
            inputs.AddRange([io?.Lengths ?? "", LayerState(io?.H0), lstm ? LayerState(io?.C0) : ""]);
            while (inputs[^1].Length == 0) inputs.RemoveAt(inputs.Count - 1);
            var outputs = g.Node(opType, path, [.. inputs], io is { FinalStates: true } ? (lstm ? 3 : 2) : 1,
                [
                    OnnxAttribute.Int("hidden_size", m.HiddenSize),
                    OnnxAttribute.String("direction", m.Bidirectional ? "bidirectional" : "forward"),
                    .. extra,
                ]);
            var y = outputs[0];
            if (outputs.Length > 1) finalH.Add(outputs[1]);
            if (outputs.Length > 2) finalC.Add(outputs[2]);
            // [T, D, N, H] to [T, N, D·H]: the forward direction's features first, as PyTorch concatenates them.
            seq = directions == 1
                ? g.Node("Squeeze", path, [y, g.Int64s(Child(path, "axes"), [1])])
                : g.Node("Reshape", path,
                    [g.Node("Transpose", path, [y], OnnxAttribute.IntList("perm", 0, 2, 1, 3)), g.Int64s(Child(path, "shape"), [0, 0, -1])]);
        }
        if (io is { FinalStates: true })
        {
            string Joined(List<string> states) => states.Count == 1 ? states[0] : g.Node("Concat", path, [.. states], OnnxAttribute.Int("axis", 0));
            io.HN = Joined(finalH);
            if (lstm) io.CN = Joined(finalC);
        }
        var output = !batched ? g.Node("Squeeze", path, [seq, g.Int64s(Child(path, "axes"), [1])])
            : m.BatchFirst ? g.Node("Transpose", path, [seq], OnnxAttribute.IntList("perm", 1, 0, 2))
            : seq;
        return x with { Name = output, Shape = shape };
    }
}

/// <summary>
/// The graph values of a recurrent layer's optional inputs (null: not given) and, when
/// <see cref="FinalStates"/> is set, the final states' values the converter produced.
/// </summary>
internal sealed class RecurrentIO
{
    public string? H0 { get; init; }

    public string? C0 { get; init; }

    public string? Lengths { get; init; }

    public bool FinalStates { get; init; }

    public string? HN { get; set; }

    public string? CN { get; set; }
}

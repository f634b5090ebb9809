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
    // (the model input is the sequence alone, as Forward(Tensor) takes it). ONNX's sequences are
    // [T, N, I] and its output [T, D, N, H]; the Transposes and Reshapes around the nodes give PyTorch's
    // layouts: batch first, the directions joined along the features, unbatched [L, I].
    private static OnnxValue Recurrent(OnnxGraph g, RNNBase m, string path, OnnxValue x)
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
        for (int layer = 0; layer < m.NumLayers; layer++)
        {
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
            if (parameters.ContainsKey("bias_ih_l0"))
                inputs.Add(g.Weight(Child(path, $"B_l{layer}"),
                    Stacked(s => Tensor.Cat([Gates(parameters["bias_ih" + s]), Gates(parameters["bias_hh" + s])]))));
            var y = g.Node(opType, path, [.. inputs],
                [
                    OnnxAttribute.Int("hidden_size", m.HiddenSize),
                    OnnxAttribute.String("direction", m.Bidirectional ? "bidirectional" : "forward"),
                    .. extra,
                ]);
            // [T, D, N, H] to [T, N, D·H]: the forward direction's features first, as PyTorch concatenates them.
            seq = directions == 1
                ? g.Node("Squeeze", path, [y, g.Int64s(Child(path, "axes"), [1])])
                : g.Node("Reshape", path,
                    [g.Node("Transpose", path, [y], OnnxAttribute.IntList("perm", 0, 2, 1, 3)), g.Int64s(Child(path, "shape"), [0, 0, -1])]);
        }
        var output = !batched ? g.Node("Squeeze", path, [seq, g.Int64s(Child(path, "axes"), [1])])
            : m.BatchFirst ? g.Node("Transpose", path, [seq], OnnxAttribute.IntList("perm", 1, 0, 2))
            : seq;
        return x with { Name = output, Shape = shape };
    }
}

using Descent.IO.Onnx;
using Descent.Nn;
using Microsoft.ML.OnnxRuntime;

namespace Descent.Onnx.Tests;

/// <summary>
/// Recurrent layers exported with their initial states and sequence lengths as graph inputs and their final
/// states as graph outputs, run in ONNX Runtime against Forward(input, states, lengths). ONNX Runtime, like
/// PyTorch's packed sequences, gives 0 past each length and the states after each sequence's last valid step.
/// </summary>
public class RecurrentStateExportTests
{
    private const OnnxRecurrentIO All = OnnxRecurrentIO.InitialStates | OnnxRecurrentIO.FinalStates | OnnxRecurrentIO.Lengths;

    private static RNNBase Layer(string kind, int layers, bool bidirectional, bool batchFirst, bool bias = true)
    {
        var m = SequenceExportTests.Recurrent(kind, layers, bidirectional, batchFirst, bias);
        m.Eval();
        return m;
    }

    [Theory]
    [MemberData(nameof(SequenceExportTests.RecurrentCases), MemberType = typeof(SequenceExportTests))]
    public void States_and_mixed_lengths_match(string kind, int layers, bool bidirectional, bool batchFirst)
    {
        var m = Layer(kind, layers, bidirectional, batchFirst);
        int[] shape = batchFirst ? [3, 6, 5] : [6, 3, 5];
        Matches(m, shape, shape, All, [4, 6, 1], seed: layers);
    }

    [Theory]
    [InlineData("LSTM", OnnxRecurrentIO.FinalStates)]
    [InlineData("GRU", OnnxRecurrentIO.InitialStates)]
    [InlineData("RNN tanh", OnnxRecurrentIO.Lengths)]
    [InlineData("LSTM", OnnxRecurrentIO.InitialStates | OnnxRecurrentIO.Lengths)]
    [InlineData("GRU", OnnxRecurrentIO.None)]
    public void Each_input_and_output_alone_matches(string kind, OnnxRecurrentIO io) =>
        Matches(Layer(kind, 2, true, false), [6, 3, 5], [6, 3, 5], io, [2, 6, 5]);

    [Theory]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    public void Without_bias_and_with_a_symbolic_batch_matches(string kind)
    {
        var m = Layer(kind, 2, true, true, bias: false);
        Matches(m, [-1, 6, 5], [4, 6, 5], All, [1, 6, 3, 2]);
        Matches(m, [-1, 6, 5], [2, 6, 5], All, [5, 6]);
    }

    [Fact]
    public void A_symbolic_sequence_length_keeps_the_batch_of_the_states_fixed() =>
        Matches(Layer("GRU", 1, true, false), [-1, 3, 5], [7, 3, 5], All, [7, 2, 5]);

    [Fact]
    public void Graph_declares_the_inputs_and_outputs_in_PyTorchs_layout()
    {
        var bytes = OnnxExport.ToBytes(Layer("LSTM", 2, true, true), [-1, 6, 5], All);
        using var session = new InferenceSession(bytes);
        Assert.Equal([OnnxExport.InputName, OnnxExport.InitialHiddenName, OnnxExport.InitialCellName, OnnxExport.LengthsName], session.InputNames);
        Assert.Equal([OnnxExport.OutputName, OnnxExport.FinalHiddenName, OnnxExport.FinalCellName], session.OutputNames);
        Assert.Equal([4, -1, 4], session.InputMetadata[OnnxExport.InitialHiddenName].Dimensions);
        Assert.Equal([-1], session.InputMetadata[OnnxExport.LengthsName].Dimensions);
        Assert.Equal(typeof(int), session.InputMetadata[OnnxExport.LengthsName].ElementType);
        Assert.Equal([4, -1, 4], session.OutputMetadata[OnnxExport.FinalCellName].Dimensions);
    }

    [Fact]
    public void Unbatched_input_is_rejected_with_the_rule()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(Layer("GRU", 1, false, false), [6, 5], All));
        Assert.StartsWith("OnnxExport: states and lengths of GRU need a batched input, [L, N, input_size] or [N, L, input_size]; got inputShape [6, 5]", e.Message);
    }

    /// <summary>
    /// Exports <paramref name="m"/> with <paramref name="io"/>, runs ONNX Runtime on random input and states
    /// for <paramref name="runShape"/> and the given lengths, and compares every output with Descent's.
    /// </summary>
    private static void Matches(RNNBase m, int[] exportShape, int[] runShape, OnnxRecurrentIO io, int[] lengths, int seed = 0)
    {
        var bytes = OnnxExport.ToBytes(m, exportShape, io);
        var g = new Generator((ulong)(seed + 100));
        int n = m.BatchFirst ? runShape[0] : runShape[1];
        int[] stateShape = [(m.Bidirectional ? 2 : 1) * m.NumLayers, n, m.HiddenSize];
        var x = Tensor.Randn(runShape, g);
        var h0 = Tensor.Randn(stateShape, g);
        var c0 = Tensor.Randn(stateShape, g);
        bool initial = io.HasFlag(OnnxRecurrentIO.InitialStates), withLengths = io.HasFlag(OnnxRecurrentIO.Lengths);
        var len = withLengths ? IntTensor.FromArray(lengths) : null;
        Tensor[] expected;
        using (Autograd.NoGrad())
        {
            expected = m switch
            {
                LSTM lstm => lstm.Forward(x, initial ? (h0, c0) : null, len) is var (o, (h, c)) ? [o, h, c] : [],
                RNN rnn => rnn.Forward(x, initial ? h0 : null, len) is var (o2, h2) ? [o2, h2] : [],
                GRU gru => gru.Forward(x, initial ? h0 : null, len) is var (o3, h3) ? [o3, h3] : [],
                _ => [],
            };
        }
        if (!io.HasFlag(OnnxRecurrentIO.FinalStates)) expected = [expected[0]];

        using var session = new InferenceSession(bytes);
        var values = new List<OrtValue> { Ort(x) };
        if (initial)
        {
            values.Add(Ort(h0));
            if (m is LSTM) values.Add(Ort(c0));
        }
        if (withLengths) values.Add(OrtValue.CreateTensorValueFromMemory(lengths, [lengths.Length]));
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, session.InputNames, values, session.OutputNames);
        Assert.Equal(expected.Length, outputs.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Shape, outputs[i].GetTensorTypeAndShape().Shape.Select(d => (int)d).ToArray());
            OnnxCheck.AssertClose(expected[i].ToArray(), outputs[i].GetTensorDataAsSpan<float>().ToArray());
        }
        foreach (var v in values) v.Dispose();
    }

    private static OrtValue Ort(Tensor t) => OrtValue.CreateTensorValueFromMemory(t.ToArray(), [.. t.Shape.Select(d => (long)d)]);
}

using Descent.Nn;
using TorchSharp;
using static Descent.Parity.Oracle;
using static Descent.Parity.RecurrentOracle;
using TT = TorchSharp.torch.Tensor;
using Packed = TorchSharp.torch.nn.utils.rnn.PackedSequence;

namespace Descent.Parity;

/// <summary>
/// RNN, LSTM and GRU over a padded batch with per-sequence lengths against libtorch's
/// pack_padded_sequence(enforce_sorted: false) → module → pad_packed_sequence(total_length: L): outputs, final
/// states, and the gradients of the input, the initial states and every parameter.
/// </summary>
public class RecurrentLengthsParityTests
{
    // A full-length sequence, a length-1 one and one between, unsorted so libtorch has to permute the batch.
    private static readonly long[] MixedLengths = [3, Steps, 1];

    public static TheoryData<int, bool, bool, bool> Configs => new()
    {
        // layers, bidirectional, batchFirst, with h0
        { 1, false, false, false },
        { 1, true, true, true },
        { 2, false, true, true },
        { 2, true, false, true },
    };

    private static (Tensor X, Tensor? H0, Tensor? C0) Data(int layers, bool bidirectional, bool batchFirst, bool withH0, bool lstm, ulong seed)
    {
        var g = new Generator(seed);
        int[] hs = [(bidirectional ? 2 : 1) * layers, Batch, Hidden];
        var x = Tensor.Randn(batchFirst ? [Batch, Steps, In] : [Steps, Batch, In], g);
        return (x, withH0 ? Tensor.Randn(hs, g) : null, withH0 && lstm ? Tensor.Randn(hs, g) : null);
    }

    private static Packed Pack(TT x, bool batchFirst) =>
        torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(MixedLengths), batchFirst, enforce_sorted: false);

    private static TT Unpack(Packed y, bool batchFirst) =>
        torch.nn.utils.rnn.pad_packed_sequence(y, batchFirst, total_length: Steps).Item1;

    private static IntTensor Lengths => IntTensor.FromArray(MixedLengths);

    [Theory, MemberData(nameof(Configs))]
    [Parity("Nn.RNN")]
    public void Rnn(int layers, bool bidirectional, bool batchFirst, bool withH0)
    {
        foreach (var relu in new[] { false, true })
        {
            var ours = new RNN(In, Hidden, layers, relu ? "relu" : "tanh", true, batchFirst, 0f, bidirectional, new Generator(21));
            var theirs = torch.nn.RNN(In, Hidden, layers, relu ? torch.nn.NonLinearities.ReLU : torch.nn.NonLinearities.Tanh, true, batchFirst, 0.0, bidirectional);
            CompareOneState($"RNN {(relu ? "relu" : "tanh")}", ours, ours.Forward, theirs, (a, h) => theirs.call(a, h), layers, bidirectional, batchFirst, withH0, 22);
        }
    }

    [Theory, MemberData(nameof(Configs))]
    [Parity("Nn.GRU")]
    public void Gru(int layers, bool bidirectional, bool batchFirst, bool withH0)
    {
        var ours = new GRU(In, Hidden, layers, true, batchFirst, 0f, bidirectional, new Generator(23));
        var theirs = torch.nn.GRU(In, Hidden, layers, true, batchFirst, 0.0, bidirectional);
        CompareOneState("GRU", ours, ours.Forward, theirs, (a, h) => theirs.call(a, h), layers, bidirectional, batchFirst, withH0, 24);
    }

    /// <summary>RNN and GRU: one state in and one out.</summary>
    private static void CompareOneState(string name, Module ours, Func<Tensor, Tensor?, IntTensor?, (Tensor, Tensor)> forward,
        torch.nn.Module theirs, Func<Packed, TT?, (Packed, TT)> call, int layers, bool bidirectional, bool batchFirst, bool withH0, ulong seed)
    {
        var (x, h0, _) = Data(layers, bidirectional, batchFirst, withH0, false, seed);
        Compare($"{name} with lengths", ours, theirs, x, h0, null,
            (a, h, _) => { var (o, hn) = forward(a, h, Lengths); return (o, hn, null); },
            (a, h, _) => { var (o, hn) = call(Pack(a, batchFirst), h); return (Unpack(o, batchFirst), hn, null); });
    }

    [Theory, MemberData(nameof(Configs))]
    [Parity("Nn.LSTM")]
    public void Lstm(int layers, bool bidirectional, bool batchFirst, bool withH0)
    {
        var ours = new LSTM(In, Hidden, layers, true, batchFirst, 0f, bidirectional, new Generator(25));
        var theirs = torch.nn.LSTM(In, Hidden, layers, true, batchFirst, 0.0, bidirectional);
        var (x, h0, c0) = Data(layers, bidirectional, batchFirst, withH0, true, 26);
        Compare("LSTM with lengths", ours, theirs, x, h0, c0,
            (a, h, c) => { var (o, (hn, cn)) = ours.Forward(a, h is null ? null : (h, c!), Lengths); return (o, hn, cn); },
            (a, h, c) => { var (o, hn, cn) = theirs.call(Pack(a, batchFirst), h is null ? null : (h, c!)); return (Unpack(o, batchFirst), hn, cn); });
    }
}

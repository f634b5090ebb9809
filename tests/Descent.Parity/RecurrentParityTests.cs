using Descent.Nn;
using TorchSharp;
using static Descent.Parity.RecurrentOracle;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>RNN, LSTM and GRU against TorchSharp's modules through <see cref="RecurrentOracle"/>.</summary>
public class RecurrentParityTests
{
    public static TheoryData<int, bool, bool, bool, bool, bool> Configs => new()
    {
        // layers, bidirectional, batchFirst, with h0, bias, unbatched
        { 1, false, false, false, true, false },
        { 2, false, true, true, true, false },
        { 1, true, false, true, false, false },
        { 2, true, true, false, true, false },
        { 2, true, false, true, true, true },
        { 1, false, true, true, false, true },
    };

    private static (Tensor X, Tensor? H0, Tensor? C0) Data(int layers, bool bidirectional, bool batchFirst, bool withH0, bool unbatched, bool lstm, ulong seed)
    {
        var g = new Generator(seed);
        int[] xs = unbatched ? [Steps, In] : batchFirst ? [Batch, Steps, In] : [Steps, Batch, In];
        int d = (bidirectional ? 2 : 1) * layers;
        int[] hs = unbatched ? [d, Hidden] : [d, Batch, Hidden];
        var x = Tensor.Randn(xs, g);
        var h0 = withH0 ? Tensor.Randn(hs, g) : null;
        var c0 = withH0 && lstm ? Tensor.Randn(hs, g) : null;
        return (x, h0, c0);
    }

    [Theory, MemberData(nameof(Configs))]
    [Parity("Nn.RNN")]
    public void Rnn(int layers, bool bidirectional, bool batchFirst, bool withH0, bool bias, bool unbatched)
    {
        foreach (var relu in new[] { false, true })
        {
            var ours = new RNN(In, Hidden, layers, relu ? "relu" : "tanh", bias, batchFirst, 0f, bidirectional, new Generator(1));
            var theirs = torch.nn.RNN(In, Hidden, layers, relu ? torch.nn.NonLinearities.ReLU : torch.nn.NonLinearities.Tanh, bias, batchFirst, 0.0, bidirectional);
            var (x, h0, _) = Data(layers, bidirectional, batchFirst, withH0, unbatched, false, 2);
            CompareOneState($"RNN {(relu ? "relu" : "tanh")}", ours, ours.Forward, theirs, (a, h) => theirs.call(a, h), x, h0, unbatched, batchFirst);
        }
    }

    [Theory, MemberData(nameof(Configs))]
    [Parity("Nn.GRU")]
    public void Gru(int layers, bool bidirectional, bool batchFirst, bool withH0, bool bias, bool unbatched)
    {
        var ours = new GRU(In, Hidden, layers, bias, batchFirst, 0f, bidirectional, new Generator(3));
        var theirs = torch.nn.GRU(In, Hidden, layers, bias, batchFirst, 0.0, bidirectional);
        var (x, h0, _) = Data(layers, bidirectional, batchFirst, withH0, unbatched, false, 4);
        CompareOneState("GRU", ours, ours.Forward, theirs, (a, h) => theirs.call(a, h), x, h0, unbatched, batchFirst);
    }

    [Theory, MemberData(nameof(Configs))]
    [Parity("Nn.LSTM")]
    public void Lstm(int layers, bool bidirectional, bool batchFirst, bool withH0, bool bias, bool unbatched)
    {
        var ours = new LSTM(In, Hidden, layers, bias, batchFirst, 0f, bidirectional, new Generator(5));
        var theirs = torch.nn.LSTM(In, Hidden, layers, bias, batchFirst, 0.0, bidirectional);
        var (x, h0, c0) = Data(layers, bidirectional, batchFirst, withH0, unbatched, true, 6);
        Compare("LSTM", ours, theirs, x, h0, c0,
            (a, h, c) => { var (o, (hn, cn)) = ours.Forward(a, h is null ? null : (h, c!)); return (o, hn, cn); },
            (a, h, c) => { var (o, hn, cn) = theirs.call(a, h is null ? null : (h, c!)); return (o, hn, cn); }, unbatched ? 1 : null, inputBatchDim: batchFirst ? 0 : 1);
    }

    /// <summary>RNN and GRU: one state in and one out; unbatched libtorch runs get the batch dimension PyTorch's Python adds.</summary>
    private static void CompareOneState(string name, Module ours, Func<Tensor, Tensor?, (Tensor, Tensor)> forward,
        torch.nn.Module theirs, Func<TT, TT?, (TT, TT)> call, Tensor x, Tensor? h0, bool unbatched, bool batchFirst) =>
        Compare(name, ours, theirs, x, h0, null,
            (a, h, _) => { var (o, hn) = forward(a, h); return (o, hn, null); },
            (a, h, _) => { var (o, hn) = call(a, h); return (o, hn, null); }, unbatched ? 1 : null, inputBatchDim: batchFirst ? 0 : 1);
}

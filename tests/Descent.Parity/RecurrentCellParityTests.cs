using Descent.Nn;
using TorchSharp;
using static Descent.Parity.RecurrentOracle;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>RNNCell, GRUCell and LSTMCell against TorchSharp's modules through <see cref="RecurrentOracle"/>.</summary>
public class RecurrentCellParityTests
{
    public static TheoryData<bool, bool, bool> CellConfigs => new()
    {
        // unbatched, with hx, bias
        { false, false, true }, { false, true, true }, { false, true, false }, { true, true, true }, { true, false, false },
    };

    private static (Tensor X, Tensor? H, Tensor? C) CellData(bool unbatched, bool withHx, bool lstm, ulong seed)
    {
        var g = new Generator(seed);
        int[] xs = unbatched ? [In] : [Batch, In];
        int[] hs = unbatched ? [Hidden] : [Batch, Hidden];
        var x = Tensor.Randn(xs, g);
        // TorchSharp's LSTMCell fails without hx (DESIGN.md's known traps), so its zeros are passed explicitly there.
        var h = withHx ? Tensor.Randn(hs, g) : lstm ? Tensor.Zeros(hs) : null;
        var c = lstm ? (withHx ? Tensor.Randn(hs, g) : Tensor.Zeros(hs)) : null;
        return (x, h, c);
    }

    [Theory, MemberData(nameof(CellConfigs))]
    [Parity("Nn.RNNCell", "Nn.GRUCell", "Nn.LSTMCell")]
    public void Cells(bool unbatched, bool withHx, bool bias)
    {
        foreach (var relu in new[] { false, true })
        {
            var ours = new RNNCell(In, Hidden, bias, relu ? "relu" : "tanh", new Generator(7));
            var theirs = torch.nn.RNNCell(In, Hidden, relu ? torch.nn.NonLinearities.ReLU : torch.nn.NonLinearities.Tanh, bias);
            CompareOneState("RNNCell", ours, ours.Forward, theirs, (a, hx) => theirs.call(a, hx!), CellData(unbatched, withHx, false, 8), unbatched);
        }
        {
            var ours = new GRUCell(In, Hidden, bias, new Generator(9));
            var theirs = torch.nn.GRUCell(In, Hidden, bias);
            CompareOneState("GRUCell", ours, ours.Forward, theirs, (a, hx) => theirs.call(a, hx!), CellData(unbatched, withHx, false, 10), unbatched);
        }
        {
            var ours = new LSTMCell(In, Hidden, bias, new Generator(11));
            var theirs = torch.nn.LSTMCell(In, Hidden, bias);
            var (x, h, c) = CellData(unbatched, withHx, true, 12);
            Compare("LSTMCell", ours, theirs, x, h, c,
                (a, hx, cx) => { var (hn, cn) = withHx ? ours.Forward(a, (hx!, cx!)) : ours.Forward(a, null); return (hn, cn, null); },
                (a, hx, cx) => { var (hn, cn) = theirs.call(a, (hx!, cx!)); return (hn, cn, null); }, unbatched ? 0 : null, statesGiven: withHx);
        }
    }

    private static void CompareOneState(string name, Module ours, Func<Tensor, Tensor?, Tensor> forward, torch.nn.Module theirs,
        Func<TT, TT?, TT> call, (Tensor X, Tensor? H, Tensor? C) data, bool unbatched) =>
        Compare(name, ours, theirs, data.X, data.H, null, (a, hx, _) => (forward(a, hx), null, null), (a, hx, _) => (call(a, hx), null, null), unbatched ? 0 : null);
}

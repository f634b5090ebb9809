using Descent.IO;
using Descent.Nn;
using TorchSharp;
using static Descent.Parity.Oracle;
using Module = Descent.Nn.Module;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>
/// A PyTorch user's weights, in by one call: libtorch builds each kind of module, its <c>state_dict()</c>
/// is written as PyTorch writes it to safetensors (names as PyTorch gives them, int64
/// <c>num_batches_tracked</c>), Descent reads the file and loads it strictly into the same architecture,
/// and both compute the same output in evaluation mode. When the architectures differ, the error must
/// list every missing, unexpected and wrong-shaped key, with both shapes.
/// </summary>
public class PyTorchStateDictTests
{
    private const double Tol = ReductionTolerance;

    /// <summary>Saves libtorch's state, loads it into <paramref name="ours"/> in one strict call and compares outputs.</summary>
    private static void LoadsAndMatches(string name, torch.nn.Module theirs, Module ours, Func<TT, TT> runTheirs, Func<Tensor, Tensor> runOurs, Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var (tensors, _) = Safetensors.Parse(TorchStateDictFile.Write(theirs), "pytorch.safetensors");
        var result = ours.LoadStateDict(tensors);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        theirs.eval();
        ours.Eval();
        TT expected;
        using (torch.no_grad()) expected = runTheirs(ToTorch(input));
        Tensor actual;
        using (Autograd.NoGrad()) actual = runOurs(input);
        Assert.Equal(expected.shape, actual.Shape.Select(d => (long)d).ToArray());
        AssertClose($"{name} output after loading PyTorch's state dict", actual.ToArray(), FromTorch(expected), expected.shape, Tol);
    }

    private static Tensor Input(ulong seed, params int[] shape) => Tensor.Randn(shape, new Generator(seed));

    /// <summary>A few training-mode passes, so that running statistics and num_batches_tracked are not their defaults.</summary>
    private static void Train(torch.nn.Module<TT, TT> theirs, int[] shape, int batches)
    {
        theirs.train();
        using (torch.no_grad())
            for (int i = 0; i < batches; i++) theirs.call(ToTorch(Input((ulong)(100 + i), shape)) * 2 + 0.5);
    }

    [Fact]
    [Parity("Nn.Linear", "Nn.BatchNorm1d", "Nn.Sequential")]
    public void MlpWithBatchNorm1d()
    {
        var theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 3));
        Train(theirs, [16, 4], 3);
        var bn = new BatchNorm1d(8);
        var ours = new Sequential(new Linear(4, 8), bn, new ReLU(), new Linear(8, 3));
        LoadsAndMatches("MLP + BatchNorm1d", theirs, ours, theirs.call, ours.Forward, Input(1, 5, 4));
        // PyTorch counted the batches in an int64; Descent holds the same count.
        Assert.Equal(3f, bn.NumBatchesTracked!.Item());
    }

    [Fact]
    [Parity("Nn.Conv2d", "Nn.BatchNorm2d", "Nn.MaxPool2d", "Nn.Flatten")]
    public void ConvNetWithBatchNorm2d()
    {
        var theirs = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding: 1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
            torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(4 * 3 * 3, 2));
        Train(theirs, [4, 3, 6, 6], 2);
        var ours = new Sequential(new Conv2d(3, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(),
            new MaxPool2d(2), new Flatten(), new Linear(4 * 3 * 3, 2));
        LoadsAndMatches("CNN + BatchNorm2d", theirs, ours, theirs.call, ours.Forward, Input(2, 2, 3, 6, 6));
    }

    [Fact]
    [Parity("Nn.LSTM")]
    public void TwoLayerBidirectionalLstm()
    {
        var theirs = torch.nn.LSTM(4, 6, 2, bidirectional: true);
        var ours = new LSTM(4, 6, 2, bidirectional: true);
        LoadsAndMatches("LSTM", theirs, ours, x => theirs.call(x, null).Item1, x => ours.Forward(x, null).Output, Input(3, 5, 2, 4));
    }

    [Fact]
    [Parity("Nn.GRU", "Nn.RNN")]
    public void GruAndRnn()
    {
        var gru = torch.nn.GRU(4, 5, 2, batchFirst: true);
        var ourGru = new GRU(4, 5, 2, batchFirst: true);
        LoadsAndMatches("GRU", gru, ourGru, x => gru.call(x, null).Item1, x => ourGru.Forward(x, null).Output, Input(4, 2, 5, 4));
        var rnn = torch.nn.RNN(4, 5, 1, torch.nn.NonLinearities.ReLU, bidirectional: true);
        var ourRnn = new RNN(4, 5, 1, "relu", bidirectional: true);
        LoadsAndMatches("RNN", rnn, ourRnn, x => rnn.call(x, null).Item1, x => ourRnn.Forward(x, null).Output, Input(5, 5, 2, 4));
    }

    [Fact]
    [Parity("Nn.MultiheadAttention")]
    public void MultiheadAttentionInProjection()
    {
        var theirs = torch.nn.MultiheadAttention(8, 2);
        var ours = new MultiheadAttention(8, 2);
        LoadsAndMatches("MultiheadAttention", theirs, ours, x => theirs.call(x, x, x, null, false, null).Item1, ours.Forward, Input(6, 5, 2, 8));
    }

    [Fact]
    [Parity("Nn.TransformerEncoderLayer", "Nn.LayerNorm")]
    public void TransformerEncoderLayer()
    {
        var theirs = torch.nn.TransformerEncoderLayer(8, 2, 16, 0.0);
        var ours = new TransformerEncoderLayer(8, 2, 16, 0f);
        LoadsAndMatches("TransformerEncoderLayer", theirs, ours, x => theirs.call(x, null, null), ours.Forward, Input(7, 5, 2, 8));
    }

    private sealed class TiedHead : Module
    {
        private readonly Embedding _wte;
        private readonly Linear _head;

        public TiedHead(int vocab, int dim)
        {
            _wte = RegisterModule("wte", new Embedding(vocab, dim));
            _head = RegisterModule("lm_head", new Linear(dim, vocab, bias: false));
            _head.Weight = _wte.Weight;
        }

        public override Tensor Forward(Tensor tokens) => _head.Forward(_wte.Forward(tokens));
    }

    [Fact]
    [Parity("Nn.Embedding")]
    public void TiedWeightsLoadFromBothOfPyTorchsNames()
    {
        // PyTorch's state_dict() of `lm_head.weight = wte.weight` holds both names, each the one tensor.
        using var scope = torch.NewDisposeScope();
        var embedding = torch.nn.Embedding(11, 6);
        var weight = embedding.weight!;
        var (tensors, _) = Safetensors.Parse(TorchStateDictFile.Write([("wte.weight", weight), ("lm_head.weight", weight)]), "tied.safetensors");
        var ours = new TiedHead(11, 6);
        ours.LoadStateDict(tensors);
        Assert.Single(ours.Parameters());
        var tokens = Tensor.FromArray([3f, 0f, 10f, 3f]);
        var expected = torch.nn.functional.linear(embedding.call(ToTorch(tokens.Long())), weight);
        Tensor actual;
        using (Autograd.NoGrad()) actual = ours.Forward(tokens);
        AssertClose("tied head", actual.ToArray(), FromTorch(expected), expected.shape, Tol);
    }

    [Fact]
    public void EveryMismatchIsReportedWithBothShapes()
    {
        // A PyTorch LSTM of another size, depth and direction, and a BatchNorm the Descent model does not have.
        using var scope = torch.NewDisposeScope();
        // (libtorch's Sequential takes no LSTM, so the two state dicts are prefixed as Sequential would.)
        var lstm = torch.nn.LSTM(4, 6, 2, bidirectional: true);
        var norm = torch.nn.BatchNorm1d(3);
        var entries = lstm.state_dict().Select(kv => ("0." + kv.Key, kv.Value)).Concat(norm.state_dict().Select(kv => ("1." + kv.Key, kv.Value)));
        var ours = new Sequential(new LSTM(4, 5, 1), new Linear(5, 3), new Linear(3, 2));
        var (tensors, _) = Safetensors.Parse(TorchStateDictFile.Write(entries), "other.safetensors");
        var mine = ours.StateDict();
        var missing = mine.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
        var unexpected = tensors.Keys.Where(k => !mine.ContainsKey(k)).ToList();
        var misshaped = mine.Keys.Where(k => tensors.ContainsKey(k) && !mine[k].Shape.SequenceEqual(tensors[k].Shape)).ToList();
        Assert.Equal(["2.weight", "2.bias"], missing);
        Assert.Contains("1.num_batches_tracked", unexpected);
        Assert.Contains("0.weight_ih_l0_reverse", unexpected);
        Assert.Contains("0.weight_hh_l0", misshaped);

        var before = ours.StateDict();
        var e = Assert.Throws<StateDictMismatchException>(() => ours.LoadStateDict(tensors));
        Assert.Equal(missing, e.MissingKeys);
        Assert.Equal(unexpected, e.UnexpectedKeys);
        Assert.Equal(misshaped, e.ShapeMismatches.Select(m => m.Key));
        foreach (var m in e.ShapeMismatches)
        {
            Assert.Equal(mine[m.Key].Shape, m.Expected);
            Assert.Equal(tensors[m.Key].Shape, m.Got);
            Assert.Contains($"{m.Key}: expected {Shape.Format(m.Expected)}, got {Shape.Format(m.Got)}", e.Message);
        }
        Assert.Contains("missing keys: " + string.Join(", ", missing), e.Message);
        Assert.Contains("unexpected keys: " + string.Join(", ", unexpected), e.Message);
        // Nothing was written: the report comes before any copy.
        foreach (var (k, v) in ours.StateDict()) Assert.Equal(before[k].ToArray(), v.ToArray());

        // Not strict: the names may differ, but a shape never may, and the report still lists them all.
        var loose = Assert.Throws<StateDictMismatchException>(() => ours.LoadStateDict(tensors, strict: false));
        Assert.Equal(misshaped, loose.ShapeMismatches.Select(m => m.Key));
    }
}

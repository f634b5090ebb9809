using Descent.Nn;

namespace Descent.Tests.Nn;

public class RecurrentTests
{
    private static Generator G(ulong seed) => new(seed);

    [Fact]
    public void State_dict_names_and_shapes_are_PyTorchs()
    {
        var lstm = new LSTM(3, 5, numLayers: 2, bidirectional: true, generator: G(0));
        var expected = new List<(string, int[])>();
        foreach (var layer in new[] { 0, 1 })
            foreach (var suffix in new[] { "", "_reverse" })
            {
                int input = layer == 0 ? 3 : 10;
                expected.Add(($"weight_ih_l{layer}{suffix}", [20, input]));
                expected.Add(($"weight_hh_l{layer}{suffix}", [20, 5]));
                expected.Add(($"bias_ih_l{layer}{suffix}", [20]));
                expected.Add(($"bias_hh_l{layer}{suffix}", [20]));
            }
        Assert.Equal(expected.Select(e => e.Item1), lstm.StateDict().Keys);
        foreach (var (name, shape) in expected) Assert.Equal(shape, lstm.StateDict()[name].Shape);

        Assert.Equal(["weight_ih_l0", "weight_hh_l0"], new GRU(3, 4, bias: false).StateDict().Keys);
        Assert.Equal([12, 3], new GRU(3, 4).StateDict()["weight_ih_l0"].Shape);
        Assert.Equal([4, 4], new RNN(3, 4).StateDict()["weight_hh_l0"].Shape);
    }

    [Fact]
    public void Initialisation_is_uniform_within_one_over_root_hidden_and_follows_the_seed()
    {
        var a = new GRU(3, 4, numLayers: 2, generator: G(7));
        var b = new GRU(3, 4, numLayers: 2, generator: G(7));
        foreach (var ((name, p), (_, q)) in a.NamedParameters().Zip(b.NamedParameters()))
        {
            Assert.Equal(p.ToArray(), q.ToArray());
            Assert.All(p.ToArray(), v => Assert.InRange(v, -0.5f, 0.5f));
            Assert.True(p.ToArray().Distinct().Count() > 1, name);
        }
    }

    [Theory]
    [InlineData(false, false, 1, false)]
    [InlineData(true, false, 2, true)]
    [InlineData(false, true, 2, true)]
    public void Shapes_of_output_and_final_states(bool batchFirst, bool unbatched, int layers, bool bidirectional)
    {
        int d = bidirectional ? 2 : 1;
        int[] x = unbatched ? [5, 3] : batchFirst ? [2, 5, 3] : [5, 2, 3];
        int[] o = unbatched ? [5, d * 4] : batchFirst ? [2, 5, d * 4] : [5, 2, d * 4];
        int[] s = unbatched ? [d * layers, 4] : [d * layers, 2, 4];
        var lstm = new LSTM(3, 4, layers, batchFirst: batchFirst, bidirectional: bidirectional, generator: G(1));
        var (output, (hN, cN)) = lstm.Forward(Tensor.Randn(x, G(2)), null);
        Assert.Equal(o, output.Shape);
        Assert.Equal(s, hN.Shape);
        Assert.Equal(s, cN.Shape);
        var (gruOut, gruH) = new GRU(3, 4, layers, batchFirst: batchFirst, bidirectional: bidirectional).Forward(Tensor.Randn(x, G(2)), Tensor.Zeros(s));
        Assert.Equal(o, gruOut.Shape);
        Assert.Equal(s, gruH.Shape);
        Assert.Equal(o, new RNN(3, 4, layers, batchFirst: batchFirst, bidirectional: bidirectional).Forward(Tensor.Randn(x, G(2))).Shape);
    }

    [Fact]
    public void A_one_layer_network_equals_its_cell_stepped_by_hand()
    {
        var lstm = new LSTM(3, 4, generator: G(3));
        var cell = new LSTMCell(3, 4);
        cell.LoadStateDict(lstm.StateDict().ToDictionary(kv => kv.Key.Replace("_l0", ""), kv => kv.Value));
        var x = Tensor.Randn([6, 2, 3], G(4));
        var (output, (hN, cN)) = lstm.Forward(x, null);
        (Tensor H, Tensor C)? state = null;
        for (int t = 0; t < 6; t++)
        {
            state = cell.Forward(x[t], state);
            Assert.Equal(output[t].ToArray(), state.Value.H.ToArray());
        }
        Assert.Equal(hN[0].ToArray(), state!.Value.H.ToArray());
        Assert.Equal(cN[0].ToArray(), state.Value.C.ToArray());
    }

    public static TheoryData<string> Kinds => new() { "rnn", "relu", "lstm", "gru" };

    private static Module Network(string kind, int layers, bool bidirectional, bool bias, bool batchFirst) => kind switch
    {
        "rnn" => new RNN(3, 4, layers, "tanh", bias, batchFirst, 0f, bidirectional, G(11)),
        "relu" => new RNN(3, 4, layers, "relu", bias, batchFirst, 0f, bidirectional, G(11)),
        "lstm" => new LSTM(3, 4, layers, bias, batchFirst, 0f, bidirectional, G(11)),
        _ => new GRU(3, 4, layers, bias, batchFirst, 0f, bidirectional, G(11)),
    };

    [Theory, MemberData(nameof(Kinds))]
    public void Forward_without_states_computes_the_output_and_gradients_of_the_full_form(string kind)
    {
        // Forward(x) asks the op for the hidden states alone (the LSTM's result then has no cell-state plane to slice off).
        float[][] Run(bool full)
        {
            var net = Network(kind, 2, true, true, false);
            var x = Tensor.Randn([5, 3, 3], G(21)).RequireGrad();
            var y = !full ? net.Forward(x) : net switch
            {
                LSTM l => l.Forward(x, null).Output,
                GRU g => g.Forward(x, null).Output,
                RNN r => r.Forward(x, null).Output,
                _ => throw new InvalidOperationException(kind),
            };
            (y * Tensor.Randn(y.Shape, G(22))).Sum().Backward();
            return [y.ToArray(), x.Grad!.ToArray(), .. net.Parameters().Select(p => p.Grad!.ToArray())];
        }
        var full = Run(true);
        var alone = Run(false);
        for (int i = 0; i < full.Length; i++) Assert.Equal(full[i], alone[i]);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Network_gradients_match_finite_differences(string kind)
    {
        ModuleGradCheck.Assert(Network(kind, 2, true, true, false), Tensor.Randn([4, 2, 3], G(12)));
        ModuleGradCheck.Assert(Network(kind, 1, false, false, true), Tensor.Randn([2, 3, 3], G(13)));
        ModuleGradCheck.Assert(Network(kind, 1, true, true, false), Tensor.Randn([3, 3], G(14)));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Final_states_and_initial_states_have_finite_difference_gradients(string kind)
    {
        var net = Network(kind, 2, true, true, false);
        var x = Tensor.Randn([3, 2, 3], G(15)).RequireGrad();
        var h0 = Tensor.Randn([4, 2, 4], G(16)).RequireGrad();
        var c0 = Tensor.Randn([4, 2, 4], G(17)).RequireGrad();
        GradCheck.Assert(t =>
        {
            Tensor[] parts = net switch
            {
                LSTM lstm => lstm.Forward(t[0], (t[1], t[2])) is var (o, (h, c)) ? [o, h, c] : [],
                RNN rnn => rnn.Forward(t[0], t[1]) is var (o2, h2) ? [o2, h2] : [],
                GRU gru => gru.Forward(t[0], t[1]) is var (o3, h3) ? [o3, h3] : [],
                _ => [],
            };
            return Tensor.Cat(parts.Select(p => p.Reshape(-1)).ToArray());
        }, x, h0, c0);
    }

    [Fact]
    public void The_graph_holds_one_node_per_layer_and_direction_not_one_per_step()
    {
        var lstm = new LSTM(3, 4, numLayers: 2, bidirectional: true, generator: G(40));
        var output = lstm.Forward(Tensor.Randn([50, 2, 3], G(41)).RequireGrad());
        var names = new List<string>();
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<Node>([output.GradFn!]);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (!seen.Add(node)) continue;
            names.Add(node.Name);
            for (int i = 0; i < node.InputCount; i++)
                if (node.Input(i).GradFn is { } next) pending.Push(next);
        }
        Assert.Equal(4, names.Count(n => n == "Lstm"));
        Assert.True(names.Count < 20, string.Join(", ", names));
    }

    [Fact]
    public void Dropout_between_layers_only_in_training_and_repeatable_per_seed()
    {
        var x = Tensor.Randn([4, 2, 3], G(30));
        Tensor Run(bool train) => ((Module)new GRU(3, 4, 2, dropout: 0.5f, generator: G(31)).Train(train)).Forward(x);
        var plain = new GRU(3, 4, 2, generator: G(31)).Forward(x).ToArray();
        Assert.Equal(plain, Run(false).ToArray());
        Assert.Equal(Run(true).ToArray(), Run(true).ToArray());
        Assert.NotEqual(plain, Run(true).ToArray());
        // One layer has nowhere between layers to drop.
        Assert.Equal(new GRU(3, 4, generator: G(32)).Forward(x).ToArray(), new GRU(3, 4, dropout: 0.5f, generator: G(32)).Forward(x).ToArray());
    }

    [Theory, MemberData(nameof(Kinds))]
    public void With_lengths_each_sequence_runs_as_if_alone_and_its_padding_outputs_zero(string kind)
    {
        var net = (RNNBase)Network(kind, 2, true, true, true);
        var x = Tensor.Randn([3, 5, 3], G(70));
        long[] lengths = [3, 5, 1];
        var (output, hN) = Both(net, x, IntTensor.FromArray(lengths));
        for (int r = 0; r < 3; r++)
        {
            int len = (int)lengths[r];
            var (alone, aloneH) = Both(net, x.Narrow(0, r, 1).Narrow(1, 0, len), null);
            AssertClose(alone.ToArray(), output.Narrow(0, r, 1).Narrow(1, 0, len).ToArray());
            AssertClose(aloneH.ToArray(), hN.Narrow(1, r, 1).ToArray());
            Assert.All(output[r].Narrow(0, len, 5 - len).ToArray(), v => Assert.Equal(0f, v));
        }
        // Lengths that are all L change nothing, to the bit.
        Assert.Equal(Both(net, x, null).Output.ToArray(), Both(net, x, IntTensor.Full([3], 5)).Output.ToArray());
    }

    /// <summary>The output and the final states (h, then c for the LSTM, along the batch's neighbour dimension).</summary>
    private static (Tensor Output, Tensor States) Both(RNNBase net, Tensor x, IntTensor? lengths) => net switch
    {
        LSTM lstm => lstm.Forward(x, null, lengths) is var (o, (h, c)) ? (o, Tensor.Cat([h, c], dim: 2)) : default,
        RNN rnn => rnn.Forward(x, null, lengths),
        GRU gru => gru.Forward(x, null, lengths),
        _ => throw new ArgumentException(net.GetType().Name),
    };

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5f);
    }

    [Fact]
    public void Dropout_between_layers_works_with_lengths_and_keeps_the_padding_zero()
    {
        var x = Tensor.Randn([5, 2, 3], G(71));
        var lengths = IntTensor.FromArray(new[] { 2, 5 });
        Tensor Run() => new LSTM(3, 4, 2, dropout: 0.5f, generator: G(72)).Forward(x, null, lengths).Output;
        var output = Run();
        Assert.Equal(output.ToArray(), Run().ToArray());
        Assert.All(output.Narrow(0, 2, 3).Narrow(1, 0, 1).ToArray(), v => Assert.Equal(0f, v));
        Assert.Contains(output.Narrow(0, 2, 3).Narrow(1, 1, 1).ToArray(), v => v != 0f);
    }

    [Fact]
    public void Bad_lengths_name_the_module_the_rule_and_the_values()
    {
        var gru = new GRU(3, 4, batchFirst: true);
        var e = Assert.Throws<ArgumentException>(() => gru.Forward(Tensor.Zeros(2, 5, 3), null, IntTensor.FromArray(new[] { 5, 2, 1 })));
        Assert.Equal("GRU: lengths must be [N] = [2], one per sequence of input [2, 5, 3]; got lengths [3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => gru.Forward(Tensor.Zeros(2, 5, 3), null, IntTensor.FromArray(new[] { 5, 6 })));
        Assert.Equal("GRU: every length must be in [1, L=5] for input [2, 5, 3]; got lengths[1] = 6", e.Message);
        e = Assert.Throws<ArgumentException>(() => new RNN(3, 4).Forward(Tensor.Zeros(5, 2, 3), null, IntTensor.FromArray(new[] { 0, 5 })));
        Assert.Equal("RNN: every length must be in [1, L=5] for input [5, 2, 3]; got lengths[0] = 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => new LSTM(3, 4).Forward(Tensor.Zeros(5, 3), null, IntTensor.FromArray(new[] { 5 })));
        Assert.Equal("LSTM: lengths need a batch, 3-D input; got unbatched input [5, 3]", e.Message);
    }

    [Fact]
    public void Bad_shapes_name_the_module_the_rule_and_the_shapes()
    {
        var lstm = new LSTM(3, 4, numLayers: 2);
        var e = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(2, 3, 4, 3)));
        Assert.Equal("LSTM: input must be 2-D [L, input_size] (unbatched) or 3-D [L, N, input_size]; got input [2, 3, 4, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(5, 2, 7)));
        Assert.Equal("LSTM: input's last dimension must be input_size=3; got input [5, 2, 7]", e.Message);
        e = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(5, 2, 3), (Tensor.Zeros(2, 2, 4), Tensor.Zeros(1, 2, 4))));
        Assert.Equal("LSTM: c0 must be [D*num_layers, N, hidden_size] = [2, 2, 4] for input [5, 2, 3]; got c0 [1, 2, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GRU(3, 4, batchFirst: true, bidirectional: true).Forward(Tensor.Zeros(5, 2, 3), Tensor.Zeros(2, 2, 4)));
        Assert.Equal("GRU: h0 must be [D*num_layers, N, hidden_size] = [2, 5, 4] for input [5, 2, 3]; got h0 [2, 2, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new RNN(3, 4).Forward(Tensor.Zeros(0, 2, 3)));
        Assert.Equal("RNN: the sequence length must be > 0; got input [0, 2, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new RNN(3, 4, nonlinearity: "gelu"));
        Assert.StartsWith("RNN: nonlinearity must be 'tanh' or 'relu'; got 'gelu'", e.Message);
    }
}

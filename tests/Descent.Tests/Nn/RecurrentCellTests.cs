using Descent.Nn;

namespace Descent.Tests.Nn;

public class RecurrentCellTests
{
    private static Generator G(ulong seed) => new(seed);

    [Fact]
    public void State_dict_names_and_shapes_are_PyTorchs()
    {
        Assert.Equal(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], new LSTMCell(3, 4).StateDict().Keys);
        Assert.Equal([16, 3], new LSTMCell(3, 4).WeightIh.Shape);
        Assert.Equal([12, 4], new GRUCell(3, 4).WeightHh.Shape);
        Assert.Equal(["weight_ih", "weight_hh"], new RNNCell(3, 4, bias: false).StateDict().Keys);
    }

    [Fact]
    public void Gru_cell_follows_the_formula_with_the_reset_gate_inside_the_hidden_product()
    {
        var cell = new GRUCell(2, 3, generator: G(5));
        var x = Tensor.Randn([2, 2], G(6));
        var h = Tensor.Randn([2, 3], G(7));
        var gi = Functional.Linear(x, cell.WeightIh, cell.BiasIh).Chunk(3, -1);
        var gh = Functional.Linear(h, cell.WeightHh, cell.BiasHh).Chunk(3, -1);
        var r = (gi[0] + gh[0]).Sigmoid();
        var z = (gi[1] + gh[1]).Sigmoid();
        var n = (gi[2] + r * gh[2]).Tanh();
        var expected = (1f - z) * n + z * h;
        var actual = cell.Forward(x, h).ToArray();
        var e = expected.ToArray();
        for (int i = 0; i < e.Length; i++) Assert.Equal(e[i], actual[i], 1e-6f);
    }

    [Fact]
    public void Cell_gradients_match_finite_differences_batched_and_unbatched()
    {
        foreach (var cell in new Module[] { new RNNCell(3, 4, generator: G(20)), new RNNCell(3, 4, nonlinearity: "relu", generator: G(20)), new GRUCell(3, 4, generator: G(21)), new LSTMCell(3, 4, generator: G(22)) })
        {
            ModuleGradCheck.Assert(cell, Tensor.Randn([2, 3], G(23)));
            ModuleGradCheck.Assert(cell, Tensor.Randn([3], G(24)));
        }
        var h = Tensor.Randn([2, 4], G(25)).RequireGrad();
        var c = Tensor.Randn([2, 4], G(26)).RequireGrad();
        var x = Tensor.Randn([2, 3], G(27)).RequireGrad();
        var lstm = new LSTMCell(3, 4, generator: G(28));
        GradCheck.Assert(t => lstm.Forward(t[0], (t[1], t[2])) is var (h1, c1) ? Tensor.Cat([h1, c1]) : t[0], x, h, c);
        var gru = new GRUCell(3, 4, bias: false, generator: G(29));
        GradCheck.Assert(t => gru.Forward(t[0], t[1]), x, h);
    }

    [Fact]
    public void Bad_shapes_name_the_cell_the_rule_and_the_shapes()
    {
        ArgumentException e;
        var cell = new GRUCell(3, 4);
        e = Assert.Throws<ArgumentException>(() => cell.Forward(Tensor.Zeros(2, 2, 3)));
        Assert.Equal("GRUCell: input must be 1-D [input_size] (unbatched) or 2-D [N, input_size]; got input [2, 2, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => cell.Forward(Tensor.Zeros(2, 5)));
        Assert.Equal("GRUCell: input's last dimension must be input_size=3; got input [2, 5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new LSTMCell(3, 4).Forward(Tensor.Zeros(2, 3), (Tensor.Zeros(2, 4), Tensor.Zeros(4))));
        Assert.Equal("LSTMCell: cx must be [2, 4] for input [2, 3]; got cx [4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new RNNCell(3, 4).Forward(Tensor.Zeros(3), Tensor.Zeros(1, 4)));
        Assert.Equal("RNNCell: hx must be [4] for input [3]; got hx [1, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new RNNCell(3, 4, nonlinearity: "gelu"));
        Assert.StartsWith("RNNCell: nonlinearity must be 'tanh' or 'relu'; got 'gelu'", e.Message);
    }
}

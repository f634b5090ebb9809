using Descent.Nn;

namespace Descent.Tests.Nn;

public class SequentialTests
{
    private static Sequential Mlp(ulong seed)
    {
        var g = new Generator(seed);
        return new Sequential(new Linear(3, 4, generator: g), new BatchNorm1d(4), new ReLU(), new Linear(4, 2, generator: g));
    }

    [Fact]
    public void Children_are_named_by_position_and_indexable()
    {
        var first = new Linear(2, 3);
        var seq = new Sequential(first, new Tanh()) { new Linear(3, 1) };
        seq.Add(new Identity());
        Assert.Equal(["0", "1", "2", "3"], seq.NamedChildren().Select(c => c.Name));
        Assert.Equal(4, seq.Count);
        Assert.Same(first, seq[0]);
        Assert.IsType<Identity>(seq[-1]);
        Assert.IsType<Descent.Nn.Tanh>(seq[1]);
        Assert.Equal(seq.NamedChildren().Select(c => c.Module), seq.ToList());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => seq[4]);
        Assert.Contains("Sequential: index 4 is out of range for 4 modules", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => seq[-5]);
    }

    [Fact]
    public void Forward_applies_the_modules_in_order()
    {
        var seq = Mlp(1);
        var x = Tensor.Randn([5, 3], new Generator(2));
        var manual = ((Linear)seq[3]).Forward(((BatchNorm1d)seq[1]).Forward(((Linear)seq[0]).Forward(x)).Relu());
        Assert.Equal(manual.ToArray(), seq.Forward(x).ToArray());
        Assert.Same(x, new Sequential().Forward(x));
    }

    [Fact]
    public void Train_and_eval_reach_every_child()
    {
        var seq = new Sequential(new Sequential(new Dropout()), new BatchNorm1d(2));
        seq.Eval();
        Assert.All(seq.NamedModules(), m => Assert.False(m.Module.Training, m.Name));
        seq.Train();
        Assert.All(seq.NamedModules(), m => Assert.True(m.Module.Training, m.Name));
    }

    [Fact]
    public void Gradients_of_every_parameter_match_finite_differences() =>
        ModuleGradCheck.Assert(new Sequential(new Linear(3, 4, generator: new Generator(3)), new Tanh(), new Linear(4, 2, generator: new Generator(4)), new GELU()),
            Tensor.Randn([2, 3], new Generator(5)));

    [Fact]
    public void State_dict_uses_pytorch_names_in_pytorch_order()
    {
        Assert.Equal(
            ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "3.weight", "3.bias"],
            Mlp(1).StateDict().Keys);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"], Mlp(1).NamedParameters().Select(p => p.Name));
        Assert.Equal(["1.running_mean", "1.running_var", "1.num_batches_tracked"], Mlp(1).NamedBuffers().Select(b => b.Name));
        Assert.Equal([], Mlp(1).StateDict()["1.num_batches_tracked"].Shape);
    }

    [Fact]
    public void Load_state_dict_round_trips_parameters_and_buffers()
    {
        var source = Mlp(1);
        source.Forward(Tensor.Randn([6, 3], new Generator(6)));  // moves the running statistics
        var state = source.StateDict();
        var target = Mlp(2);
        Assert.NotEqual(state["0.weight"].ToArray(), target.StateDict()["0.weight"].ToArray());
        var result = target.LoadStateDict(state);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        foreach (var (name, value) in target.StateDict()) Assert.Equal(state[name].ToArray(), value.ToArray());
        var x = Tensor.Randn([3, 3], new Generator(7));
        Assert.Equal(source.Eval().Forward(x).ToArray(), target.Eval().Forward(x).ToArray());
    }

    [Fact]
    public void State_dict_holds_copies()
    {
        var model = Mlp(1);
        var state = model.StateDict();
        var saved = state["0.weight"].ToArray();
        model.Forward(Tensor.Randn([4, 3], new Generator(8)));
        ((Linear)model[0]).Weight.DataSpan.Fill(0f);
        Assert.Equal(saved, state["0.weight"].ToArray());
        Assert.Equal(0f, state["1.num_batches_tracked"].Item());
    }

    [Fact]
    public void A_state_that_does_not_fit_lists_every_bad_key_and_changes_nothing()
    {
        var state = Mlp(1).StateDict();
        state.Remove("1.running_var");
        state["extra.weight"] = Tensor.Zeros(1);
        state["3.weight"] = Tensor.Zeros(3, 4);
        var target = Mlp(2);
        var before = target.StateDict();
        var e = Assert.Throws<StateDictMismatchException>(() => target.LoadStateDict(state));
        Assert.Contains("missing keys: 1.running_var", e.Message);
        Assert.Contains("unexpected keys: extra.weight", e.Message);
        Assert.Contains("3.weight: expected [2, 4], got [3, 4]", e.Message);
        foreach (var (name, value) in target.StateDict()) Assert.Equal(before[name].ToArray(), value.ToArray());
    }

    [Fact]
    public void Non_strict_loading_reports_missing_and_unexpected_keys()
    {
        var state = Mlp(1).StateDict();
        state.Remove("0.bias");
        state["head.bias"] = Tensor.Zeros(2);
        var target = Mlp(2);
        var result = target.LoadStateDict(state, strict: false);
        Assert.Equal(["0.bias"], result.MissingKeys);
        Assert.Equal(["head.bias"], result.UnexpectedKeys);
        Assert.Equal(state["0.weight"].ToArray(), ((Linear)target[0]).Weight.ToArray());
    }
}

using Descent.Optim;
using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class StateDictTests
{
    // A tiny least-squares problem: weights [3, 2] and bias [2]; the bias sits in its own group with no grad on odd steps.
    private sealed class Run
    {
        private static readonly Tensor X = Tensor.Randn([5, 3], new Generator(7));
        private static readonly Tensor Y = Tensor.Randn([5, 2], new Generator(8));
        public readonly Tensor W, B;
        public readonly Optimizer Opt;

        public Run(string name, float[]? w = null, float[]? b = null)
        {
            W = Tensor.FromArray(w ?? Tensor.Randn([6], new Generator(9)).ToArray(), 3, 2).RequireGrad();
            B = Tensor.FromArray(b ?? [0.1f, -0.2f], 2).RequireGrad();
            Opt = Make(name, [W, B]);
        }

        public void Steps(int from, int count)
        {
            for (int s = from; s < from + count; s++)
            {
                W.Grad = null;
                B.Grad = null;
                var loss = (X.MatMul(W) + B - Y).Square().Mean();
                loss.Backward();
                if (s % 2 == 1) B.Grad = null;
                Opt.Step();
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllNames), MemberType = typeof(OptimTestKit))]
    public void ResumedTrainingIsBitIdentical(string name)
    {
        var straight = new Run(name);
        straight.Steps(0, 6);

        var first = new Run(name);
        first.Steps(0, 3);
        var saved = first.Opt.StateDict();
        var resumed = new Run(name, first.W.ToArray(), first.B.ToArray());
        resumed.Opt.LoadStateDict(saved);
        resumed.Steps(3, 3);

        Assert.Equal(straight.W.ToArray(), resumed.W.ToArray());
        Assert.Equal(straight.B.ToArray(), resumed.B.ToArray());
        Assert.Equal(straight.Opt.StepCount, resumed.Opt.StepCount);
        Assert.Equal(straight.Opt.StateDict().Keys, resumed.Opt.StateDict().Keys);
    }

    [Fact]
    public void KeysFollowPyTorchsNames()
    {
        var a = Param(1f, 2f);
        var b = Param(3f);
        var opt = new Adam([new ParamGroup([a]), new ParamGroup([b], lr: 0.5)], amsgrad: true);
        a.Grad = Tensor.FromArray([0.1f, 0.2f]);
        b.Grad = Tensor.FromArray([0.3f]);
        opt.Step();
        var dict = opt.StateDict();
        Assert.Equal(
        [
            "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq",
            "state.1.step", "state.1.exp_avg", "state.1.exp_avg_sq", "state.1.max_exp_avg_sq",
            "group.0.params", "group.0.lr", "group.0.initial_lr", "group.0.weight_decay", "group.0.beta1", "group.0.beta2",
            "group.1.params", "group.1.lr", "group.1.initial_lr", "group.1.weight_decay", "group.1.beta1", "group.1.beta2",
            "step_count",
        ], dict.Keys);
        Assert.Equal(0.5f, dict["group.1.lr"].Item());
        Assert.Equal([1f], dict["group.1.params"].ToArray());
        Assert.Equal(1f, dict["state.1.step"].Item());
        Assert.Equal([2], dict["state.0.exp_avg"].Shape);
        // A copy: stepping again does not change what was saved.
        float saved = dict["state.0.exp_avg"].Data[0];
        opt.Step();
        Assert.Equal(saved, dict["state.0.exp_avg"].Data[0]);
    }

    [Fact]
    public void SgdWithoutMomentumHasNoPerParameterState()
    {
        var p = Param(1f);
        var opt = new SGD([p], lr: 0.1);
        StepWith(opt, p, 1f);
        Assert.DoesNotContain(opt.StateDict().Keys, k => k.StartsWith("state.", StringComparison.Ordinal));
    }

    [Fact]
    public void ScalarParameterRoundTrips()
    {
        var p = Tensor.Scalar(1f).RequireGrad();
        var opt = new SGD([p], lr: 0.1, momentum: 0.9);
        p.Grad = Tensor.Scalar(0.5f);
        opt.Step();
        var other = new SGD([Tensor.Scalar(1f).RequireGrad()], lr: 0.1, momentum: 0.9);
        other.LoadStateDict(opt.StateDict());
        Assert.Equal([], other.StateDict()["state.0.momentum_buffer"].Shape);
    }

    [Fact]
    public void LoadRestoresGroupValuesThatDiffer()
    {
        var a = new SGD([Param(1f)], lr: 0.1, momentum: 0.9);
        a.ParamGroups[0].Lr = 0.25;
        var b = new SGD([Param(1f)], lr: 0.1, momentum: 0.5);
        b.LoadStateDict(a.StateDict());
        Assert.Equal(0.25, b.ParamGroups[0].Lr);
        Assert.Equal(0.9, b.ParamGroups[0].Momentum!.Value, 1e-7);
        Assert.Equal(0.1, b.ParamGroups[0].InitialLr);
    }

    [Fact]
    public void MismatchesAreAllListedInOneError()
    {
        var p = Param(1f, 2f);
        var adam = new Adam([p]);
        StepWith(adam, p, 0.5f, 0.5f);
        var state = adam.StateDict();
        state["state.0.exp_avg"] = Tensor.Zeros(3);
        state.Remove("state.0.exp_avg_sq");
        state.Remove("step_count");
        state["state.7.exp_avg"] = Tensor.Zeros(2);
        state["state.0.step"] = Tensor.Scalar(1.5f);

        var target = new Adam([Param(0f, 0f)], amsgrad: true);
        var e = Assert.Throws<ArgumentException>(() => target.LoadStateDict(state));
        Assert.Contains("Adam.LoadStateDict", e.Message);
        Assert.Contains("missing keys: step_count, state.0.exp_avg_sq, state.0.max_exp_avg_sq;", e.Message);
        Assert.Contains("unexpected keys: state.7.exp_avg", e.Message);
        Assert.Contains("state.0.exp_avg: expected [2], got [3]", e.Message);
        Assert.Contains("state.0.step: expected a whole number >= 0, got 1.5", e.Message);
        Assert.Null(target.GetState(target.ParamGroups[0].Parameters[0]));
    }

    [Fact]
    public void ForeignOptimizersStateIsRejected()
    {
        var p = Param(1f);
        var sgd = new SGD([p], momentum: 0.9);
        StepWith(sgd, p, 1f);
        var e = Assert.Throws<ArgumentException>(() => new Adam([Param(1f)]).LoadStateDict(sgd.StateDict()));
        Assert.Contains("unexpected keys: state.0.momentum_buffer, group.0.momentum", e.Message);
        Assert.Contains("missing keys: group.0.beta1, group.0.beta2", e.Message);
    }

    [Fact]
    public void GroupLayoutMustMatch()
    {
        var a = Param(1f);
        var b = Param(2f);
        var two = new SGD([new ParamGroup([a]), new ParamGroup([b])]);
        var one = new SGD([Param(1f), Param(2f)]);
        var e = Assert.Throws<ArgumentException>(() => one.LoadStateDict(two.StateDict()));
        Assert.Contains("group.0.params: expected [2], got [1]", e.Message);
        Assert.Contains("unexpected keys: group.1.params", e.Message);
    }
}

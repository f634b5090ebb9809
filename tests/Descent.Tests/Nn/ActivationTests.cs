using Descent.Nn;

namespace Descent.Tests.Nn;

public class ActivationTests
{
    // Each activation with a double-precision reference of its formula (PyTorch's definitions).
    private static readonly Dictionary<string, (Func<Tensor, Tensor> Op, Func<double, double> Reference, bool Kinked)> Activations = new()
    {
        ["relu"] = (x => x.Relu(), v => Math.Max(v, 0), true),
        ["leaky_relu"] = (x => x.LeakyRelu(0.2f), v => v > 0 ? v : 0.2 * v, true),
        ["elu"] = (x => x.Elu(1.5f), v => v > 0 ? v : 1.5 * (Math.Exp(v) - 1), true),
        ["sigmoid"] = (x => x.Sigmoid(), v => 1 / (1 + Math.Exp(-v)), false),
        ["tanh"] = (x => x.Tanh(), Math.Tanh, false),
        ["gelu"] = (x => x.Gelu(), v => v * 0.5 * (1 + ErfTests.ErfByQuadrature(v / Math.Sqrt(2))), false),
        ["gelu_tanh"] = (x => x.Gelu("tanh"), v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))), false),
        ["silu"] = (x => x.Silu(), v => v / (1 + Math.Exp(-v)), false),
        ["softplus"] = (x => x.Softplus(), v => v > 20 ? v : Math.Log(1 + Math.Exp(v)), false),
        ["softplus_beta2"] = (x => x.Softplus(2f, 30f), v => 2 * v > 30 ? v : Math.Log(1 + Math.Exp(2 * v)) / 2, false),
    };

    public static TheoryData<string, int[]> Cases()
    {
        var data = new TheoryData<string, int[]>();
        foreach (var name in Activations.Keys)
            foreach (var shape in new[] { new[] { 3, 5 }, new[] { 1, 7 }, new[] { 2, 1, 3 }, new[] { 1 } })
                data.Add(name, shape);
        return data;
    }

    private static Tensor Input(int[] shape, bool awayFromZero, ulong seed = 3)
    {
        var x = Tensor.Randn(shape, new Generator(seed)).Mul(2f);
        // Finite differences straddling a kink average two slopes; keep inputs at least 0.1 away from it.
        if (awayFromZero)
        {
            var d = x.DataSpan;
            for (int i = 0; i < d.Length; i++) d[i] += d[i] >= 0 ? 0.1f : -0.1f;
        }
        return x;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Gradient_matches_finite_differences(string name, int[] shape)
    {
        var (op, _, kinked) = Activations[name];
        GradCheck.Assert(t => op(t[0]), Input(shape, kinked).RequireGrad());
    }

    [Theory, MemberData(nameof(Cases))]
    public void Values_match_the_formula_in_double(string name, int[] shape)
    {
        var (op, reference, _) = Activations[name];
        var x = Input(shape, awayFromZero: false, seed: 11);
        var y = op(x);
        Assert.Equal(x.Shape, y.Shape);
        for (int i = 0; i < x.Numel; i++)
        {
            double expected = reference(x.Data[i]);
            Assert.True(Math.Abs(y.Data[i] - expected) <= 1e-6 + 2e-6 * Math.Abs(expected),
                $"{name}({x.Data[i]}) = {y.Data[i]}, expected {expected}");
        }
    }

    [Theory]
    [InlineData("relu", 0f, 0f)]            // threshold_backward: no gradient at 0
    [InlineData("leaky_relu", 0f, 0.2f)]    // leaky_relu_backward: x > 0 ? g : g·slope
    [InlineData("elu", 0f, 1.5f)]           // elu_backward: x <= 0 ? g·alpha·eˣ : g
    [InlineData("relu", 1e-30f, 1f)]
    [InlineData("leaky_relu", -1e-30f, 0.2f)]
    public void Gradients_at_kinks_follow_pytorch(string name, float at, float expected)
    {
        var x = Tensor.FromArray([at]).RequireGrad();
        Activations[name].Op(x).Sum().Backward();
        Assert.Equal(expected, x.Grad!.Item());
    }

    [Theory]
    [InlineData("relu"), InlineData("leaky_relu"), InlineData("elu"), InlineData("sigmoid"), InlineData("tanh"),
     InlineData("gelu"), InlineData("gelu_tanh"), InlineData("silu"), InlineData("softplus"), InlineData("softplus_beta2")]
    public void Extreme_inputs_give_finite_values_and_gradients(string name)
    {
        var x = Tensor.FromArray([-1e4f, -100f, -20f, -1e-6f, 0f, 1e-6f, 20f, 100f, 1e4f]).RequireGrad();
        var y = Activations[name].Op(x);
        y.Sum().Backward();
        Assert.All(y.ToArray(), v => Assert.True(float.IsFinite(v), $"{name} value {v}"));
        Assert.All(x.Grad!.ToArray(), v => Assert.True(float.IsFinite(v), $"{name} gradient {v}"));
    }

    [Fact]
    public void Softplus_is_the_identity_above_the_threshold_with_gradient_one()
    {
        var x = Tensor.FromArray([20.5f, 7f]).RequireGrad();
        var y = x.Softplus(beta: 3f, threshold: 20f); // 3·7 = 21 > 20 as well
        y.Sum().Backward();
        Assert.Equal([20.5f, 7f], y.ToArray());
        Assert.Equal([1f, 1f], x.Grad!.ToArray());
    }

    [Fact]
    public void Softplus_keeps_relative_accuracy_far_below_zero()
    {
        // log(1 + e^-30) = e^-30 to double precision; a float log(1 + e) would round it to 0.
        float y = Tensor.FromArray([-30f]).Softplus().Item();
        Assert.Equal(Math.Exp(-30), y, Math.Exp(-30) * 1e-6);
    }

    [Fact]
    public void Gelu_exact_and_tanh_differ_slightly()
    {
        var x = Tensor.Linspace(-3f, 3f, 61);
        var exact = x.Gelu().ToArray();
        var approx = x.Gelu("tanh").ToArray();
        double maxDiff = exact.Zip(approx, (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(maxDiff, 1e-5, 1e-3); // the tanh form is known to stay within about 5e-4
    }

    [Fact]
    public void Invalid_hyper_parameters_are_rejected_naming_the_parameter()
    {
        var x = Tensor.Zeros(2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => x.Gelu("fast"));
        Assert.Equal("approximate", e.ParamName);
        Assert.Contains("fast", e.Message);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => x.Softplus(0f)).ParamName);
        Assert.Equal("approximate", Assert.Throws<ArgumentOutOfRangeException>(() => new GELU("erf")).ParamName);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => new Softplus(float.NaN)).ParamName);
    }

    public static TheoryData<string, Module, Func<Tensor, Tensor>> ModuleCases() => new()
    {
        { "ReLU", new ReLU(), x => x.Relu() },
        { "LeakyReLU", new LeakyReLU(0.3f), x => x.LeakyRelu(0.3f) },
        { "ELU", new ELU(0.7f), x => x.Elu(0.7f) },
        { "Sigmoid", new Sigmoid(), x => x.Sigmoid() },
        { "Tanh", new Descent.Nn.Tanh(), x => x.Tanh() },
        { "GELU", new GELU(), x => x.Gelu() },
        { "GELU tanh", new GELU("tanh"), x => x.Gelu("tanh") },
        { "SiLU", new SiLU(), x => x.Silu() },
        { "Softplus", new Softplus(2f, 5f), x => x.Softplus(2f, 5f) },
        { "Softmax", new Softmax(0), x => x.Softmax(0) },
        { "LogSoftmax", new LogSoftmax(1), x => x.LogSoftmax(1) },
        { "Identity", new Identity(), x => x },
    };

    [Theory, MemberData(nameof(ModuleCases))]
    public void Modules_compute_their_functions_and_have_no_state(string name, Module module, Func<Tensor, Tensor> function)
    {
        var x = Input([3, 4], awayFromZero: false);
        Assert.Equal(function(x).ToArray(), module.Forward(x).ToArray());
        Assert.Empty(module.StateDict());
        Assert.True(module.Eval().Forward(x).ToArray().SequenceEqual(function(x).ToArray()), name);
    }

    [Fact]
    public void Softmax_module_gradient_matches_finite_differences() =>
        ModuleGradCheck.Assert(new Softmax(1), Input([2, 5], awayFromZero: false));
}

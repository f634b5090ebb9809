using Descent.Nn;
using Descent.Tests.Kernels;

namespace Descent.Tests.Nn;

[Collection(nameof(ThreadCountCollection))]
public class RMSNormTests
{
    public static TheoryData<int[], int[]> Cases => new()
    {
        { new[] { 3, 5 }, new[] { 5 } },
        { new[] { 2, 3, 4 }, new[] { 3, 4 } },
        { new[] { 1, 7 }, new[] { 7 } },
        { new[] { 2, 3, 1 }, new[] { 1 } },
        { new[] { 4 }, new[] { 4 } },
        { new[] { 2, 19 }, new[] { 19 } },
    };

    private static RMSNorm Make(int[] normalizedShape, ulong seed, float? eps = null)
    {
        var norm = new RMSNorm(normalizedShape, eps);
        Tensor.Uniform(normalizedShape, 0.5f, 1.5f, new Generator(seed)).Data.CopyTo(norm.Weight!.DataSpan);
        return norm;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Forward_matches_the_formula(int[] shape, int[] normalizedShape)
    {
        var norm = Make(normalizedShape, 1, eps: 1e-5f);
        var x = Tensor.Randn(shape, new Generator(2)).Mul(3f).Add(1f);
        var y = norm.Forward(x);
        int group = normalizedShape.Aggregate(1, (a, b) => a * b);
        for (int start = 0; start < x.Numel; start += group)
        {
            var values = x.Data.Slice(start, group).ToArray().Select(v => (double)v).ToArray();
            double rms = Math.Sqrt(values.Average(v => v * v) + 1e-5);
            for (int i = 0; i < group; i++)
                Assert.Equal(values[i] / rms * norm.Weight!.Data[i], y.Data[start + i], 1e-5);
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Gradients_of_input_and_weight_match_finite_differences(int[] shape, int[] normalizedShape) =>
        ModuleGradCheck.Assert(Make(normalizedShape, 3), Tensor.Randn(shape, new Generator(4)));

    [Fact]
    public void Functional_gradients_match_finite_differences_with_and_without_weight()
    {
        foreach (var shape in new[] { new[] { 3, 6 }, [2, 2, 33], [1, 1] })
        {
            int d = shape[^1];
            GradCheck.Assert(t => Functional.RmsNorm(t[0], [d], t[1], 1e-6f), Ops.Inputs.Normal(5, shape), Ops.Inputs.Positive(6, d));
            GradCheck.Assert(t => Functional.RmsNorm(t[0], [d]), Ops.Inputs.Normal(7, shape));
        }
    }

    [Fact]
    public void Default_eps_is_float32_machine_epsilon_as_in_PyTorch()
    {
        Assert.Equal(Functional.Float32Eps, MathF.BitIncrement(1f) - 1f);
        Assert.Null(new RMSNorm(3).Eps);
        // A zero row divides 0 by √eps: the result is 0, not NaN.
        Assert.Equal([0f, 0f, 0f], new RMSNorm(3).Forward(Tensor.Zeros(1, 3)).ToArray());
        var x = Tensor.FromArray([1e-4f, -2e-4f], [1, 2]);
        double rms = Math.Sqrt((1e-8 + 4e-8) / 2 + Functional.Float32Eps);
        Assert.Equal(1e-4 / rms, new RMSNorm(2).Forward(x).Data[0], 1e-5);
    }

    [Fact]
    public void Train_and_eval_agree_and_the_state_dict_holds_weight_only()
    {
        var norm = Make([6], 5);
        var x = Tensor.Randn([3, 6], new Generator(6));
        Assert.Equal(norm.Forward(x).ToArray(), norm.Eval().Forward(x).ToArray());
        Assert.Equal(["weight"], new RMSNorm(4).StateDict().Keys);
        Assert.Equal([1f, 1f, 1f, 1f], new RMSNorm(4).Weight!.ToArray());
        Assert.Empty(new RMSNorm(4, elementwiseAffine: false).StateDict());
        var copy = new RMSNorm(6);
        copy.LoadStateDict(norm.StateDict());
        Assert.Equal(norm.Forward(x).ToArray(), copy.Forward(x).ToArray());
    }

    [Fact]
    public void Bad_input_names_the_module_the_rule_and_the_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new RMSNorm(4).Forward(Tensor.Zeros(2, 3)));
        Assert.Equal("RMSNorm: input's trailing dimensions must equal normalized_shape=[4]; got input [2, 3] and weight [4]", e.Message);
        Assert.Contains("got input [3]", Assert.Throws<ArgumentException>(() => new RMSNorm([2, 3]).Forward(Tensor.Zeros(3))).Message);
        e = Assert.Throws<ArgumentException>(() => Functional.RmsNorm(Tensor.Zeros(2, 3), [3], Tensor.Ones(4)));
        Assert.Equal("RMSNorm: weight must have normalized_shape=[3]; got input [2, 3] and weight [4]", e.Message);
        Assert.Equal("normalizedShape", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSNorm(0)).ParamName);
        Assert.Equal("normalizedShape", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSNorm(Array.Empty<int>())).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSNorm(3, eps: -1f)).ParamName);
    }

    [Fact]
    public void Threaded_passes_give_the_same_bits_as_one_thread() => NormThreadCheck.AssertSameBits(() => Make([515], 9));
}

using Descent.Nn;
using Descent.Tests.Kernels;

namespace Descent.Tests.Nn;

[Collection(nameof(ThreadCountCollection))]
public class LayerNormTests
{
    public static TheoryData<int[], int[]> Cases => new()
    {
        { new[] { 3, 5 }, new[] { 5 } },
        { new[] { 2, 3, 4 }, new[] { 3, 4 } },
        { new[] { 1, 7 }, new[] { 7 } },
        { new[] { 2, 3, 1 }, new[] { 3, 1 } },
        { new[] { 4 }, new[] { 4 } },
    };

    private static LayerNorm Make(int[] normalizedShape, ulong seed)
    {
        var norm = new LayerNorm(normalizedShape);
        var g = new Generator(seed);
        Tensor.Randn(normalizedShape, g).Data.CopyTo(norm.Weight!.DataSpan);
        Tensor.Randn(normalizedShape, g).Data.CopyTo(norm.Bias!.DataSpan);
        return norm;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Forward_matches_the_formula_with_biased_variance(int[] shape, int[] normalizedShape)
    {
        var norm = Make(normalizedShape, 1);
        var x = Tensor.Randn(shape, new Generator(2)).Mul(3f).Add(2f);
        var y = norm.Forward(x);
        int group = normalizedShape.Aggregate(1, (a, b) => a * b);
        for (int start = 0; start < x.Numel; start += group)
        {
            var values = x.Data.Slice(start, group).ToArray().Select(v => (double)v).ToArray();
            double mean = values.Average();
            double variance = values.Average(v => (v - mean) * (v - mean));
            for (int i = 0; i < group; i++)
            {
                double expected = (values[i] - mean) / Math.Sqrt(variance + 1e-5) * norm.Weight!.Data[i] + norm.Bias!.Data[i];
                Assert.Equal(expected, y.Data[start + i], 1e-4);
            }
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences(int[] shape, int[] normalizedShape) =>
        ModuleGradCheck.Assert(Make(normalizedShape, 3), Tensor.Randn(shape, new Generator(4)));

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Functional_gradients_match_finite_differences_with_either_affine_part(bool weight, bool bias)
    {
        foreach (var shape in new[] { new[] { 3, 5 }, new[] { 2, 2, 17 }, new[] { 1, 1 } })
        {
            int d = shape[^1];
            var inputs = new List<Tensor> { Ops.Inputs.Normal(5, shape) };
            if (weight) inputs.Add(Ops.Inputs.Positive(6, d));
            if (bias) inputs.Add(Ops.Inputs.Normal(7, d));
            GradCheck.Assert(t => Functional.LayerNorm(t[0], [d], weight ? t[1] : null, bias ? t[^1] : null), [.. inputs]);
        }
    }

    [Fact]
    public void Threaded_passes_give_the_same_bits_as_one_thread() => NormThreadCheck.AssertSameBits(() => Make([515], 9));

    [Fact]
    public void Train_and_eval_agree()
    {
        var norm = Make([6], 5);
        var x = Tensor.Randn([3, 6], new Generator(6));
        Assert.Equal(norm.Forward(x).ToArray(), norm.Eval().Forward(x).ToArray());
    }

    [Fact]
    public void Affine_options_control_the_parameters()
    {
        Assert.Equal(["weight", "bias"], new LayerNorm(4).StateDict().Keys);
        Assert.Equal(["weight"], new LayerNorm(4, bias: false).StateDict().Keys);
        Assert.Empty(new LayerNorm(4, elementwiseAffine: false).StateDict());
        Assert.Equal([1f, 1f, 1f, 1f], new LayerNorm(4).Weight!.ToArray());
        Assert.Equal([0f, 0f, 0f, 0f], new LayerNorm(4).Bias!.ToArray());
    }

    [Fact]
    public void Mismatched_trailing_dimensions_name_the_layer_and_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new LayerNorm(4).Forward(Tensor.Zeros(2, 3)));
        Assert.Equal("LayerNorm: input's trailing dimensions must equal normalized_shape=[4]; got input [2, 3] and weight [4]", e.Message);
        Assert.Contains("got input [3]", Assert.Throws<ArgumentException>(() => new LayerNorm([2, 3]).Forward(Tensor.Zeros(3))).Message);
    }

    [Fact]
    public void Invalid_hyper_parameters_are_rejected_naming_the_parameter()
    {
        Assert.Equal("normalizedShape", Assert.Throws<ArgumentOutOfRangeException>(() => new LayerNorm(0)).ParamName);
        Assert.Equal("normalizedShape", Assert.Throws<ArgumentOutOfRangeException>(() => new LayerNorm(Array.Empty<int>())).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => new LayerNorm(3, eps: -1f)).ParamName);
    }
}

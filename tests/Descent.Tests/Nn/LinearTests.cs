using Descent.Nn;
using F = Descent.Nn.Functional;

namespace Descent.Tests.Nn;

public class LinearTests
{
    [Theory]
    [InlineData(new[] { 3, 4 }, 5)]
    [InlineData(new[] { 2, 3, 4 }, 2)]
    [InlineData(new[] { 4 }, 3)]
    [InlineData(new[] { 1, 1 }, 1)]
    public void Forward_is_x_times_W_transposed_plus_b(int[] inputShape, int outFeatures)
    {
        int inFeatures = inputShape[^1];
        var layer = new Linear(inFeatures, outFeatures, generator: new Generator(1));
        var x = Tensor.Randn(inputShape, new Generator(2));
        var y = layer.Forward(x);
        Assert.Equal(inputShape[..^1].Append(outFeatures).ToArray(), y.Shape);
        int rows = x.Numel / inFeatures;
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outFeatures; o++)
            {
                double sum = layer.Bias!.Data[o];
                for (int i = 0; i < inFeatures; i++) sum += (double)x.Data[r * inFeatures + i] * layer.Weight.Data[o * inFeatures + i];
                Assert.Equal(sum, y.Data[r * outFeatures + o], 1e-5);
            }
    }

    [Theory]
    [InlineData(3, 5, 2)]
    [InlineData(1, 1, 1)]
    [InlineData(4, 1, 3)]
    [InlineData(2, 7, 1)]
    public void Module_gradients_match_finite_differences(int batch, int inFeatures, int outFeatures) =>
        ModuleGradCheck.Assert(new Linear(inFeatures, outFeatures, generator: new Generator(5)), Tensor.Randn([batch, inFeatures], new Generator(6)));

    [Fact]
    public void Functional_gradients_match_finite_differences_for_batched_input()
    {
        var g = new Generator(7);
        var x = Tensor.Randn([2, 3, 5], g).RequireGrad();
        var w = Tensor.Randn([4, 5], g).RequireGrad();
        var b = Tensor.Randn([4], g).RequireGrad();
        GradCheck.Assert(t => F.Linear(t[0], t[1], t[2]), x, w, b);
        GradCheck.Assert(t => F.Linear(t[0], t[1]), x, w);
    }

    [Fact]
    public void Without_bias_there_is_only_a_weight()
    {
        var layer = new Linear(3, 2, bias: false);
        Assert.Null(layer.Bias);
        Assert.Equal(["weight"], layer.StateDict().Keys);
        Assert.Equal(["weight"], layer.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void Default_init_stays_within_one_over_sqrt_fan_in()
    {
        var layer = new Linear(50, 30, generator: new Generator(3));
        float bound = 1f / MathF.Sqrt(50);
        Assert.All(layer.Weight.ToArray(), w => Assert.InRange(w, -bound, bound));
        Assert.All(layer.Bias!.ToArray(), b => Assert.InRange(b, -bound, bound));
    }

    [Fact]
    public void Default_init_has_the_statistics_of_a_uniform_distribution()
    {
        // U(-b, b) has mean 0 and variance b²/3; with 120,000 samples the estimates are within 1 %.
        var w = new Linear(400, 300, generator: new Generator(4)).Weight.ToArray();
        double bound = 1 / Math.Sqrt(400);
        double mean = w.Average(v => (double)v);
        double variance = w.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.01 * bound, 0.01 * bound);
        Assert.InRange(variance / (bound * bound / 3), 0.98, 1.02);
        Assert.True(w.Max() > 0.999 * bound && w.Min() < -0.999 * bound, "samples should reach the ends of the range");
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights()
    {
        Assert.Equal(new Linear(6, 4, generator: new Generator(9)).Weight.ToArray(), new Linear(6, 4, generator: new Generator(9)).Weight.ToArray());
        Assert.NotEqual(new Linear(6, 4, generator: new Generator(9)).Weight.ToArray(), new Linear(6, 4, generator: new Generator(10)).Weight.ToArray());
    }

    [Fact]
    public void Wrong_feature_count_names_the_layer_and_both_shapes()
    {
        var layer = new Linear(4, 5);
        var e = Assert.Throws<ArgumentException>(() => layer.Forward(Tensor.Zeros(2, 3)));
        Assert.Equal("Linear: input's last dimension must be in_features=4; got input [2, 3] and weight [5, 4]", e.Message);
        Assert.Contains("got input [] and weight [5, 4]", Assert.Throws<ArgumentException>(() => layer.Forward(Tensor.Scalar(1f))).Message);
        Assert.Contains("bias [3]", Assert.Throws<ArgumentException>(() => F.Linear(Tensor.Zeros(2, 4), Tensor.Zeros(5, 4), Tensor.Zeros(3))).Message);
    }

    [Fact]
    public void Negative_sizes_are_rejected_naming_the_parameter()
    {
        Assert.Equal("inFeatures", Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(-1, 2)).ParamName);
        Assert.Equal("outFeatures", Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(2, -3)).ParamName);
    }
}

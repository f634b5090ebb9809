using Descent.Nn;
using F = Descent.Nn.Functional;

namespace Descent.Tests.Nn;

public class DropoutTests
{
    [Theory]
    [InlineData(0.1f), InlineData(0.3f), InlineData(0.5f), InlineData(0.9f)]
    public void Training_zeroes_about_p_and_scales_the_rest_by_one_over_one_minus_p(float p)
    {
        const int n = 40000;
        var y = F.Dropout(Tensor.Ones(n), p, training: true, new Generator(1)).ToArray();
        double zeroFraction = y.Count(v => v == 0f) / (double)n;
        // The standard deviation of the fraction is √(p(1-p)/n) ≤ 0.0025; allow six of them.
        Assert.InRange(zeroFraction, p - 0.015, p + 0.015);
        Assert.All(y.Where(v => v != 0f), v => Assert.Equal(1f / (1f - p), v));
    }

    [Fact]
    public void Eval_mode_is_the_identity_and_differs_from_training()
    {
        var x = Tensor.Randn([8, 16], new Generator(2));
        var drop = new Dropout(0.5f, new Generator(3));
        var trained = drop.Forward(x);
        Assert.NotEqual(x.ToArray(), trained.ToArray());
        Assert.Same(x, drop.Eval().Forward(x));
        Assert.NotEqual(trained.ToArray(), drop.Forward(x).ToArray());
        Assert.Same(x, F.Dropout(x, 0.5f, training: false));
        Assert.Same(x, F.Dropout(x, 0f, training: true));
    }

    [Fact]
    public void The_gradient_is_the_saved_mask_times_the_scale()
    {
        var x = Tensor.Randn([5, 7], new Generator(4)).RequireGrad();
        var y = F.Dropout(x, 0.4f, training: true, new Generator(5));
        y.Sum().Backward();
        for (int i = 0; i < x.Numel; i++)
            Assert.Equal(y.Data[i] == 0f ? 0f : 1f / 0.6f, x.Grad!.Data[i]);
    }

    [Theory]
    [InlineData(new[] { 3, 5 }), InlineData(new[] { 1, 7 }), InlineData(new[] { 2, 1, 3 })]
    public void Gradient_with_a_fixed_mask_matches_finite_differences(int[] shape) =>
        // A fresh generator with the same seed on every call gives GradCheck the same mask each time.
        GradCheck.Assert(t => F.Dropout(t[0], 0.3f, training: true, new Generator(6)), Tensor.Randn(shape, new Generator(7)).RequireGrad());

    [Fact]
    public void The_same_seed_gives_the_same_mask()
    {
        var x = Tensor.Ones(100);
        Assert.Equal(new Dropout(0.5f, new Generator(8)).Forward(x).ToArray(), new Dropout(0.5f, new Generator(8)).Forward(x).ToArray());
    }

    [Fact]
    public void P_of_one_drops_everything_with_zero_gradient()
    {
        var x = Tensor.Randn([4], new Generator(9)).RequireGrad();
        var y = F.Dropout(x, 1f, training: true);
        y.Sum().Backward();
        Assert.All(y.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(x.Grad!.ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(-0.1f), InlineData(1.5f), InlineData(float.NaN)]
    public void P_outside_zero_to_one_is_rejected_naming_p(float p)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(p));
        Assert.Equal("p", e.ParamName);
        Assert.Equal(p, e.ActualValue);
        Assert.Equal("p", Assert.Throws<ArgumentOutOfRangeException>(() => F.Dropout(Tensor.Ones(2), p)).ParamName);
    }

    [Fact]
    public void A_zero_dimensional_input_keeps_its_shape()
    {
        var y = F.Dropout(Tensor.Scalar(2f), 0.5f, training: true, new Generator(8));
        Assert.Empty(y.Shape);
        Assert.Contains(y.Item(), new[] { 0f, 4f });
    }
}

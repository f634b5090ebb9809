using Descent.Data;

namespace Descent.Tests.Data;

public class SyntheticTests
{
    [Fact]
    public void Line_returns_n_points_on_the_line_plus_noise()
    {
        var (x, y) = Synthetic.Line(37, 3f, 8f, 0f, new Generator(1));
        Assert.Equal([37], x.Shape);
        Assert.Equal([37], y.Shape);
        for (int i = 0; i < 37; i++)
        {
            Assert.InRange(x.At(i), 0f, 1f);
            Assert.Equal(3f * x.At(i) + 8f, y.At(i), 5);
        }
    }

    [Fact]
    public void Line_noise_has_the_requested_spread()
    {
        var (x, y) = Synthetic.Line(20_000, 2f, -1f, 0.5f, new Generator(3));
        var residual = (y - (x * 2f - 1f)).ToArray();
        double mean = residual.Average(), sd = Math.Sqrt(residual.Average(r => (r - mean) * (r - mean)));
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(sd, 0.49, 0.51);
        Assert.InRange(x.Mean().Item(), 0.49f, 0.51f);
    }

    [Fact]
    public void Line_is_reproducible_from_the_seed()
    {
        var (x1, y1) = Synthetic.Line(50, 3f, 8f, 0.3f, new Generator(42));
        var (x2, y2) = Synthetic.Line(50, 3f, 8f, 0.3f, new Generator(42));
        var (x3, _) = Synthetic.Line(50, 3f, 8f, 0.3f, new Generator(43));
        Assert.Equal(x1.ToArray(), x2.ToArray());
        Assert.Equal(y1.ToArray(), y2.ToArray());
        Assert.NotEqual(x1.ToArray(), x3.ToArray());
        Assert.False(x1.RequiresGrad || y1.RequiresGrad);
    }

    [Fact]
    public void Line_rejects_bad_arguments_naming_them()
    {
        var g = new Generator(0);
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => Synthetic.Line(0, 1f, 0f, 0f, g)).ParamName);
        Assert.Equal("noise", Assert.Throws<ArgumentOutOfRangeException>(() => Synthetic.Line(5, 1f, 0f, -0.1f, g)).ParamName);
        Assert.Equal("noise", Assert.Throws<ArgumentOutOfRangeException>(() => Synthetic.Line(5, 1f, 0f, float.NaN, g)).ParamName);
        Assert.Equal("slope", Assert.Throws<ArgumentOutOfRangeException>(() => Synthetic.Line(5, float.PositiveInfinity, 0f, 0f, g)).ParamName);
        Assert.Equal("intercept", Assert.Throws<ArgumentOutOfRangeException>(() => Synthetic.Line(5, 1f, float.NaN, 0f, g)).ParamName);
        Assert.Throws<ArgumentNullException>(() => Synthetic.Line(5, 1f, 0f, 0f, null!));
    }
}

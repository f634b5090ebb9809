using Descent.Kernels;

namespace Descent.Tests.Nn;

public class ErfTests
{
    /// <summary>erf by composite Simpson's rule on 2/√π·e^(-t²), an oracle independent of the series in the library.</summary>
    internal static double ErfByQuadrature(double x) => Simpson(0, x, 4000);

    private static double Simpson(double a, double b, int n)
    {
        double h = (b - a) / n, sum = F(a) + F(b);
        for (int i = 1; i < n; i++) sum += F(a + i * h) * (i % 2 == 1 ? 4 : 2);
        return sum * h / 3;
        static double F(double t) => 2 / Math.Sqrt(Math.PI) * Math.Exp(-t * t);
    }

    [Fact]
    public void Erf_matches_quadrature_to_1e_12_across_both_branches()
    {
        for (double x = -6; x <= 6; x += 0.0625)
            Assert.Equal(ErfByQuadrature(x), SpecialFunctions.Erf(x), 1e-12);
    }

    [Theory]
    [InlineData(2.0), InlineData(3.5), InlineData(5.0), InlineData(8.0)]
    public void Erfc_keeps_relative_accuracy_in_the_tail(double x)
    {
        // ∫ₓ^(x+12) carries everything of erfc(x) that double can hold.
        double expected = Simpson(x, x + 12, 200000);
        Assert.True(Math.Abs(SpecialFunctions.Erfc(x) - expected) <= 1e-10 * expected, $"erfc({x}) = {SpecialFunctions.Erfc(x)}, expected {expected}");
    }

    [Fact]
    public void Erf_is_odd_bounded_and_handles_special_values()
    {
        Assert.Equal(0.0, SpecialFunctions.Erf(0));
        Assert.Equal(1.0, SpecialFunctions.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, SpecialFunctions.Erf(double.NegativeInfinity));
        Assert.True(double.IsNaN(SpecialFunctions.Erf(double.NaN)));
        for (double x = 0.1; x < 7; x += 0.3) Assert.Equal(-SpecialFunctions.Erf(x), SpecialFunctions.Erf(-x));
        Assert.Equal(2.0, SpecialFunctions.Erfc(double.NegativeInfinity));
    }

    [Fact]
    public void Gelu_keeps_its_value_far_into_the_negative_tail()
    {
        // GELU(-6) = -6·Φ(-6) = -3·erfc(6/√2); 1 + erf in float would cancel to 0 here.
        double expected = -3 * Simpson(6 / Math.Sqrt(2), 6 / Math.Sqrt(2) + 12, 200000);
        float y = Tensor.FromArray([-6f]).Gelu().Item();
        Assert.Equal(expected, y, Math.Abs(expected) * 1e-6);
    }
}

using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// The recurrent gates' σ and tanh against double precision: within a few ulp over the whole range (near 0 in
/// relative terms), the limits and NaN, and the same bits for an element wherever it falls in a span.
/// </summary>
public class GateFunctionsTests
{
    private static float[] Inputs()
    {
        var values = new List<float> { 0f, -0f, 1e-30f, -1e-30f, 1e-6f, -1e-6f, 0.624f, 0.625f, 0.626f, -0.625f, 9f, -9f, 20f, -20f, 87f, -87f, 88f, -88f, 89f, -100f, 100f };
        // Dense over [-12, 12], then logarithmically down to 1e-8 on both sides.
        for (int i = -12000; i <= 12000; i++) values.Add(i / 1000f + 1.2345e-4f);
        for (double v = 1e-8; v < 12; v *= 1.01) { values.Add((float)v); values.Add((float)-v); }
        return [.. values];
    }

    // An ulp of the exact value r, as a float; r's absolute value is at least the smallest normal.
    private static double Ulps(float got, double exact)
    {
        float r = (float)Math.Abs(exact);
        double ulp = Math.Max(MathF.BitIncrement(r) - r, float.Epsilon);
        return Math.Abs(got - exact) / ulp;
    }

    [Fact]
    public void Sigmoid_is_within_three_ulp_of_the_exact_value()
    {
        if (!GateFunctions.IsVectorized) return;   // TensorPrimitives computes it there, with its own accuracy
        var x = Inputs();
        var y = new float[x.Length];
        GateFunctions.Sigmoid(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double exact = 1 / (1 + Math.Exp(-(double)x[i]));
            // Below about -87 the exact value is subnormal; there σ is allowed to stop at e^-87's.
            if (x[i] < -87f) Assert.InRange(y[i], 0f, 1e-37f);
            else Assert.True(Ulps(y[i], exact) <= 3, $"sigmoid({x[i]:R}) = {y[i]:R}, exact {exact:R}, {Ulps(y[i], exact):F1} ulp");
        }
    }

    [Fact]
    public void Tanh_is_within_three_ulp_of_the_exact_value_and_keeps_its_relative_accuracy_near_zero()
    {
        // The scalar fallback is double precision's tanh, so this holds on every path.
        var x = Inputs();
        var y = new float[x.Length];
        GateFunctions.Tanh(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double exact = Math.Tanh(x[i]);
            if (Math.Abs(x[i]) < 1e-20f) Assert.Equal(x[i], y[i]);
            else Assert.True(Ulps(y[i], exact) <= 3, $"tanh({x[i]:R}) = {y[i]:R}, exact {exact:R}, {Ulps(y[i], exact):F1} ulp");
        }
        Assert.True(float.IsNegative(Single(GateFunctions.Tanh, -0f)));
    }

    private static float Single(SpanAction f, float v)
    {
        var a = new[] { v };
        f(a, a);
        return a[0];
    }

    private delegate void SpanAction(ReadOnlySpan<float> x, Span<float> y);

    [Fact]
    public void The_limits_and_nan()
    {
        Assert.Equal(1f, Single(GateFunctions.Sigmoid, float.PositiveInfinity));
        Assert.InRange(Single(GateFunctions.Sigmoid, float.NegativeInfinity), 0f, 1e-37f);
        Assert.Equal(0.5f, Single(GateFunctions.Sigmoid, 0f));
        Assert.Equal(1f, Single(GateFunctions.Tanh, float.PositiveInfinity));
        Assert.Equal(-1f, Single(GateFunctions.Tanh, float.NegativeInfinity));
        Assert.True(float.IsNaN(Single(GateFunctions.Sigmoid, float.NaN)));
        Assert.True(float.IsNaN(Single(GateFunctions.Tanh, float.NaN)));
    }

    [Theory]
    [InlineData(1)] [InlineData(7)] [InlineData(8)] [InlineData(15)] [InlineData(16)] [InlineData(17)] [InlineData(33)] [InlineData(130)]
    public void An_element_gets_the_same_bits_in_the_vector_body_the_tail_and_in_place(int length)
    {
        if (!GateFunctions.IsVectorized) return;   // TensorPrimitives' scalar tails compute otherwise
        var x = Tensor.Randn([length], new Generator((ulong)length)).ToArray();
        foreach (SpanAction f in new SpanAction[] { GateFunctions.Sigmoid, GateFunctions.Tanh })
        {
            var whole = new float[length];
            f(x, whole);
            var inPlace = (float[])x.Clone();
            f(inPlace, inPlace);
            Assert.Equal(whole, inPlace);
            for (int i = 0; i < length; i++) Assert.Equal(whole[i], Single(f, x[i]));
        }
    }

    [Fact]
    public void A_short_destination_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => GateFunctions.Sigmoid(new float[5], new float[4]));
        Assert.Contains("GateFunctions", e.Message);
    }
}

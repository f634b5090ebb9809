using Descent.Nn;

namespace Descent.Tests.Nn;

/// <summary>Comparisons for loss values computed by hand in double.</summary>
internal static class LossAssert
{
    public static void Close(double expected, float actual, double tolerance = 1e-5)
    {
        double allowed = tolerance * Math.Max(1, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= allowed, $"expected {expected:G9}, got {actual:G9}");
    }

    public static void Close(double[] expected, Tensor actual, double tolerance = 1e-5)
    {
        var values = actual.ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++) Close(expected[i], values[i], tolerance);
    }

    public static void AllFinite(Tensor t)
    {
        foreach (var v in t.ToArray()) Assert.True(float.IsFinite(v), $"non-finite value {v} in {t}");
    }

    public static readonly Reduction[] AllReductions = [Reduction.Mean, Reduction.Sum, Reduction.None];
}

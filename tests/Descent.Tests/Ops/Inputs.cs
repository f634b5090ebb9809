namespace Descent.Tests.Ops;

/// <summary>Seeded inputs for gradient checks.</summary>
internal static class Inputs
{
    public static Tensor Normal(int seed, params int[] shape) => Tensor.Randn(shape, new Generator((ulong)seed)).RequireGrad();

    public static Tensor Positive(int seed, params int[] shape) => Tensor.Uniform(shape, 0.5f, 2f, new Generator((ulong)seed)).RequireGrad();

    /// <summary>Magnitudes in [0.5, 2] with random signs: away from 0, where |x| and 1/x misbehave.</summary>
    public static Tensor AwayFromZero(int seed, params int[] shape)
    {
        var g = new Generator((ulong)seed);
        var t = Tensor.Uniform(shape, 0.5f, 2f, g);
        var d = t.DataSpan;
        for (int i = 0; i < d.Length; i++) if (g.NextDouble() < 0.5) d[i] = -d[i];
        return t.RequireGrad();
    }
}

using System.Numerics.Tensors;
using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// A product with an epilogue gives the bits of the product, then the bias added row by row, then the activation
/// kernel over the whole result: on every path of the GEMM (direct, dot products, 4 x 4 dot tiles, A·Bᵀ as its transpose, packed with
/// edge tiles and several k blocks, A or B transposed, k = 0) and for any number of parts.
/// </summary>
public class GemmEpilogueTests
{
    public static TheoryData<bool, bool, int, int, int> Shapes => new()
    {
        { false, false, 3, 5, 7 },       // below the packing threshold
        { false, true, 4, 300, 200 },    // a few rows: direct dot products
        { false, false, 4, 300, 200 },   // a few rows: rows of B scaled and added
        { false, true, 20, 40, 100 },    // few outputs of A·Bᵀ: dot products
        { false, true, 21, 301, 250 },   // 4 x 4 dot tiles with leftover rows and columns
        { false, true, 45, 301, 250 },   // A·Bᵀ as its transpose, with edge tiles
        { false, true, 130, 77, 300 },   // packed: edge tiles in both directions, two k blocks
        { false, true, 150, 10, 130 },   // A·Bᵀ with few columns: twelve rows at a time and the rest
        { true, false, 100, 70, 513 },   // packed with A transposed, three k blocks
        { false, false, 30, 700, 200 },  // B read in place
        { true, true, 61, 45, 129 },
        { false, true, 5, 6, 0 },        // no k: the bias and activation of zeros
    };

    [Theory, MemberData(nameof(Shapes))]
    public void MatchesTheProductThenTheBiasThenTheActivation(bool transA, bool transB, int m, int n, int k)
    {
        var a = GemmReference.Random(m * k, 41);
        var b = GemmReference.Random(k * n, 42);
        var bias = GemmReference.Random(n, 43);
        foreach (var activation in Enum.GetValues<GemmActivation>())
            foreach (bool withBias in new[] { true, false })
                foreach (int parts in new[] { 1, 2, 3 })
                {
                    var (expected, expectedPre) = Unfused(transA, transB, m, n, k, a, b, withBias ? bias : null, activation, parts);
                    var c = new float[m * n];
                    var pre = new float[m * n];
                    // NaN in C and pre shows any element the epilogue leaves unwritten.
                    c.AsSpan().Fill(float.NaN);
                    pre.AsSpan().Fill(float.NaN);
                    GemmEpilogue.Run(transA, transB, m, n, k, a, b, c, withBias ? bias : default, activation, pre, parts);
                    string what = $"{activation}, bias {withBias}, {parts} parts";
                    Assert.True(expected.AsSpan().SequenceEqual(c), what);
                    Assert.True(expectedPre.AsSpan().SequenceEqual(pre), what + " (pre-activation)");
                }
    }

    [Fact]
    public void ABiasShorterThanTheColumnsIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            GemmEpilogue.Run(false, true, 2, 3, 4, new float[8], new float[12], new float[6], new float[2], GemmActivation.Relu, default));
        Assert.Contains("bias must hold n=3", e.Message);
    }

    private static (float[] C, float[] Pre) Unfused(bool transA, bool transB, int m, int n, int k, float[] a, float[] b,
        float[]? bias, GemmActivation activation, int parts)
    {
        var c = new float[m * n];
        Gemm.Run(transA, transB, m, n, k, a, b, c, accumulate: false, parts);
        if (bias != null)
            for (int r = 0; r < m; r++)
                TensorPrimitives.Add(c.AsSpan(r * n, n), bias, c.AsSpan(r * n, n));
        var pre = (float[])c.Clone();
        switch (activation)
        {
            case GemmActivation.Relu: ActivationKernel.ReluForward(pre, c); break;
            case GemmActivation.GeluExact: ActivationKernel.GeluForward(pre, false, c); break;
            case GemmActivation.GeluTanh: ActivationKernel.GeluForward(pre, true, c); break;
        }
        return (c, pre);
    }
}

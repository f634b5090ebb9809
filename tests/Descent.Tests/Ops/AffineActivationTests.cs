using Descent.Nn;
using Descent.Tests.Kernels;

namespace Descent.Tests.Ops;

/// <summary>
/// Linear with ReLU or GELU as one op gives the bits of the two ops one after the other: the output and every
/// gradient (input, weight, bias), gradients accumulated over two backward passes included, on 1 and 2 threads.
/// </summary>
[Collection(nameof(ThreadCountCollection))]
public class AffineActivationTests
{
    private static readonly Func<Tensor, Tensor, Tensor?, Tensor>[] Unfused =
    [
        (x, w, b) => x.Affine(w, b).Relu(),
        (x, w, b) => x.Affine(w, b).Gelu(),
        (x, w, b) => x.Affine(w, b).Gelu("tanh"),
    ];

    private static readonly Func<Tensor, Tensor, Tensor?, Tensor>[] Fused =
    [
        (x, w, b) => x.AffineRelu(w, b),
        (x, w, b) => x.AffineGelu(w, b),
        (x, w, b) => x.AffineGelu(w, b, "tanh"),
    ];

    public static TheoryData<int[], int, bool> Shapes => new()
    {
        { [5, 7], 3, true },
        { [130, 77], 45, true },     // packed, edge tiles in both directions
        { [3, 20, 64], 33, true },   // 3-D: the bias gradient summed over two leading dimensions
        { [7], 4, true },            // 1-D
        { [6, 10], 1, true },        // one output
        { [2, 3, 5], 1, true },
        { [21, 250], 301, false },   // no bias; 4 x 4 dot tiles
        { [45, 250], 301, true },    // a small batch as the transposed product, with edge tiles
        { [4, 200], 300, true },     // a few rows: direct
        { [0, 5], 3, true },         // no rows
    };

    [Theory, MemberData(nameof(Shapes))]
    public void GivesTheBitsOfLinearThenTheActivation(int[] xShape, int outFeatures, bool withBias)
    {
        for (int a = 0; a < Fused.Length; a++)
            foreach (int threads in new[] { 1, 2 })
            {
                var expected = ThreadCountCollection.With(threads, () => Run(Unfused[a], xShape, outFeatures, withBias));
                var actual = ThreadCountCollection.With(threads, () => Run(Fused[a], xShape, outFeatures, withBias));
                for (int i = 0; i < expected.Length; i++)
                    Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"activation {a}, {threads} threads: {Names[i]} differs");
            }
    }

    [Fact]
    public void LargeProductsGiveTheSameBitsOnOneAndTwoThreads()
    {
        var one = ThreadCountCollection.With(1, () => Run(Fused[0], [257, 300], 200, true));
        var two = ThreadCountCollection.With(2, () => Run(Fused[0], [257, 300], 200, true));
        var unfused = ThreadCountCollection.With(2, () => Run(Unfused[0], [257, 300], 200, true));
        for (int i = 0; i < one.Length; i++)
        {
            Assert.True(one[i].AsSpan().SequenceEqual(two[i]), Names[i]);
            Assert.True(unfused[i].AsSpan().SequenceEqual(two[i]), Names[i]);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void GradientsMatchFiniteDifferences(int activation)
    {
        // Inputs away from zero keep ReLU's kink out of the finite differences' reach.
        GradCheck.Assert(t => Fused[activation](t[0], t[1], t[2]), Inputs.AwayFromZero(1, 4, 6), Inputs.Normal(2, 5, 6), Inputs.Normal(3, 5));
        GradCheck.Assert(t => Fused[activation](t[0], t[1], null), Inputs.AwayFromZero(4, 2, 3, 6), Inputs.Normal(5, 5, 6));
    }

    [Fact]
    public void WithoutGradientsNothingIsRecorded()
    {
        var x = Inputs.Normal(1, 3, 4);
        var w = Inputs.Normal(2, 5, 4);
        using (global::Descent.Autograd.NoGrad())
            Assert.Null(x.AffineGelu(w, null).GradFn);
        var y = x.AffineGelu(w, null);
        Assert.Equal("<GeluBackward0>", y.GradFn!.ToString());
    }

    [Fact]
    public void BadShapesAreNamedAsLinears()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3, 4).AffineRelu(Tensor.Zeros(5, 6), null));
        Assert.Contains("Linear: input's last dimension must be in_features=6; got input [3, 4] and weight [5, 6]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(3, 4).AffineGelu(Tensor.Zeros(5, 4), null, "fast"));
    }

    private static readonly string[] Names = ["output", "input gradient", "weight gradient", "bias gradient"];

    /// <summary>The output and the gradients after two backward passes, so accumulation into each gradient is compared too.</summary>
    private static float[][] Run(Func<Tensor, Tensor, Tensor?, Tensor> op, int[] xShape, int outFeatures, bool withBias)
    {
        var x = Inputs.Normal(11, xShape);
        var w = Inputs.Normal(12, outFeatures, xShape[^1]);
        var b = withBias ? Inputs.Normal(13, outFeatures) : null;
        float[] output = [];
        for (int pass = 0; pass < 2; pass++)
        {
            var y = op(x, w, b);
            output = y.ToArray();
            y.Backward(Tensor.Randn(y.Shape, new Generator((ulong)(14 + pass))));
        }
        return [output, Grad(x), Grad(w), b == null ? [] : Grad(b)];
    }

    private static float[] Grad(Tensor t) => t.Grad?.ToArray() ?? [];
}

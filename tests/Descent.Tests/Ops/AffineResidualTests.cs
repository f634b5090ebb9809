using Descent.Nn;
using Descent.Tests.Kernels;

namespace Descent.Tests.Ops;

/// <summary>
/// residual + Linear as one op (the residual added in the product's write) gives the bits of Linear then the add:
/// the output and every gradient (input, weight, bias, residual), accumulated over two passes, on 1 and 2 threads.
/// </summary>
[Collection(nameof(ThreadCountCollection))]
public class AffineResidualTests
{
    public static TheoryData<int[], int, bool> Shapes => new()
    {
        { [5, 7], 3, true },
        { [130, 77], 48, true },     // packed; 48 columns: whole vectors in the write
        { [130, 77], 45, true },     // packed, edge tiles in both directions
        { [3, 20, 64], 33, true },   // 3-D
        { [7], 4, true },            // 1-D
        { [21, 250], 301, false },   // no bias; 4 x 4 dot tiles
        { [45, 250], 301, true },    // a small batch as the transposed product
        { [4, 200], 300, true },     // a few rows: direct
        { [0, 5], 3, true },         // no rows
    };

    [Theory, MemberData(nameof(Shapes))]
    public void GivesTheBitsOfLinearThenTheAdd(int[] xShape, int outFeatures, bool withBias)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            var expected = ThreadCountCollection.With(threads, () => Run((x, w, b, r) => r + x.Affine(w, b), xShape, outFeatures, withBias));
            var actual = ThreadCountCollection.With(threads, () => Run((x, w, b, r) => x.AffineResidual(w, b, r), xShape, outFeatures, withBias));
            for (int i = 0; i < expected.Length; i++)
                Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"{threads} threads: {Names[i]} differs");
        }
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        GradCheck.Assert(t => t[0].AffineResidual(t[1], t[2], t[3]), Inputs.Normal(1, 4, 6), Inputs.Normal(2, 5, 6), Inputs.Normal(3, 5), Inputs.Normal(4, 4, 5));
        GradCheck.Assert(t => t[0].AffineResidual(t[1], null, t[2]), Inputs.Normal(5, 2, 3, 6), Inputs.Normal(6, 5, 6), Inputs.Normal(7, 2, 3, 5));
    }

    [Fact]
    public void AResidualOfAnotherShapeIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3, 4).AffineResidual(Tensor.Zeros(5, 4), null, Tensor.Zeros(1, 5)));
        Assert.Contains("Linear: a fused residual must have the output's shape; got input [3, 4], weight [5, 4] and residual [1, 5]", e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnEncoderLayerWithTheFusedResidualGivesTheComposedBlocksBits(bool normFirst)
    {
        // Dropout 0 in training mode takes the fused path; the composition below is the block written out with the add.
        var layer = new TransformerEncoderLayer(16, 2, dimFeedforward: 24, dropout: 0f, normFirst: normFirst, batchFirst: true, generator: new Generator(9));
        var x = Inputs.Normal(10, 3, 5, 16);
        var g = Tensor.Randn([3, 5, 16], new Generator(11));
        var fused = layer.Forward(x);
        fused.Backward(g);
        var fusedGrads = layer.Parameters().Select(p => p.Grad!.ToArray()).ToArray();
        var xGrad = x.Grad!.ToArray();
        layer.ZeroGrad();
        x.Grad = null;
        Tensor Block(Tensor h) => layer.Linear2.Forward(layer.Linear1.Forward(h).Relu());
        Tensor Attend(Tensor h) => layer.SelfAttn.Forward(h, h, h, needWeights: false).Output;
        Tensor composed;
        if (normFirst)
        {
            var mid = x + Attend(layer.Norm1.Forward(x));
            composed = mid + Block(layer.Norm2.Forward(mid));
        }
        else
        {
            var mid = layer.Norm1.Forward(x + Attend(x));
            composed = layer.Norm2.Forward(mid + Block(mid));
        }
        composed.Backward(g);
        Assert.Equal(composed.ToArray(), fused.ToArray());
        Assert.Equal(x.Grad!.ToArray(), xGrad);
        var grads = layer.Parameters().Select(p => p.Grad!.ToArray()).ToArray();
        for (int i = 0; i < grads.Length; i++) Assert.Equal(grads[i], fusedGrads[i]);
    }

    private static readonly string[] Names = ["output", "input gradient", "weight gradient", "bias gradient", "residual gradient"];

    private static float[][] Run(Func<Tensor, Tensor, Tensor?, Tensor, Tensor> op, int[] xShape, int outFeatures, bool withBias)
    {
        var x = Inputs.Normal(11, xShape);
        var w = Inputs.Normal(12, outFeatures, xShape[^1]);
        var b = withBias ? Inputs.Normal(13, outFeatures) : null;
        int[] outShape = [.. xShape[..^1], outFeatures];
        var r = Inputs.Normal(15, outShape);
        float[] output = [];
        for (int pass = 0; pass < 2; pass++)
        {
            var y = op(x, w, b, r);
            output = y.ToArray();
            y.Backward(Tensor.Randn(y.Shape, new Generator((ulong)(14 + pass))));
        }
        return [output, Grad(x), Grad(w), b == null ? [] : Grad(b), Grad(r)];
    }

    private static float[] Grad(Tensor t) => t.Grad?.ToArray() ?? [];
}

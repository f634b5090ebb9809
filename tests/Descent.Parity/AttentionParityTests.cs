using Descent.Nn;
using TorchSharp;
using static Descent.Parity.Oracle;
using F = TorchSharp.torch.nn.functional;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>
/// Functional.ScaledDotProductAttention against <c>torch.nn.functional.scaled_dot_product_attention</c>
/// (values and the gradients of query, key and value). TorchSharp 0.107's binding has no scale argument, so
/// an explicit scale reaches libtorch as a query multiplied by scale·√E, which is the same function.
/// </summary>
public class AttentionParityTests
{
    private static Generator G(int seed) => new((ulong)seed);

    private static BoolTensor RandomMask(Generator g, params int[] shape)
    {
        var data = new bool[Shape.Numel(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = g.NextFloat() < 0.6f;
        for (int i = 0; i < data.Length; i += shape[^1]) data[i] = true;
        return BoolTensor.FromArray(data, shape);
    }

    public static TheoryData<int[], int[], int[]> Shapes => new()
    {
        { [5, 8], [7, 8], [7, 3] },
        { [2, 6, 4], [2, 9, 4], [2, 9, 5] },
        { [2, 3, 17, 16], [2, 3, 33, 16], [2, 3, 33, 16] },
        { [1, 2, 1, 4], [1, 2, 1, 4], [1, 2, 1, 1] },
        { [2, 3, 6, 8], [1, 3, 5, 8], [5, 4] }, // broadcast batch dimensions
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    [Parity("Functional.ScaledDotProductAttention")]
    public void Plain(int[] q, int[] k, int[] v)
    {
        var g = G(q.Sum() + k.Sum());
        Check("SDPA", t => Functional.ScaledDotProductAttention(t[0], t[1], t[2]),
            t => F.scaled_dot_product_attention(t[0], t[1], t[2]), [Rand(g, q), Rand(g, k), Rand(g, v)]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    [Parity("Functional.ScaledDotProductAttention")]
    public void Causal(int[] q, int[] k, int[] v)
    {
        var g = G(q.Sum() + 1);
        Check("SDPA causal", t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], isCausal: true),
            t => F.scaled_dot_product_attention(t[0], t[1], t[2], null, 0.0, true), [Rand(g, q), Rand(g, k), Rand(g, v)]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    [Parity("Functional.ScaledDotProductAttention")]
    public void BoolMaskFloatMaskAndBoth(int[] q, int[] k, int[] v)
    {
        var g = G(q.Sum() + 2);
        int l = q[^2], s = k[^2];
        var mask = RandomMask(g, l, s);
        var batchMask = RandomMask(g, [.. q[..^2], l, s]);
        Check("SDPA bool mask [L, S]", t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], attnMask: mask),
            t => F.scaled_dot_product_attention(t[0], t[1], t[2], ToTorch(mask)), [Rand(g, q), Rand(g, k), Rand(g, v)]);
        Check("SDPA bool mask [..., L, S]", t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], attnMask: batchMask),
            t => F.scaled_dot_product_attention(t[0], t[1], t[2], ToTorch(batchMask)), [Rand(g, q), Rand(g, k), Rand(g, v)]);
        Check("SDPA float mask", t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], attnBias: t[3]),
            t => F.scaled_dot_product_attention(t[0], t[1], t[2], t[3]), [Rand(g, q), Rand(g, k), Rand(g, v), Rand(g, [l, s], requiresGrad: false)]);
        // Both at once reach libtorch as one float mask with −∞ where the boolean mask is false.
        Check("SDPA bool and float mask", t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], attnMask: mask, attnBias: t[3]),
            t => F.scaled_dot_product_attention(t[0], t[1], t[2], t[3].masked_fill(ToTorch(mask).logical_not(), float.NegativeInfinity)),
            [Rand(g, q), Rand(g, k), Rand(g, v), Rand(g, [l, s], requiresGrad: false)]);
    }

    [Fact]
    [Parity("Functional.ScaledDotProductAttention")]
    public void FloatMaskGradient()
    {
        // libtorch's math path differentiates a float mask that requires grad; so does Descent, summed over broadcast dims.
        var g = G(3);
        Check("SDPA float mask gradient", t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], attnBias: t[3]),
            t => F.scaled_dot_product_attention(t[0], t[1], t[2], t[3]), [Rand(g, [2, 4, 3]), Rand(g, [2, 5, 3]), Rand(g, [2, 5, 2]), Rand(g, [4, 5])]);
    }

    [Theory]
    [InlineData(0.25f)]
    [InlineData(2f)]
    [Parity("Functional.ScaledDotProductAttention")]
    public void ExplicitScale(float scale)
    {
        var g = G(4);
        const int e = 6;
        float toLibtorch = scale * MathF.Sqrt(e);
        Check($"SDPA scale {scale}", t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], scale: scale, isCausal: true),
            t => F.scaled_dot_product_attention(t[0] * toLibtorch, t[1], t[2], null, 0.0, true), [Rand(g, [2, 5, e]), Rand(g, [2, 5, e]), Rand(g, [2, 5, 3])]);
    }

    [Fact]
    [Parity("Functional.ScaledDotProductAttention")]
    public void FullyMaskedRowMatchesLibtorch()
    {
        var g = G(5);
        var mask = BoolTensor.FromArray([false, false, false, true, false, true, true, true, true], [3, 3]);
        Check("SDPA fully masked row", t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], attnMask: mask),
            t => F.scaled_dot_product_attention(t[0], t[1], t[2], ToTorch(mask)), [Rand(g, [3, 4]), Rand(g, [3, 4]), Rand(g, [3, 2])]);
    }
}

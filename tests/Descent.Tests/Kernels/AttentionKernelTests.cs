using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// The attention kernel against attention written out in double, with q, k and v read from one packed [N, L, 3·C]
/// projection as a layer's heads lie, so the in-place path's strides, transposes and fused softmax are all
/// exercised; CI reruns it on the AVX2 and scalar paths.
/// </summary>
public class AttentionKernelTests
{
    [Theory]
    [InlineData(2, 3, 64, 32, false, false)]   // the transformer block's heads
    [InlineData(2, 2, 64, 32, true, true)]
    [InlineData(3, 2, 5, 3, false, true)]      // rows and keys past whole vectors and tiles
    [InlineData(1, 1, 37, 17, true, false)]
    [InlineData(2, 1, 1, 4, true, true)]
    [InlineData(1, 2, 128, 32, true, true)]    // big enough to run on the threaded Gemm, rows gathered
    public void Forward_and_backward_match_attention_in_double(int n, int heads, int l, int d, bool causal, bool withMask)
    {
        int c = heads * d, count = n * heads;
        var qkv = GemmReference.Random(n * l * 3 * c, l * 31 + d);
        var gradOut = GemmReference.Random(n * l * c, l * 37 + d);
        // A shared [L, S] mask with some keys masked (−∞) and a float bias elsewhere; never a whole row masked.
        var mask = withMask ? GemmReference.Random(l * l, 5) : [];
        for (int i = 0; i < mask.Length; i++)
            if (i % l != 0 && i % 3 == 0) mask[i] = float.NegativeInfinity;
        float scale = 1f / MathF.Sqrt(d);
        var q = AttentionLayout.Interleaved(heads, d, n, l, 3 * c, 0, true);
        var k = AttentionLayout.Interleaved(heads, d, n, l, 3 * c, c, true);
        var v = AttentionLayout.Interleaved(heads, d, n, l, 3 * c, 2 * c, true);
        var o = AttentionLayout.Interleaved(heads, d, n, l, c, 0, true);
        var p = new float[count * l * l];
        var output = new float[n * l * c];
        AttentionKernel.Forward(count, l, l, d, d, scale, causal, qkv, q, qkv, k, qkv, v, mask, [], p, output, o);
        var grad = new float[qkv.Length];
        var gradScores = new float[count * l * l];
        AttentionKernel.Backward(count, l, l, d, d, scale, qkv, q, qkv, k, qkv, v, [], p, output, gradOut, o, grad, grad, grad, gradScores);

        for (int t = 0; t < count; t++)
        {
            double[,] Head(AttentionLayout layout, float[] data)
            {
                var x = new double[l, d];
                for (int i = 0; i < l; i++)
                    for (int j = 0; j < d; j++) x[i, j] = data[layout.Start(t) + i * layout.RowStride + j];
                return x;
            }
            var (hq, hk, hv, hgo) = (Head(q, qkv), Head(k, qkv), Head(v, qkv), Head(o, gradOut));
            var prob = new double[l, l];
            for (int i = 0; i < l; i++)
            {
                double max = double.NegativeInfinity;
                for (int j = 0; j < l; j++)
                {
                    double sij = 0;
                    for (int e = 0; e < d; e++) sij += hq[i, e] * hk[j, e];
                    sij = sij * scale + (withMask ? mask[i * l + j] : 0);
                    if (causal && j > i) sij = double.NegativeInfinity;
                    prob[i, j] = sij;
                    max = Math.Max(max, sij);
                }
                double sum = 0;
                for (int j = 0; j < l; j++) sum += prob[i, j] = Math.Exp(prob[i, j] - max);
                for (int j = 0; j < l; j++) prob[i, j] /= sum;
            }
            var gq = new double[l, d];
            var gk = new double[l, d];
            var gv = new double[l, d];
            for (int i = 0; i < l; i++)
            {
                var dp = new double[l];
                double delta = 0;
                for (int j = 0; j < l; j++)
                {
                    for (int e = 0; e < d; e++) dp[j] += hgo[i, e] * hv[j, e];
                    delta += dp[j] * prob[i, j];
                }
                for (int j = 0; j < l; j++)
                {
                    double ds = prob[i, j] * (dp[j] - delta);
                    Assert.Equal(ds, gradScores[(long)t * l * l + i * l + j], 1e-4);
                    for (int e = 0; e < d; e++)
                    {
                        gq[i, e] += ds * hk[j, e] * scale;
                        gk[j, e] += ds * hq[i, e] * scale;
                        gv[j, e] += prob[i, j] * hgo[i, e];
                    }
                }
            }
            for (int i = 0; i < l; i++)
                for (int j = 0; j < l; j++) Assert.Equal(prob[i, j], p[(long)t * l * l + i * l + j], 1e-5);
            for (int i = 0; i < l; i++)
                for (int e = 0; e < d; e++)
                {
                    double oe = 0;
                    for (int j = 0; j < l; j++) oe += prob[i, j] * hv[j, e];
                    Assert.Equal(oe, output[o.Start(t) + i * o.RowStride + e], 1e-4);
                    Assert.Equal(gq[i, e], grad[q.Start(t) + i * q.RowStride + e], 1e-4);
                    Assert.Equal(gk[i, e], grad[k.Start(t) + i * k.RowStride + e], 1e-4);
                    Assert.Equal(gv[i, e], grad[v.Start(t) + i * v.RowStride + e], 1e-4);
                }
        }
    }

    [Fact]
    public void Softmax_exponential_is_within_one_ulp_and_zero_for_masked_keys()
    {
        for (float x = -87f; x <= 0.5f; x += 0.000731f)
        {
            float expected = (float)Math.Exp(x), got = SoftmaxExp.Exp(x);
            Assert.True(Math.Abs(got - expected) <= MathF.BitIncrement(expected) - expected, $"exp({x}) = {got}, expected {expected}");
        }
        Assert.Equal(0f, SoftmaxExp.Exp(float.NegativeInfinity));
        Assert.Equal(0f, SoftmaxExp.Exp(-100f));
        Assert.Equal(1f, SoftmaxExp.Exp(0f));
        Assert.True(float.IsNaN(SoftmaxExp.Exp(float.NaN)));
    }
}

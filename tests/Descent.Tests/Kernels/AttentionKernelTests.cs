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

    [Theory]
    [InlineData(7, 32, 8, false, false)]    // three rows in groups of four, the last three on the row path
    [InlineData(6, 16, 5, true, false)]     // one vector of keys, a mask per problem
    [InlineData(9, 48, 16, true, true)]     // three vectors of keys, dropout
    [InlineData(64, 64, 32, false, true)]
    [InlineData(5, 40, 8, true, true)]      // keys past whole vectors: every row on the row path
    public void Cross_attention_with_a_mask_per_problem_and_dropout_matches_double(int l, int s, int d, bool withMask, bool withDropout)
    {
        const int count = 3;
        var q = GemmReference.Random(count * l * d, l + 3 * s);
        var k = GemmReference.Random(count * s * d, s + 5 * d);
        var v = GemmReference.Random(count * s * d, l * 7 + d);
        var gradOut = GemmReference.Random(count * l * d, 11 * l + s);
        var mask = withMask ? GemmReference.Random(count * l * s, 9) : [];
        for (int i = 0; i < mask.Length; i++)
            if (i % s != 0 && i % 4 == 1) mask[i] = float.NegativeInfinity;
        var keep = withDropout ? GemmReference.Random(count * l * s, 13) : [];
        for (int i = 0; i < keep.Length; i++) keep[i] = keep[i] > -0.5f ? 1.25f : 0f;
        float scale = 0.3f;
        var p = new float[count * l * s];
        var output = new float[count * l * d];
        AttentionKernel.Forward(count, l, s, d, d, scale, false, q, k, v, mask, keep, p, output);
        var (gq, gk, gv, gs) = (new float[q.Length], new float[k.Length], new float[v.Length], new float[p.Length]);
        AttentionKernel.Backward(count, l, s, d, d, scale, q, k, v, keep, p, output, gradOut, gq, gk, gv, gs);

        for (int t = 0; t < count; t++)
        {
            double Q(int i, int e) => q[(t * l + i) * d + e];
            double K(int j, int e) => k[(t * s + j) * d + e];
            double V(int j, int e) => v[(t * s + j) * d + e];
            double Go(int i, int e) => gradOut[(t * l + i) * d + e];
            double Keep(int i, int j) => withDropout ? keep[(t * l + i) * s + j] : 1;
            var prob = new double[l, s];
            for (int i = 0; i < l; i++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int j = 0; j < s; j++)
                {
                    double x = 0;
                    for (int e = 0; e < d; e++) x += Q(i, e) * K(j, e);
                    prob[i, j] = x * scale + (withMask ? mask[(t * l + i) * s + j] : 0);
                    max = Math.Max(max, prob[i, j]);
                }
                for (int j = 0; j < s; j++) sum += prob[i, j] = Math.Exp(prob[i, j] - max);
                for (int j = 0; j < s; j++)
                {
                    prob[i, j] /= sum;
                    Assert.Equal(prob[i, j], p[(t * l + i) * s + j], 1e-5);
                }
            }
            var (rq, rk, rv) = (new double[l, d], new double[s, d], new double[s, d]);
            for (int i = 0; i < l; i++)
            {
                var dp = new double[s];
                double delta = 0;
                for (int j = 0; j < s; j++)
                {
                    for (int e = 0; e < d; e++) dp[j] += Go(i, e) * V(j, e) * Keep(i, j);
                    delta += dp[j] * prob[i, j];
                }
                for (int e = 0; e < d; e++)
                {
                    double oe = 0;
                    for (int j = 0; j < s; j++) oe += prob[i, j] * Keep(i, j) * V(j, e);
                    Assert.Equal(oe, output[(t * l + i) * d + e], 1e-4);
                }
                for (int j = 0; j < s; j++)
                {
                    double ds = prob[i, j] * (dp[j] - delta);
                    Assert.Equal(ds, gs[(t * l + i) * s + j], 1e-4);
                    for (int e = 0; e < d; e++)
                    {
                        rq[i, e] += ds * K(j, e) * scale;
                        rk[j, e] += ds * Q(i, e) * scale;
                        rv[j, e] += prob[i, j] * Keep(i, j) * Go(i, e);
                    }
                }
            }
            for (int e = 0; e < d; e++)
            {
                for (int i = 0; i < l; i++) Assert.Equal(rq[i, e], gq[(t * l + i) * d + e], 1e-4);
                for (int j = 0; j < s; j++)
                {
                    Assert.Equal(rk[j, e], gk[(t * s + j) * d + e], 1e-4);
                    Assert.Equal(rv[j, e], gv[(t * s + j) * d + e], 1e-4);
                }
            }
        }
    }

    [Fact]
    public void Score_tiles_give_the_row_path_bits()
    {
        // Rows 0-3 of a 7-row problem run on the score tiles, rows 4-6 on the row path; a problem of rows 4-6 alone
        // (the same q rows, k and v) runs only on the row path, so equal bits mean both paths compute alike.
        const int l = 7, s = 64, d = 32;
        var q = GemmReference.Random(l * d, 21);
        var k = GemmReference.Random(s * d, 22);
        var v = GemmReference.Random(s * d, 23);
        var gradOut = GemmReference.Random(l * d, 24);
        var (p, o) = (new float[l * s], new float[l * d]);
        AttentionKernel.Forward(1, l, s, d, d, 0.2f, false, q, k, v, [], [], p, o);
        var (gq, gk, gv, gs) = (new float[l * d], new float[s * d], new float[s * d], new float[l * s]);
        AttentionKernel.Backward(1, l, s, d, d, 0.2f, q, k, v, [], p, o, gradOut, gq, gk, gv, gs);
        for (int first = 0; first < 4; first += 3)
        {
            // Rows 0-2 all from the tiles, then rows 3-5: row 3 from a tile, 4 and 5 from the row path.
            const int rows = 3;
            var (pr, orow) = (new float[rows * s], new float[rows * d]);
            AttentionKernel.Forward(1, rows, s, d, d, 0.2f, false, q.AsSpan(first * d, rows * d), k, v, [], [], pr, orow);
            var (gqr, gsr) = (new float[rows * d], new float[rows * s]);
            AttentionKernel.Backward(1, rows, s, d, d, 0.2f, q.AsSpan(first * d, rows * d), k, v, [], pr, orow, gradOut.AsSpan(first * d, rows * d),
                gqr, new float[s * d], new float[s * d], gsr);
            Assert.Equal(p.AsSpan(first * s, rows * s).ToArray(), pr);
            Assert.Equal(o.AsSpan(first * d, rows * d).ToArray(), orow);
            Assert.Equal(gs.AsSpan(first * s, rows * s).ToArray(), gsr);
            Assert.Equal(gq.AsSpan(first * d, rows * d).ToArray(), gqr);
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

    [Fact]
    public void Softmax_exponential_gives_the_same_bits_at_every_width()
    {
        // AVX2's rows and AVX-512's rows and tiles take eˣ lane by lane from the same steps.
        var x = new float[16];
        for (float start = -90f; start <= 1f; start += 0.37f)
        {
            for (int i = 0; i < x.Length; i++) x[i] = start + i * 0.0213f;
            x[3] = float.NegativeInfinity;
            var wide = SoftmaxExp.Exp(System.Runtime.Intrinsics.Vector512.Create(x));
            var narrow = SoftmaxExp.Exp(System.Runtime.Intrinsics.Vector256.Create(x));
            for (int i = 0; i < x.Length; i++)
            {
                Assert.Equal(wide[i], SoftmaxExp.Exp(x[i]));
                if (i < 8) Assert.Equal(wide[i], narrow[i]);
            }
        }
    }
}

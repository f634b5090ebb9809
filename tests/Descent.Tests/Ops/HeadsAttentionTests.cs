using Descent.Nn;
using Descent.Tests.Kernels;

namespace Descent.Tests.Ops;

/// <summary>
/// MultiheadAttention's fused op, which reads the heads from [N, L, heads·D] projections in place, against
/// ScaledDotProductAttention over the same heads split and joined by permutes.
/// </summary>
[Collection(nameof(ThreadCountCollection))]
public class HeadsAttentionTests
{
    // [N, L, C] (or [L, N, C]) columns from `column` to [N, heads, L, D].
    private static Tensor Split(Tensor source, int column, int heads, int d, bool batchFirst)
    {
        var part = source.Narrow(2, column, heads * d);
        return batchFirst
            ? part.Reshape(part.Size(0), part.Size(1), heads, d).Permute(0, 2, 1, 3)
            : part.Reshape(part.Size(0), part.Size(1), heads, d).Permute(1, 2, 0, 3);
    }

    private static Tensor Join(Tensor heads, bool batchFirst)
    {
        int n = heads.Size(0), h = heads.Size(1), l = heads.Size(2), d = heads.Size(3);
        return batchFirst ? heads.Permute(0, 2, 1, 3).Reshape(n, l, h * d) : heads.Permute(2, 0, 1, 3).Reshape(l, n, h * d);
    }

    private static BoolTensor Allowed(int seed, params int[] shape)
    {
        var g = new Generator((ulong)seed);
        var data = new bool[Shape.Numel(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = g.NextFloat() < 0.7f || i % shape[^1] == 0;
        return BoolTensor.FromArray(data, shape);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void Packed_and_separate_projections_match_attention_over_permuted_heads(bool batchFirst, bool packed)
    {
        const int n = 3, l = 5, heads = 2, d = 4, e = heads * d;
        int s = packed ? l : 6;
        var g = new Generator(1);
        int[] Layout(int length, int width) => batchFirst ? [n, length, width] : [length, n, width];
        var qkv = Tensor.Randn(Layout(l, 3 * e), g);
        var q = packed ? qkv : Tensor.Randn(Layout(l, e), g);
        var k = packed ? qkv : Tensor.Randn(Layout(s, e), g);
        var v = packed ? qkv : Tensor.Randn(Layout(s, e), g);
        var allowed = Allowed(2, n, 1, l, s);
        var bias = Tensor.Randn([heads, l, s], g);
        var gradOut = Tensor.Randn(Layout(l, e), g);
        int qc = 0, kc = packed ? e : 0, vc = packed ? 2 * e : 0;

        Tensor[] Leaves() => packed ? [q.Detach().RequireGrad(), bias.Detach().RequireGrad()]
            : [q.Detach().RequireGrad(), k.Detach().RequireGrad(), v.Detach().RequireGrad(), bias.Detach().RequireGrad()];
        var ours = Leaves();
        var (oq, ok, ov) = packed ? (ours[0], ours[0], ours[0]) : (ours[0], ours[1], ours[2]);
        var y = Tensor.HeadsAttention(new(oq, qc), new(ok, kc), new(ov, vc), heads, d, batchFirst, allowed, ours[^1], 0.2f, new Generator(3));
        (y * gradOut).Sum().Backward();

        var theirs = Leaves();
        var (tq, tk, tv) = packed ? (theirs[0], theirs[0], theirs[0]) : (theirs[0], theirs[1], theirs[2]);
        var reference = Join(Functional.ScaledDotProductAttention(Split(tq, qc, heads, d, batchFirst), Split(tk, kc, heads, d, batchFirst),
            Split(tv, vc, heads, d, batchFirst), attnMask: allowed, attnBias: theirs[^1], dropoutP: 0.2f, generator: new Generator(3)), batchFirst);
        (reference * gradOut).Sum().Backward();

        Assert.Equal(reference.Shape, y.Shape);
        Assert.Equal(reference.ToArray(), y.ToArray(), new ToleranceComparer(1e-5f));
        for (int i = 0; i < ours.Length; i++)
            Assert.Equal(theirs[i].Grad!.ToArray(), ours[i].Grad!.ToArray(), new ToleranceComparer(1e-5f));
    }

    [Fact]
    public void A_two_dimensional_mask_and_bias_serve_every_batch_row_and_head()
    {
        // [L, S] masks are built once and shared by all problems instead of expanded to [N, heads, L, S].
        const int n = 3, l = 5, heads = 2, d = 4, e = heads * d;
        var g = new Generator(11);
        var qkv = Tensor.Randn([n, l, 3 * e], g);
        var allowed = Allowed(12, l, l);
        var bias = Tensor.Randn([l, l], g);
        var ours = (X: qkv.Detach().RequireGrad(), B: bias.Detach().RequireGrad());
        var y = Tensor.HeadsAttention(new(ours.X, 0), new(ours.X, e), new(ours.X, 2 * e), heads, d, true, allowed, ours.B, 0f, null);
        (y * y).Sum().Backward();
        var theirs = (X: qkv.Detach().RequireGrad(), B: bias.Detach().RequireGrad());
        var reference = Join(Functional.ScaledDotProductAttention(Split(theirs.X, 0, heads, d, true), Split(theirs.X, e, heads, d, true),
            Split(theirs.X, 2 * e, heads, d, true), attnMask: allowed, attnBias: theirs.B), true);
        (reference * reference).Sum().Backward();
        Assert.Equal(reference.ToArray(), y.ToArray(), new ToleranceComparer(1e-5f));
        Assert.Equal(theirs.X.Grad!.ToArray(), ours.X.Grad!.ToArray(), new ToleranceComparer(1e-5f));
        Assert.Equal(theirs.B.Grad!.ToArray(), ours.B.Grad!.ToArray(), new ToleranceComparer(1e-5f));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gradients_of_a_packed_projection_with_masks(bool batchFirst)
    {
        int[] shape = batchFirst ? [2, 3, 12] : [3, 2, 12];
        var allowed = Allowed(4, 3, 3);
        GradCheck.Assert(t => Tensor.HeadsAttention(new(t[0], 0), new(t[0], 4), new(t[0], 8), 2, 2, batchFirst, allowed, t[1], 0f, null),
            Inputs.Normal(5, shape), Inputs.Normal(6, 2, 1, 3, 3));
    }

    [Fact]
    public void Gradients_of_separate_sources_with_unused_columns()
    {
        // Key and value read columns 2.. of wider sources; the columns before get a gradient of 0.
        GradCheck.Assert(t => Tensor.HeadsAttention(new(t[0], 0), new(t[1], 2), new(t[2], 1), 2, 2, true, null, null, 0f, null),
            Inputs.Normal(7, 2, 3, 4), Inputs.Normal(8, 2, 5, 6), Inputs.Normal(9, 2, 5, 5));
    }

    [Fact]
    public void Same_bits_for_every_thread_count()
    {
        // 12 × 4 problems of 64 × 64 × 32: enough work for the kernel to split them across threads.
        var x = Tensor.Randn([12, 64, 384], new Generator(10));
        float[][] Run(int threads) => ThreadCountCollection.With(threads, () =>
        {
            var qkv = x.Detach().RequireGrad();
            var y = Tensor.HeadsAttention(new(qkv, 0), new(qkv, 128), new(qkv, 256), 4, 32, true, null, null, 0f, null);
            (y * y).Sum().Backward();
            return new[] { y.ToArray(), qkv.Grad!.ToArray() };
        });
        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one[0], two[0]);
        Assert.Equal(one[1], two[1]);
    }

    [Fact]
    public void Overlapping_operands_of_one_source_are_refused()
    {
        var x = Tensor.Zeros(2, 3, 8);
        var e = Assert.Throws<ArgumentException>(() => Tensor.HeadsAttention(new(x, 0), new(x, 2), new(x, 4), 2, 2, true, null, null, 0f, null));
        Assert.Equal("HeadsAttention: operands taken from one source must not overlap; got columns 0 and 2 with 2 heads of 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.HeadsAttention(new(x, 0), new(x, 6), new(Tensor.Zeros(2, 3, 4), 0), 2, 2, true, null, null, 0f, null));
        Assert.Equal("HeadsAttention: each operand must be [N, L, C] or [L, N, C] with 2 heads of 2 from its column; got [2, 3, 8] from column 6", e.Message);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance * Math.Max(1f, Math.Abs(b));
        public int GetHashCode(float x) => 0;
    }
}

using Descent.Nn;

namespace Descent.Tests.Ops;

public class AttentionTests
{
    private static BoolTensor RandomMask(int seed, params int[] shape)
    {
        var g = new Generator((ulong)seed);
        var data = new bool[Shape.Numel(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = g.NextFloat() < 0.7f;
        // Every query keeps its first key, so no row is fully masked (that row is 0, checked on its own).
        int s = shape[^1];
        for (int i = 0; i < data.Length; i += s) data[i] = true;
        return BoolTensor.FromArray(data, shape);
    }

    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 5, 4 }, new[] { 5, 2 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 2, 5, 4 }, new[] { 2, 5, 3 })]
    [InlineData(new[] { 2, 2, 1, 3 }, new[] { 2, 2, 1, 3 }, new[] { 2, 2, 1, 1 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 1, 5, 4 }, new[] { 5, 3 })] // broadcast batch dimensions
    public void Gradients(int[] q, int[] k, int[] v)
    {
        GradCheck.Assert(t => Functional.ScaledDotProductAttention(t[0], t[1], t[2]), Inputs.Normal(1, q), Inputs.Normal(2, k), Inputs.Normal(3, v));
        GradCheck.Assert(t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], scale: 0.3f), Inputs.Normal(4, q), Inputs.Normal(5, k), Inputs.Normal(6, v));
    }

    [Fact]
    public void GradientsWithMasksAndCausal()
    {
        var mask = RandomMask(9, 2, 3, 5);
        GradCheck.Assert(t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], attnMask: mask),
            Inputs.Normal(1, 2, 3, 4), Inputs.Normal(2, 2, 5, 4), Inputs.Normal(3, 2, 5, 3));
        // The float mask broadcasts over the batch and gets its gradient summed back.
        GradCheck.Assert(t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], attnMask: RandomMask(10, 3, 5), attnBias: t[3]),
            Inputs.Normal(1, 2, 3, 4), Inputs.Normal(2, 2, 5, 4), Inputs.Normal(3, 2, 5, 3), Inputs.Normal(4, 3, 5));
        GradCheck.Assert(t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], isCausal: true),
            Inputs.Normal(5, 2, 4, 3), Inputs.Normal(6, 2, 6, 3), Inputs.Normal(7, 2, 6, 2));
        GradCheck.Assert(t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], isCausal: true, scale: 2f),
            Inputs.Normal(8, 5, 3), Inputs.Normal(9, 3, 3), Inputs.Normal(10, 3, 4));
    }

    [Fact]
    public void MatchesTheComposedDefinition()
    {
        var g = new Generator(3);
        var q = Tensor.Randn([2, 3, 6, 8], g);
        var k = Tensor.Randn([2, 3, 7, 8], g);
        var v = Tensor.Randn([2, 3, 7, 5], g);
        var mask = RandomMask(4, 6, 7);
        var ours = Functional.ScaledDotProductAttention(q, k, v, attnMask: mask).ToArray();
        var scores = q.MatMul(k, transposeB: true) * (1f / MathF.Sqrt(8)) + mask.Float().Sub(1f).Mul(1e30f);
        var reference = scores.Softmax(-1).MatMul(v).ToArray();
        for (int i = 0; i < ours.Length; i++) Assert.Equal(reference[i], ours[i], 1e-5f);
    }

    [Fact]
    public void FullyMaskedRowIsZeroAsLibtorchGives()
    {
        var g = new Generator(1);
        var mask = BoolTensor.FromArray([false, false, false, true, false, true], [2, 3]);
        var y = Functional.ScaledDotProductAttention(Tensor.Randn([2, 4], g), Tensor.Randn([3, 4], g), Tensor.Randn([3, 2], g), attnMask: mask).ToArray();
        Assert.Equal(0f, y[0]);
        Assert.Equal(0f, y[1]);
        Assert.True(float.IsFinite(y[2]) && y[2] != 0f);
    }

    [Fact]
    public void DropoutIsDeterministicPerSeedAndUnbiased()
    {
        var g = new Generator(5);
        var q = Tensor.Randn([4, 16, 8], g);
        var k = Tensor.Randn([4, 32, 8], g);
        var v = Tensor.Ones([4, 32, 1]);
        var a = Functional.ScaledDotProductAttention(q, k, v, dropoutP: 0.25f, generator: new Generator(9)).ToArray();
        var b = Functional.ScaledDotProductAttention(q, k, v, dropoutP: 0.25f, generator: new Generator(9)).ToArray();
        Assert.Equal(a, b);
        // With v = 1 each output is the row's kept weight over 0.75: expected 1, spread by the dropped keys.
        double mean = a.Average();
        Assert.InRange(mean, 0.9, 1.1);
        Assert.Contains(a, x => Math.Abs(x - 1f) > 1e-3f);
        var none = Functional.ScaledDotProductAttention(q, k, v, dropoutP: 1f, generator: new Generator(9)).ToArray();
        Assert.All(none, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void DropoutGradientReusesTheForwardMask()
    {
        // The same generator state draws the same mask, so finite differences see one fixed function.
        GradCheck.Assert(t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], dropoutP: 0.3f, generator: new Generator(17)),
            Inputs.Normal(1, 2, 3, 4), Inputs.Normal(2, 2, 5, 4), Inputs.Normal(3, 2, 5, 3));
    }

    [Fact]
    public void SameBitsForEveryThreadCount()
    {
        var g = new Generator(8);
        var q = Tensor.Randn([8, 4, 33, 16], g).RequireGrad();
        var k = Tensor.Randn([8, 4, 40, 16], g).RequireGrad();
        var v = Tensor.Randn([8, 4, 40, 16], g).RequireGrad();
        float[][] Run()
        {
            foreach (var t in new[] { q, k, v }) t.ZeroGrad();
            var y = Functional.ScaledDotProductAttention(q, k, v, isCausal: true, dropoutP: 0.1f, generator: new Generator(2));
            (y * y).Sum().Backward();
            return [y.ToArray(), q.Grad!.ToArray(), k.Grad!.ToArray(), v.Grad!.ToArray()];
        }
        int before = Threads.Count;
        try
        {
            Threads.Count = 1;
            var one = Run();
            Threads.Count = 4;
            var four = Run();
            for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], four[i]);
        }
        finally { Threads.Count = before; }
    }

    [Fact]
    public void BadInputsNameTheRuleAndShapes()
    {
        var q = Tensor.Zeros([2, 3, 4]);
        var k = Tensor.Zeros([2, 5, 4]);
        var v = Tensor.Zeros([2, 5, 3]);
        var e = Assert.Throws<ArgumentException>(() => Functional.ScaledDotProductAttention(q, Tensor.Zeros([2, 5, 6]), v));
        Assert.Contains("same last dimension E", e.Message);
        Assert.Contains("[2, 5, 6]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Functional.ScaledDotProductAttention(q, k, Tensor.Zeros([2, 4, 3])));
        Assert.Contains("sequence length S", e.Message);
        e = Assert.Throws<ArgumentException>(() => Functional.ScaledDotProductAttention(q, k, v, attnMask: BoolTensor.Full([3, 4], true)));
        Assert.Contains("attnMask must broadcast", e.Message);
        Assert.Contains("[2, 3, 5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Functional.ScaledDotProductAttention(q, k, v, attnMask: BoolTensor.Full([3, 5], true), isCausal: true));
        Assert.Contains("isCausal", e.Message);
        e = Assert.Throws<ArgumentException>(() => Functional.ScaledDotProductAttention(Tensor.Zeros([4]), k, v));
        Assert.Contains("at least 2 dimensions", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.ScaledDotProductAttention(q, k, v, dropoutP: 1.5f));
    }
}

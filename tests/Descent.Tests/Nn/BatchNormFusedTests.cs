using Descent.Nn;
using F = Descent.Nn.Functional;

namespace Descent.Tests.Nn;

/// <summary>
/// The fused batch-norm node against the composed elementwise formula (the definition), on shapes
/// whose rows take the vector path and its scalar tail, and its determinism across thread counts.
/// </summary>
public class BatchNormFusedTests
{
    private static Tensor Composed(Tensor x, Tensor w, Tensor b, float eps)
    {
        var dims = Enumerable.Range(0, x.Rank).Where(d => d != 1).ToArray();
        var shape = Enumerable.Repeat(1, x.Rank - 1).ToArray();
        shape[0] = x.Size(1);
        var mean = x.Mean(dims, keepDim: true);
        var centered = x - mean;
        var variance = (centered * centered).Mean(dims, keepDim: true);
        return centered * (variance + eps).Sqrt().RDiv(1f) * w.Reshape(shape) + b.Reshape(shape);
    }

    private static float MaxDiff(Tensor a, Tensor b) => a.ToArray().Zip(b.ToArray(), (p, q) => Math.Abs(p - q)).Max();

    [Theory]
    [InlineData(new[] { 5, 3, 7, 9 })]
    [InlineData(new[] { 9, 4, 33 })]
    [InlineData(new[] { 17, 6 })]
    public void Forward_and_gradients_match_the_composed_formula(int[] shape)
    {
        var g = new Generator(21);
        var x = Tensor.Randn(shape, g).Mul(2f).Add(0.5f);
        var w = Tensor.Randn([shape[1]], g);
        var b = Tensor.Randn([shape[1]], g);
        var up = Tensor.Randn(shape, g);
        Tensor[] Run(Func<Tensor, Tensor, Tensor, Tensor> f)
        {
            var (xs, ws, bs) = (x.Detach().RequireGrad(), w.Detach().RequireGrad(), b.Detach().RequireGrad());
            var y = f(xs, ws, bs);
            y.Backward(up);
            return [y, xs.Grad!, ws.Grad!, bs.Grad!];
        }
        var fused = Run((a, c, d) => F.BatchNorm(a, null, null, c, d, training: true));
        var reference = Run((a, c, d) => Composed(a, c, d, 1e-5f));
        for (int i = 0; i < 4; i++) Assert.True(MaxDiff(fused[i], reference[i]) < 2e-5f, $"output {i}: {MaxDiff(fused[i], reference[i])}");
    }

    [Fact]
    public void Weight_gradient_flows_when_the_input_needs_none_and_affine_off_works()
    {
        var g = new Generator(22);
        var x = Tensor.Randn([4, 3, 10], g);
        var w = Tensor.Randn([3], g).RequireGrad();
        F.BatchNorm(x, null, null, w, null, training: true).Sum().Backward();
        Assert.NotNull(w.Grad);
        var plain = Tensor.Randn([4, 3, 10], g).RequireGrad();
        GradCheck.Assert(t => F.BatchNorm(t[0], null, null, training: true), plain);
    }

    [Fact]
    public void Results_do_not_depend_on_the_thread_count()
    {
        var x = Tensor.Randn([64, 16, 12, 12], new Generator(23)).RequireGrad();
        float[][] Run(int threads)
        {
            int saved = Threads.Count;
            Threads.Count = threads;
            try
            {
                x.ZeroGrad();
                var bn = new BatchNorm2d(16);
                var y = bn.Forward(x);
                y.Square().Sum().Backward();
                return [y.ToArray(), x.Grad!.ToArray(), bn.RunningVar!.ToArray()];
            }
            finally { Threads.Count = saved; }
        }
        var one = Run(1);
        var two = Run(2);
        for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);
    }
}

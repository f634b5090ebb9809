using Descent.Nn;
using TorchSharp;
using static Descent.Parity.Oracle;
using F = TorchSharp.torch.nn.functional;

namespace Descent.Parity;

/// <summary>
/// Softmax, log-softmax, log-sum-exp, Log, cross-entropy, BCE and BCE-with-logits at the inputs that break
/// naive formulas: logits of exactly ±1e4 (ties, rows all at -1e4, one class far above the rest), probabilities
/// 0, 1e-45 (the smallest subnormal), 1 - 1e-7 and 1, and one-hot or subnormal probability targets. Forward values
/// and gradients match libtorch's, and are finite wherever libtorch's are (the oracle fails on a non-finite value
/// where libtorch's is finite). Completes the extremes already in LossParityTests and TensorOpParityTests.
/// </summary>
public class ExtremeNumericsParityTests
{
    private const float Tiny = 1e-45f;

    /// <summary>Rows of logits at ±1e4: mixed, tied, all at the bottom, three near the top, zeros, and one far above the rest.</summary>
    private static Tensor ExtremeLogits() => Tensor.FromArray(
    [
        1e4f, -1e4f, 0f, 1f, -1e4f,
        1e4f, 1e4f, -1e4f, -1e4f, 1e4f,
        -1e4f, -1e4f, -1e4f, -1e4f, -1e4f,
        1e4f, 1e4f - 1f, 1e4f - 2f, -1e4f, 0f,
        0f, 0f, 0f, 0f, 0f,
        -1e4f, 0f, 1e4f, 0.5f, -0.5f,
    ], 6, 5).RequireGrad();

    /// <summary>Softmax of a [rows, cols] array along <paramref name="dim"/>, in double, rounded once at the end.</summary>
    private static float[] DoubleSoftmax(float[] x, int rows, int cols, int dim)
    {
        var result = new float[x.Length];
        bool alongRows = dim is -1 or 1;
        int lines = alongRows ? rows : cols, length = alongRows ? cols : rows;
        for (int line = 0; line < lines; line++)
        {
            int At(int k) => alongRows ? line * cols + k : k * cols + line;
            double max = Enumerable.Range(0, length).Max(k => (double)x[At(k)]);
            double sum = Enumerable.Range(0, length).Sum(k => Math.Exp(x[At(k)] - max));
            for (int k = 0; k < length; k++) result[At(k)] = (float)(Math.Exp(x[At(k)] - max) / sum);
        }
        return result;
    }

    private static void AssertFinite(string what, Tensor t) =>
        Assert.True(t.ToArray().All(float.IsFinite), $"{what}: Descent gave a non-finite value: [{string.Join(", ", t.ToArray())}]");

    [Fact]
    [Parity("Tensor.Softmax", "Tensor.LogSoftmax", "Tensor.LogSumExp")]
    public void SoftmaxFamilyAtPlusMinus1e4()
    {
        var x = ExtremeLogits();
        foreach (int dim in new[] { -1, 0 })
        {
            Check($"Softmax ±1e4 dim {dim}", t => t[0].Softmax(dim), t => t[0].softmax(dim), [x]);
            Check($"LogSoftmax ±1e4 dim {dim}", t => t[0].LogSoftmax(dim), t => t[0].log_softmax(dim), [x]);
            // libtorch's gradient is exp(x - lse) with lse rounded to float32 first: at |lse| near 1e4 half an ulp is
            // 2^-11 ≈ 4.9e-4, which exp turns into a relative error of up to 4.9e-4 (measured: 3.8e-4 against the
            // exact softmax). Descent's gradient is the softmax itself: compared with libtorch within 1e-3, and with
            // softmax computed in double within 1e-6; the forward value stays within 1e-5.
            Check($"LogSumExp ±1e4 dim {dim}", t => t[0].LogSumExp(dim), t => t[0].logsumexp(dim), [x], tolerance: 1e-3);
            using (var scope = torch.NewDisposeScope())
                AssertClose($"LogSumExp ±1e4 dim {dim} forward", x.Detach().LogSumExp(dim).ToArray(), FromTorch(ToTorch(x.Detach()).logsumexp(dim)));
            var leaf = ExtremeLogits();
            leaf.LogSumExp(dim).Sum().Backward();
            AssertClose($"LogSumExp ±1e4 dim {dim} gradient vs double softmax", leaf.Grad!.ToArray(), DoubleSoftmax(x.ToArray(), 6, 5, dim), tolerance: 1e-6);
            AssertFinite($"Softmax ±1e4 dim {dim}", x.Detach().Softmax(dim));
            AssertFinite($"LogSoftmax ±1e4 dim {dim}", x.Detach().LogSoftmax(dim));
            AssertFinite($"LogSumExp ±1e4 dim {dim}", x.Detach().LogSumExp(dim));
        }
        // Gradients too: a row of ties at -1e4 must spread evenly, not divide 0 by 0.
        var y = ExtremeLogits();
        y.LogSoftmax(-1).Sum().Backward();
        AssertFinite("LogSoftmax ±1e4 gradient", y.Grad!);
    }

    [Fact]
    [Parity("Tensor.Log")]
    public void LogAtZeroSubnormalAndNearOne()
    {
        // libtorch gives -inf at 0 (and an infinite gradient there): the oracle requires the same, and finite values elsewhere.
        var x = Tensor.FromArray([0f, Tiny, 1e-38f, 1e-7f, 0.5f, 1f - 1e-7f, 1f, 1e4f], 8).RequireGrad();
        Check("Log extreme", t => t[0].Log(), t => t[0].log(), [x]);
        var positive = Tensor.FromArray([Tiny, 1e-38f, 1e-7f, 1f - 1e-7f, 1f, 1e4f], 6);
        AssertFinite("Log of positive extremes", positive.Log());
        Assert.Equal(MathF.Log(Tiny), positive.Log().ToArray()[0]);
        Assert.Equal(0f, positive.Log().ToArray()[4]);
    }

    [Fact]
    [Parity("Loss.BCELoss")]
    public void BceAtSubnormalProbabilities()
    {
        // Adds the subnormal 1e-45 (as probability and as target) to LossParityTests' 0, 1e-7, 1 - 1.2e-7 and 1.
        float[] ps = [0f, Tiny, 1e-7f, 0.5f, 1f - 1e-7f, 1f];
        float[] ys = [0f, 1f, Tiny, 1f - 1e-7f];
        var p = Tensor.FromArray(ys.SelectMany(_ => ps).ToArray(), ys.Length, ps.Length).RequireGrad();
        var y = Tensor.FromArray(ys.SelectMany(v => Enumerable.Repeat(v, ps.Length)).ToArray(), ys.Length, ps.Length);
        foreach (var r in new[] { Reduction.None, Reduction.Sum, Reduction.Mean })
        {
            Check($"BCELoss subnormal {r}", t => new BCELoss(null, r).Forward(t[0], t[1]),
                t => F.binary_cross_entropy(t[0], t[1], null, R(r)), [p, y]);
            AssertFinite($"BCELoss subnormal {r}", new BCELoss(null, r).Forward(p.Detach(), y));
        }
    }

    [Fact]
    [Parity("Loss.BCEWithLogitsLoss")]
    public void BceWithLogitsAtExtremeLogitsAndSubnormalTargets()
    {
        float[] xs = [-1e4f, -88f, -1f, 0f, 1f, 88f, 1e4f];
        float[] ys = [0f, Tiny, 1f - 1e-7f, 1f];
        var x = Tensor.FromArray(ys.SelectMany(_ => xs).ToArray(), ys.Length, xs.Length).RequireGrad();
        var y = Tensor.FromArray(ys.SelectMany(v => Enumerable.Repeat(v, xs.Length)).ToArray(), ys.Length, xs.Length);
        foreach (var r in new[] { Reduction.None, Reduction.Sum, Reduction.Mean })
        {
            Check($"BCEWithLogitsLoss subnormal targets {r}", t => new BCEWithLogitsLoss(null, r).Forward(t[0], t[1]),
                t => F.binary_cross_entropy_with_logits(t[0], t[1], null, R(r)), [x, y]);
            AssertFinite($"BCEWithLogitsLoss subnormal targets {r}", new BCEWithLogitsLoss(null, r).Forward(x.Detach(), y));
        }
    }

    [Fact]
    [Parity("Loss.CrossEntropyLoss")]
    public void CrossEntropyAtExactPlusMinus1e4()
    {
        // Class targets on the -1e4 logit (a loss of 2e4) and on ties; probability targets one-hot (exact 0 and 1)
        // and with a subnormal mass, where 0 · log_softmax(-2e4) must be 0, not NaN.
        var target = Tensor.FromArray([1f, 3f, 2f, 4f, 0f, 0f], 6);
        var oneHot = Tensor.FromArray(
        [
            0f, 1f, 0f, 0f, 0f,
            0f, 0f, 0f, 1f, 0f,
            0f, 0f, 1f, 0f, 0f,
            0f, 0f, 0f, 1f, 0f,
            1f, 0f, 0f, 0f, 0f,
            1f - 4 * Tiny, Tiny, Tiny, Tiny, Tiny,
        ], 6, 5);
        foreach (var r in new[] { Reduction.None, Reduction.Sum, Reduction.Mean })
        {
            foreach (float smoothing in new[] { 0f, 0.1f })
            {
                Check($"CrossEntropyLoss exact ±1e4 classes smoothing={smoothing} {r}", t => new CrossEntropyLoss(null, -100, r, smoothing).Forward(t[0], target),
                    t => F.cross_entropy(t[0], ToTorch(target).to(torch.int64), null, -100, R(r), smoothing), [ExtremeLogits()]);
                Check($"CrossEntropyLoss exact ±1e4 one-hot smoothing={smoothing} {r}", t => new CrossEntropyLoss(null, -100, r, smoothing).Forward(t[0], oneHot),
                    t => F.cross_entropy(t[0], ToTorch(oneHot), null, -100, R(r), smoothing), [ExtremeLogits()]);
                AssertFinite($"CrossEntropyLoss exact ±1e4 classes {r}", new CrossEntropyLoss(null, -100, r, smoothing).Forward(ExtremeLogits().Detach(), target));
                AssertFinite($"CrossEntropyLoss exact ±1e4 one-hot {r}", new CrossEntropyLoss(null, -100, r, smoothing).Forward(ExtremeLogits().Detach(), oneHot));
            }
        }
    }

    private static torch.nn.Reduction R(Reduction r) => r switch
    {
        Reduction.Mean => torch.nn.Reduction.Mean,
        Reduction.Sum => torch.nn.Reduction.Sum,
        _ => torch.nn.Reduction.None,
    };
}

using Descent.Nn;
using TorchSharp;
using static Descent.Parity.Oracle;
using F = TorchSharp.torch.nn.functional;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>
/// Every loss class and reduction against torch.nn.functional: forward values and the gradients of the
/// input (and of the target where libtorch differentiates it), including class weights, ignore indices,
/// label smoothing, probability targets, pos_weight, spatial inputs and extreme logits and probabilities.
/// </summary>
public class LossParityTests
{
    public static TheoryData<Reduction> Reductions => new() { Reduction.Mean, Reduction.Sum, Reduction.None };

    private static torch.nn.Reduction R(Reduction r) => r switch
    {
        Reduction.Mean => torch.nn.Reduction.Mean,
        Reduction.Sum => torch.nn.Reduction.Sum,
        _ => torch.nn.Reduction.None,
    };

    private static readonly int[][] Shapes = [[7], [3, 4, 5], [1], [33, 31]];

    private static TT Long(Tensor t) => ToTorch(t).to(torch.int64);

    private static void AssertFinite(string what, Tensor t) =>
        Assert.True(t.ToArray().All(float.IsFinite), $"{what}: Descent gave a non-finite value: [{string.Join(", ", t.ToArray())}]");

    [Theory, MemberData(nameof(Reductions))]
    [Parity("Loss.MSELoss", "Loss.L1Loss")]
    public void MseAndL1(Reduction r)
    {
        foreach (var shape in Shapes)
        {
            var g = new Generator((ulong)shape.Sum() + (ulong)r);
            Tensor x = Rand(g, shape), y = Rand(g, shape);
            Check($"MSELoss {r} {Shape.Format(shape)}", t => new MSELoss(r).Forward(t[0], t[1]), t => F.mse_loss(t[0], t[1], R(r)), [x, y]);
            Check($"L1Loss {r} {Shape.Format(shape)}", t => new L1Loss(r).Forward(t[0], t[1]), t => F.l1_loss(t[0], t[1], R(r)), [x, y]);
        }
    }

    [Theory, MemberData(nameof(Reductions))]
    [Parity("Loss.HuberLoss", "Loss.SmoothL1Loss")]
    public void HuberAndSmoothL1(Reduction r)
    {
        foreach (var shape in Shapes)
        {
            var g = new Generator((ulong)shape.Sum() * 3 + (ulong)r);
            Tensor x = Rand(g, shape, low: -3f, high: 3f), y = Rand(g, shape);
            foreach (float delta in new[] { 1f, 0.5f, 2.5f })
                Check($"HuberLoss delta={delta} {r} {Shape.Format(shape)}", t => new HuberLoss(r, delta).Forward(t[0], t[1]),
                    t => F.huber_loss(t[0], t[1], delta, R(r)), [x, y]);
            foreach (float beta in new[] { 1f, 0.3f, 0f })
                Check($"SmoothL1Loss beta={beta} {r} {Shape.Format(shape)}", t => new SmoothL1Loss(r, beta).Forward(t[0], t[1]),
                    t => F.smooth_l1_loss(t[0], t[1], R(r), beta), [x, y]);
        }
    }

    [Theory, MemberData(nameof(Reductions))]
    [Parity("Loss.BCELoss")]
    public void Bce(Reduction r)
    {
        var g = new Generator(41 + (ulong)r);
        var p = Rand(g, [6, 4], low: 0.02f, high: 0.98f);
        var y = Rand(g, [6, 4], low: 0f, high: 1f);
        var w = Rand(g, [4], requiresGrad: false, low: 0.1f, high: 2f);
        var wFull = Rand(g, [6, 4], requiresGrad: false, low: 0.1f, high: 2f);
        Check($"BCELoss {r}", t => new BCELoss(null, r).Forward(t[0], t[1]), t => F.binary_cross_entropy(t[0], t[1], null, R(r)), [p, y]);
        Check($"BCELoss weight [4] {r}", t => new BCELoss(w, r).Forward(t[0], t[1]), t => F.binary_cross_entropy(t[0], t[1], ToTorch(w), R(r)), [p, y]);
        Check($"BCELoss weight [6, 4] {r}", t => new BCELoss(wFull, r).Forward(t[0], t[1]), t => F.binary_cross_entropy(t[0], t[1], ToTorch(wFull), R(r)), [p, y]);
        var p1 = Rand(g, [1], low: 0.02f, high: 0.98f);
        Check($"BCELoss [1] {r}", t => new BCELoss(null, r).Forward(t[0], t[1]), t => F.binary_cross_entropy(t[0], t[1], null, R(r)), [p1, Rand(g, [1], low: 0f, high: 1f)]);
    }

    [Fact]
    [Parity("Loss.BCELoss")]
    public void BceAtProbabilitiesNearZeroAndOne()
    {
        // Exactly 0 and 1 hit libtorch's log clamp at -100 and its 1e-12 floor in the gradient's denominator.
        float[] ps = [0f, 1e-7f, 1e-4f, 0.5f, 1f - 1e-4f, 0.99999994f, 1f, 1e-30f, 1f - 1.2e-7f];
        float[] ys = [0f, 1f, 0.3f];
        var p = Tensor.FromArray(ys.SelectMany(_ => ps).ToArray(), ys.Length, ps.Length).RequireGrad();
        var y = Tensor.FromArray(ys.SelectMany(v => Enumerable.Repeat(v, ps.Length)).ToArray(), ys.Length, ps.Length);
        foreach (var r in new[] { Reduction.None, Reduction.Sum, Reduction.Mean })
        {
            Check($"BCELoss extreme {r}", t => new BCELoss(null, r).Forward(t[0], t[1]), t => F.binary_cross_entropy(t[0], t[1], null, R(r)), [p, y]);
            AssertFinite($"BCELoss extreme {r}", new BCELoss(null, r).Forward(p.Detach(), y));
        }
    }

    [Theory, MemberData(nameof(Reductions))]
    [Parity("Loss.BCEWithLogitsLoss")]
    public void BceWithLogits(Reduction r)
    {
        var g = new Generator(43 + (ulong)r);
        var x = Rand(g, [5, 3], low: -4f, high: 4f);
        var y = Rand(g, [5, 3], low: 0f, high: 1f);
        var w = Rand(g, [3], requiresGrad: false, low: 0.1f, high: 2f);
        var pw = Rand(g, [3], requiresGrad: false, low: 0.2f, high: 3f);
        var wFull = Rand(g, [5, 3], requiresGrad: false, low: 0.1f, high: 2f);
        Check($"BCEWithLogitsLoss {r}", t => new BCEWithLogitsLoss(null, r).Forward(t[0], t[1]),
            t => F.binary_cross_entropy_with_logits(t[0], t[1], null, R(r)), [x, y]);
        Check($"BCEWithLogitsLoss weight {r}", t => new BCEWithLogitsLoss(w, r).Forward(t[0], t[1]),
            t => F.binary_cross_entropy_with_logits(t[0], t[1], ToTorch(w), R(r)), [x, y]);
        Check($"BCEWithLogitsLoss posWeight {r}", t => new BCEWithLogitsLoss(null, r, pw).Forward(t[0], t[1]),
            t => F.binary_cross_entropy_with_logits(t[0], t[1], null, R(r), ToTorch(pw)), [x, y]);
        Check($"BCEWithLogitsLoss weight [5, 3] and posWeight {r}", t => new BCEWithLogitsLoss(wFull, r, pw).Forward(t[0], t[1]),
            t => F.binary_cross_entropy_with_logits(t[0], t[1], ToTorch(wFull), R(r), ToTorch(pw)), [x, y]);
    }

    [Fact]
    [Parity("Loss.BCEWithLogitsLoss")]
    public void BceWithLogitsAtExtremeLogits()
    {
        float[] xs = [-1e4f, -100f, -20f, 0f, 20f, 100f, 1e4f];
        float[] ys = [0f, 1f, 0.5f];
        var x = Tensor.FromArray(ys.SelectMany(_ => xs).ToArray(), ys.Length, xs.Length).RequireGrad();
        var y = Tensor.FromArray(ys.SelectMany(v => Enumerable.Repeat(v, xs.Length)).ToArray(), ys.Length, xs.Length);
        var pw = Tensor.FromArray([0.5f, 1f, 2f, 3f, 1f, 4f, 0.25f], xs.Length);
        foreach (var r in new[] { Reduction.None, Reduction.Sum, Reduction.Mean })
        {
            Check($"BCEWithLogitsLoss ±1e4 {r}", t => new BCEWithLogitsLoss(null, r).Forward(t[0], t[1]),
                t => F.binary_cross_entropy_with_logits(t[0], t[1], null, R(r)), [x, y]);
            Check($"BCEWithLogitsLoss ±1e4 posWeight {r}", t => new BCEWithLogitsLoss(null, r, pw).Forward(t[0], t[1]),
                t => F.binary_cross_entropy_with_logits(t[0], t[1], null, R(r), ToTorch(pw)), [x, y]);
            AssertFinite($"BCEWithLogitsLoss ±1e4 {r}", new BCEWithLogitsLoss(null, r, pw).Forward(x.Detach(), y));
        }
    }

    /// <summary>Class indices in [0, classes), with every <paramref name="ignoreEvery"/>-th position set to <paramref name="ignore"/>.</summary>
    private static Tensor Classes(Generator g, int[] shape, int classes, int ignore = -100, int ignoreEvery = 0)
    {
        var t = Tensor.RandInt(0, classes, shape, g);
        if (ignoreEvery > 0)
        {
            var d = t.DataSpan;
            for (int i = 1; i < d.Length; i += ignoreEvery) d[i] = ignore;
        }
        return t;
    }

    [Theory, MemberData(nameof(Reductions))]
    [Parity("Loss.CrossEntropyLoss")]
    public void CrossEntropyWithClassIndices(Reduction r)
    {
        var g = new Generator(47 + (ulong)r);
        var x = Rand(g, [6, 7], low: -3f, high: 3f);
        var w = Rand(g, [7], requiresGrad: false, low: 0.2f, high: 2f);
        var plain = Classes(g, [6], 7);
        var ignored = Classes(g, [6], 7, ignoreEvery: 3);
        var ignoredAt2 = Classes(g, [6], 7, ignore: 2, ignoreEvery: 2);
        foreach (var (label, target, ignore) in new[] { ("", plain, -100), (" ignore -100", ignored, -100), (" ignore 2", ignoredAt2, 2) })
        {
            foreach (var weight in new[] { null, w })
            {
                foreach (float smoothing in new[] { 0f, 0.1f, 0.35f })
                {
                    string name = $"CrossEntropyLoss{label} weight={weight != null} smoothing={smoothing} {r}";
                    Check(name, t => new CrossEntropyLoss(weight, ignore, r, smoothing).Forward(t[0], target),
                        t => F.cross_entropy(t[0], Long(target), weight == null ? null : ToTorch(weight), ignore, R(r), smoothing), [x]);
                    var ids = target.Long();
                    Check(name + " int64", t => new CrossEntropyLoss(weight, ignore, r, smoothing).Forward(t[0], ids),
                        t => F.cross_entropy(t[0], ToTorch(ids), weight == null ? null : ToTorch(weight), ignore, R(r), smoothing), [x]);
                }
            }
        }
    }

    [Theory, MemberData(nameof(Reductions))]
    [Parity("Loss.CrossEntropyLoss")]
    public void CrossEntropySpatialAndUnbatched(Reduction r)
    {
        var g = new Generator(53 + (ulong)r);
        var x = Rand(g, [2, 4, 3, 5], low: -3f, high: 3f);
        var w = Rand(g, [4], requiresGrad: false, low: 0.2f, high: 2f);
        var target = Classes(g, [2, 3, 5], 4, ignoreEvery: 4);
        foreach (float smoothing in new[] { 0f, 0.2f })
        {
            Check($"CrossEntropyLoss spatial smoothing={smoothing} {r}", t => new CrossEntropyLoss(w, -100, r, smoothing).Forward(t[0], target),
                t => F.cross_entropy(t[0], Long(target), ToTorch(w), -100, R(r), smoothing), [x]);
            Check($"CrossEntropyLoss spatial int64 smoothing={smoothing} {r}", t => Losses.CrossEntropy(t[0], target.Long(), w, -100, r, smoothing),
                t => F.cross_entropy(t[0], ToTorch(target.Long()), ToTorch(w), -100, R(r), smoothing), [x]);
        }
        var probs = Rand(g, [2, 4, 3, 5], requiresGrad: false, low: -2f, high: 2f).Softmax(1);
        Check($"CrossEntropyLoss spatial probabilities {r}", t => new CrossEntropyLoss(w, -100, r, 0.1f).Forward(t[0], probs),
            t => F.cross_entropy(t[0], ToTorch(probs), ToTorch(w), -100, R(r), 0.1), [x]);
        var x1 = Rand(g, [9], low: -3f, high: 3f);
        var t1 = Tensor.Scalar(4f);
        Check($"CrossEntropyLoss unbatched {r}", t => new CrossEntropyLoss(null, -100, r, 0.1f).Forward(t[0], t1),
            t => F.cross_entropy(t[0], Long(t1), null, -100, R(r), 0.1), [x1]);
    }

    [Theory, MemberData(nameof(Reductions))]
    [Parity("Loss.CrossEntropyLoss")]
    public void CrossEntropyFusedPathAtScale(Reduction r)
    {
        // The fused kernel's cases: a batch big enough to be split across threads, logits spread to ±100 (whose
        // exponentials overflow float unless the max is subtracted first), every ignore index and smoothing
        // mix, with and without class weights. At ±100 a logit's own rounding (ulp 7.6e-6) moves a probability
        // by that much relatively, so the comparison allows 1e-4; at ±4 it is the house's 1e-5.
        var g = new Generator(83 + (ulong)r);
        var x = Rand(g, [600, 130], low: -100f, high: 100f);
        var near = Rand(g, [600, 130], low: -4f, high: 4f);
        var w = Rand(g, [130], requiresGrad: false, low: 0.2f, high: 2f);
        var target = Classes(g, [600], 130, ignore: 5, ignoreEvery: 7);
        foreach (var (label, logits, tolerance) in new[] { ("±100", x, 1e-4), ("±4", near, Tolerance) })
            foreach (var weight in new[] { null, w })
                foreach (float smoothing in new[] { 0f, 0.25f })
                    Check($"CrossEntropyLoss fused {label} weight={weight != null} smoothing={smoothing} {r}",
                        t => Losses.CrossEntropy(t[0], target.Long(), weight, 5, r, smoothing),
                        t => F.cross_entropy(t[0], Long(target), weight == null ? null : ToTorch(weight), 5, R(r), smoothing), [logits], tolerance);
    }

    [Theory, MemberData(nameof(Reductions))]
    [Parity("Loss.CrossEntropyLoss")]
    public void CrossEntropyWithProbabilityTargets(Reduction r)
    {
        var g = new Generator(59 + (ulong)r);
        var x = Rand(g, [5, 6], low: -3f, high: 3f);
        var w = Rand(g, [6], requiresGrad: false, low: 0.2f, high: 2f);
        var probs = Rand(g, [5, 6], low: -2f, high: 2f).Softmax(1);
        foreach (var weight in new[] { null, w })
            foreach (float smoothing in new[] { 0f, 0.25f })
            {
                // The target's gradient is compared too: libtorch differentiates soft targets.
                Check($"CrossEntropyLoss probabilities weight={weight != null} smoothing={smoothing} {r}",
                    t => new CrossEntropyLoss(weight, -100, r, smoothing).Forward(t[0], t[1]),
                    t => F.cross_entropy(t[0], t[1], weight == null ? null : ToTorch(weight), -100, R(r), smoothing), [x, probs.Detach().RequireGrad()]);
            }
    }

    [Fact]
    [Parity("Loss.CrossEntropyLoss")]
    public void CrossEntropyAtExtremeLogits()
    {
        var g = new Generator(61);
        var x = Tensor.FromArray(Rand(g, [5, 7], requiresGrad: false).ToArray().Select(v => v * 5000f).ToArray(), 5, 7).RequireGrad();
        var target = Classes(g, [5], 7);
        var probs = Rand(g, [5, 7], requiresGrad: false).Softmax(1);
        foreach (var r in new[] { Reduction.None, Reduction.Sum, Reduction.Mean })
        {
            Check($"CrossEntropyLoss ±1e4 {r}", t => new CrossEntropyLoss(null, -100, r, 0.1f).Forward(t[0], target),
                t => F.cross_entropy(t[0], Long(target), null, -100, R(r), 0.1), [x]);
            Check($"CrossEntropyLoss ±1e4 probabilities {r}", t => new CrossEntropyLoss(null, -100, r).Forward(t[0], probs),
                t => F.cross_entropy(t[0], ToTorch(probs), null, -100, R(r)), [x]);
            AssertFinite($"CrossEntropyLoss ±1e4 {r}", new CrossEntropyLoss(null, -100, r, 0.1f).Forward(x.Detach(), target));
        }
    }

    [Theory, MemberData(nameof(Reductions))]
    [Parity("Loss.NLLLoss")]
    public void Nll(Reduction r)
    {
        var g = new Generator(67 + (ulong)r);
        var w = Rand(g, [5], requiresGrad: false, low: 0.2f, high: 2f);
        var x = Rand(g, [8, 5], low: -4f, high: 0f);
        var target = Classes(g, [8], 5);
        foreach (var weight in new[] { null, w })
        {
            Check($"NLLLoss weight={weight != null} {r}", t => new NLLLoss(weight, -100, r).Forward(t[0], target),
                t => F.nll_loss(t[0], Long(target), weight == null ? null : ToTorch(weight), R(r)), [x]);
        }
        var xs = Rand(g, [2, 5, 3, 4], low: -4f, high: 0f);
        var ts = Classes(g, [2, 3, 4], 5);
        Check($"NLLLoss spatial {r}", t => new NLLLoss(w, -100, r).Forward(t[0], ts),
            t => F.nll_loss(t[0], Long(ts), ToTorch(w), R(r)), [xs]);
        Check($"NLLLoss spatial int64 {r}", t => new NLLLoss(w, -100, r).Forward(t[0], ts.Long()),
            t => F.nll_loss(t[0], ToTorch(ts.Long()), ToTorch(w), R(r)), [xs]);
        var x1 = Rand(g, [5], low: -4f, high: 0f);
        // libtorch's C++ nll_loss wants a batch dimension; PyTorch's Python front end adds one for unbatched input, as here.
        Check($"NLLLoss unbatched {r}", t => new NLLLoss(w, -100, r).Forward(t[0], Tensor.Scalar(3f)),
            t =>
            {
                var loss = F.nll_loss(t[0].unsqueeze(0), torch.tensor(new long[] { 3 }), ToTorch(w), R(r));
                return r == Reduction.None ? loss.squeeze(0) : loss;
            }, [x1]);
    }

    [Theory, MemberData(nameof(Reductions))]
    [Parity("Loss.NLLLoss")]
    public void NllWithIgnoreIndex(Reduction r)
    {
        // TorchSharp's nll_loss takes no ignore_index, so libtorch gets only the kept rows (which is what
        // ignoring means: they leave both the sum and the weight total), scattered back to zeros for None.
        var g = new Generator(71 + (ulong)r);
        var w = Rand(g, [6], requiresGrad: false, low: 0.2f, high: 2f);
        var x = Rand(g, [9, 6], low: -4f, high: 0f);
        foreach (int ignore in new[] { -100, 4 })
        {
            var target = Classes(g, [9], 6, ignore, ignoreEvery: 3);
            var values = target.ToArray();
            var kept = Enumerable.Range(0, values.Length).Where(i => values[i] != ignore).Select(i => (long)i).ToArray();
            var keptTarget = torch.tensor(kept.Select(i => (long)values[i]).ToArray());
            var keptIndex = torch.tensor(kept);
            foreach (var weight in new[] { null, w })
            {
                Check($"NLLLoss ignore {ignore} weight={weight != null} {r} int64", t => Losses.NllLoss(t[0], target.Long(), weight, ignore, r),
                    t =>
                    {
                        var loss = F.nll_loss(t[0].index_select(0, keptIndex), keptTarget, weight == null ? null : ToTorch(weight), R(r));
                        return r == Reduction.None ? torch.zeros(values.Length).index_add(0, keptIndex, loss, 1) : loss;
                    }, [x]);
                Check($"NLLLoss ignore {ignore} weight={weight != null} {r}", t => new NLLLoss(weight, ignore, r).Forward(t[0], target),
                    t =>
                    {
                        var loss = F.nll_loss(t[0].index_select(0, keptIndex), keptTarget, weight == null ? null : ToTorch(weight), R(r));
                        return r == Reduction.None ? torch.zeros(values.Length).index_add(0, keptIndex, loss, 1) : loss;
                    }, [x]);
            }
        }
    }
}

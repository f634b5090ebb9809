using Descent.Nn;
using TorchSharp;
using static Descent.Parity.Oracle;
using F = TorchSharp.torch.nn.functional;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>Convolution, pooling and gather against libtorch: forward values and input, weight and bias gradients.</summary>
public class ConvPoolParityTests
{
    private static long[] L(Size2 s) => [s.H, s.W];

    // input, weight, bias, stride, padding, dilation, groups: odd sizes, non-square everything, groups and depthwise, 1x1, unbatched.
    public static TheoryData<int[], int[], bool, (int, int), (int, int), (int, int), int> Convs => new()
    {
        { [2, 3, 7, 9], [4, 3, 3, 3], true, (1, 1), (0, 0), (1, 1), 1 },
        { [1, 4, 8, 5], [6, 2, 3, 2], false, (2, 1), (1, 0), (1, 1), 2 },
        { [3, 6, 11, 10], [6, 1, 3, 3], true, (2, 2), (2, 2), (2, 2), 6 },
        { [2, 2, 5, 5], [3, 2, 1, 1], true, (1, 1), (0, 0), (1, 1), 1 },
        { [3, 9, 8], [5, 3, 4, 3], true, (1, 2), (2, 1), (2, 1), 1 },
        { [2, 6, 7, 7], [9, 2, 3, 3], false, (3, 2), (1, 1), (1, 3), 3 },
        { [1, 1, 1, 1], [1, 1, 1, 1], true, (1, 1), (0, 0), (1, 1), 1 },
        { [2, 5, 13, 4], [7, 5, 5, 2], true, (2, 3), (2, 1), (1, 1), 1 },
    };

    [Theory, MemberData(nameof(Convs))]
    [Parity("Tensor.Conv2d")]
    public void Conv2dOp(int[] x, int[] w, bool bias, (int, int) stride, (int, int) padding, (int, int) dilation, int groups)
    {
        var g = new Generator((ulong)(x.Sum() * 131 + w.Sum()));
        Size2 s = stride, p = padding, d = dilation;
        Tensor[] inputs = bias ? [Rand(g, x), Rand(g, w), Rand(g, [w[0]])] : [Rand(g, x), Rand(g, w)];
        Check("Conv2d",
            t => t[0].Conv2d(t[1], bias ? t[2] : null, s, p, d, groups),
            t => F.conv2d(t[0], t[1], bias ? t[2] : null, L(s), L(p), L(d), groups),
            inputs);
        // Input only, and weight only, exercise the branches that skip the other gradients.
        Check("Conv2d input grad only",
            t => t[0].Conv2d(t[1], null, s, p, d, groups),
            t => F.conv2d(t[0], t[1], null, L(s), L(p), L(d), groups),
            [inputs[0], inputs[1].Detach()]);
        Check("Conv2d weight grad only",
            t => t[0].Conv2d(t[1], null, s, p, d, groups),
            t => F.conv2d(t[0], t[1], null, L(s), L(p), L(d), groups),
            [inputs[0].Detach(), inputs[1]]);
    }

    [Theory, MemberData(nameof(Convs))]
    [Parity("Nn.Conv2d")]
    public void Conv2dModule(int[] x, int[] w, bool bias, (int, int) stride, (int, int) padding, (int, int) dilation, int groups)
    {
        var g = new Generator((ulong)(x.Sum() * 71 + w.Sum()));
        Size2 s = stride, p = padding, d = dilation;
        int inChannels = x[^3];
        var layer = new Conv2d(inChannels, w[0], (w[2], w[3]), s, p, d, groups, bias, g);
        ModuleOracle.Check(layer.ToString(),
            layer,
            t => F.conv2d(t[0], t[1], bias ? t[2] : null, L(s), L(p), L(d), groups),
            Rand(g, x));
    }

    // input, weight, stride, padding, dilation, groups: the padding modes over odd sizes, per-axis padding,
    // dilation, groups, unbatched; reflect pads stay under the input size, circular at most it.
    public static TheoryData<int[], int[], (int, int), (int, int), (int, int), int> PaddedConvs => new()
    {
        { [2, 3, 7, 9], [4, 3, 3, 3], (1, 1), (1, 1), (1, 1), 1 },
        { [1, 4, 8, 5], [6, 2, 3, 2], (2, 1), (2, 1), (1, 1), 2 },
        { [3, 9, 6], [5, 3, 4, 3], (1, 2), (3, 2), (2, 1), 1 },
        { [2, 2, 5, 6], [3, 2, 5, 4], (1, 1), (4, 3), (1, 2), 1 },
    };

    private static readonly (PaddingMode Ours, TorchSharp.PaddingModes Theirs)[] Modes =
    [
        (PaddingMode.Reflect, TorchSharp.PaddingModes.Reflect),
        (PaddingMode.Replicate, TorchSharp.PaddingModes.Replicate),
        (PaddingMode.Circular, TorchSharp.PaddingModes.Circular),
        (PaddingMode.Zeros, TorchSharp.PaddingModes.Zeros),
    ];

    [Theory, MemberData(nameof(PaddedConvs))]
    [Parity("Nn.Conv2d")]
    public void Conv2dPaddingModes(int[] x, int[] w, (int, int) stride, (int, int) padding, (int, int) dilation, int groups)
    {
        var g = new Generator((ulong)(x.Sum() * 17 + w.Sum()));
        Size2 s = stride, p = padding, d = dilation;
        foreach (var (ours, theirs) in Modes)
        {
            if (ours == PaddingMode.Reflect && (p.H >= x[^2] || p.W >= x[^1])) continue;
            var layer = new Conv2d(x[^3], w[0], (w[2], w[3]), s, p, d, groups, bias: true, g, paddingMode: ours);
            // PyTorch's Conv2d._conv_forward for a non-zeros mode: F.pad with the mode, then conv2d unpadded.
            ModuleOracle.Check(layer.ToString(), layer,
                t => F.conv2d(theirs == TorchSharp.PaddingModes.Zeros ? t[0] : F.pad(t[0], [p.W, p.W, p.H, p.H], theirs),
                    t[1], t[2], L(s), theirs == TorchSharp.PaddingModes.Zeros ? L(p) : [0, 0], L(d), groups),
                Rand(g, x));
        }
    }

    // input, weight, dilation, groups: odd and even kernels (an even one puts the extra padding after), dilation.
    public static TheoryData<int[], int[], (int, int), int> SameConvs => new()
    {
        { [2, 3, 7, 9], [4, 3, 3, 3], (1, 1), 1 },
        { [1, 4, 8, 5], [6, 2, 4, 2], (1, 1), 2 },
        { [3, 9, 6], [5, 3, 4, 3], (2, 1), 1 },
        { [2, 2, 6, 7], [3, 2, 2, 5], (3, 2), 1 },
        { [2, 3, 6, 7], [4, 3, 4, 4], (1, 1), 1 },
        { [1, 2, 9, 8], [2, 2, 2, 3], (2, 1), 1 },
    };

    [Theory, MemberData(nameof(SameConvs))]
    [Parity("Nn.Conv2d")]
    public void Conv2dSamePadding(int[] x, int[] w, (int, int) dilation, int groups)
    {
        var g = new Generator((ulong)(x.Sum() * 19 + w.Sum()));
        Size2 d = dilation;
        foreach (var (ours, theirs) in Modes)
        {
            var layer = new Conv2d(x[^3], w[0], (w[2], w[3]), padding: "same", dilation: d, groups: groups, generator: g, paddingMode: ours);
            var input = Rand(g, x);
            Assert.Equal(x[^2..], layer.Forward(input).Shape[^2..]);
            // libtorch's own "same" layer over the same weights: the output it gives. Its C++ layer lays a
            // non-zeros mode's "same" pads out in height-width order where F.pad wants width first (observed:
            // kernel (4, 2) on 8x5 gives 6x7), so it is the reference only where both axes pad alike.
            bool alike = d.H * (w[2] - 1) == d.W * (w[3] - 1);
            if (ours == PaddingMode.Zeros || alike)
            using (var scope = torch.NewDisposeScope())
            {
                var reference = torch.nn.Conv2d(x[^3], w[0], (w[2], w[3]), padding: TorchSharp.Padding.Same,
                    dilation: (d.H, d.W), padding_mode: theirs, groups: groups);
                using (torch.no_grad())
                {
                    reference.weight!.copy_(ToTorch(layer.Weight.Detach()));
                    reference.bias!.copy_(ToTorch(layer.Bias!.Detach()));
                }
                AssertClose($"{layer} against libtorch's layer", layer.Forward(input).ToArray(), FromTorch(reference.forward(ToTorch(input.Detach()))));
            }
            long th = d.H * (w[2] - 1), tw = d.W * (w[3] - 1);
            ModuleOracle.Check(layer.ToString(), layer,
                t => F.conv2d(F.pad(t[0], [tw / 2, tw - tw / 2, th / 2, th - th / 2], theirs), t[1], t[2], dilation: L(d), groups: groups),
                input);
        }
    }

    // input, kernel, stride, padding: overlapping windows, non-square, padding, unbatched, odd sizes.
    public static TheoryData<int[], (int, int), (int, int), (int, int)> Pools => new()
    {
        { [2, 3, 8, 8], (2, 2), (2, 2), (0, 0) },
        { [1, 2, 7, 9], (3, 3), (2, 2), (1, 1) },
        { [2, 1, 9, 6], (3, 2), (1, 2), (1, 0) },
        { [3, 7, 5], (2, 3), (2, 1), (1, 1) },
        { [1, 1, 1, 1], (1, 1), (1, 1), (0, 0) },
        { [2, 4, 11, 13], (5, 4), (3, 3), (2, 2) },
    };

    /// <summary>A random input whose values are all distinct, so every max-pool window has one winner (ties make the gradient arbitrary).</summary>
    private static Tensor Distinct(Generator g, int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var order = Tensor.Rand([n], g).ToArray().Select((v, i) => (v, i)).OrderBy(p => p.v).Select(p => p.i).ToArray();
        var values = new float[n];
        for (int k = 0; k < n; k++) values[order[k]] = -3f + 6f * k / n;
        return Tensor.FromArray(values, shape).RequireGrad();
    }

    [Theory, MemberData(nameof(Pools))]
    [Parity("Tensor.MaxPool2d", "Nn.MaxPool2d")]
    public void MaxPool(int[] x, (int, int) kernel, (int, int) stride, (int, int) padding)
    {
        Size2 k = kernel, s = stride, p = padding;
        var input = Distinct(new Generator((ulong)x.Sum()), x);
        Check("MaxPool2d", t => t[0].MaxPool2d(k, s, p), t => F.max_pool2d(t[0], L(k), L(s), L(p)), [input]);
        Check("MaxPool2d default stride", t => t[0].MaxPool2d(k), t => F.max_pool2d(t[0], L(k)), [input]);
        var layer = new MaxPool2d(k, s, p);
        ModuleOracle.Check(layer.ToString(), layer, t => F.max_pool2d(t[0], L(k), L(s), L(p)), input);
    }

    [Theory, MemberData(nameof(Pools))]
    [Parity("Tensor.AvgPool2d", "Nn.AvgPool2d")]
    public void AvgPool(int[] x, (int, int) kernel, (int, int) stride, (int, int) padding)
    {
        Size2 k = kernel, s = stride, p = padding;
        var input = Rand(new Generator((ulong)x.Sum() + 5), x);
        foreach (bool include in new[] { true, false })
        {
            Check($"AvgPool2d countIncludePad={include}", t => t[0].AvgPool2d(k, s, p, include),
                t => F.avg_pool2d(t[0], L(k), L(s), L(p), count_include_pad: include), [input]);
            var layer = new AvgPool2d(k, s, p, include);
            ModuleOracle.Check(layer.ToString(), layer, t => F.avg_pool2d(t[0], L(k), L(s), L(p), count_include_pad: include), input);
        }
        Check("AvgPool2d default stride", t => t[0].AvgPool2d(k), t => F.avg_pool2d(t[0], L(k)), [input]);
    }

    // input, kernel, stride, padding, dilation: ceil mode adding a clipped last window (odd sizes), one
    // where the extra window would start in the right padding and is dropped, dilated taps stepping out of
    // the padding, non-square everything, unbatched.
    public static TheoryData<int[], (int, int), (int, int), (int, int), (int, int)> PoolOptions => new()
    {
        { [2, 3, 7, 7], (2, 2), (2, 2), (0, 0), (1, 1) },
        { [1, 2, 8, 9], (3, 3), (2, 2), (1, 1), (1, 1) },
        { [2, 1, 5, 5], (2, 2), (3, 3), (1, 1), (1, 1) },
        { [1, 2, 10, 11], (3, 2), (2, 3), (1, 1), (2, 3) },
        { [3, 9, 8], (2, 3), (3, 2), (1, 0), (3, 2) },
        { [2, 2, 6, 13], (4, 3), (1, 4), (2, 1), (1, 2) },
    };

    [Theory, MemberData(nameof(PoolOptions))]
    [Parity("Tensor.MaxPool2d", "Nn.MaxPool2d")]
    public void MaxPoolDilationAndCeilMode(int[] x, (int, int) kernel, (int, int) stride, (int, int) padding, (int, int) dilation)
    {
        Size2 k = kernel, s = stride, p = padding, d = dilation;
        var input = Distinct(new Generator((ulong)x.Sum() + 3), x);
        foreach (bool ceil in new[] { false, true })
        {
            Check($"MaxPool2d dilation {d} ceil={ceil}", t => t[0].MaxPool2d(k, s, p, d, ceil),
                t => F.max_pool2d(t[0], L(k), L(s), L(p), L(d), ceil_mode: ceil), [input]);
            var layer = new MaxPool2d(k, s, p, d, ceil);
            ModuleOracle.Check(layer.ToString(), layer, t => F.max_pool2d(t[0], L(k), L(s), L(p), L(d), ceil_mode: ceil), input);
        }
    }

    [Theory, MemberData(nameof(PoolOptions))]
    [Parity("Tensor.AvgPool2d", "Nn.AvgPool2d")]
    public void AvgPoolCeilModeAndDivisorOverride(int[] x, (int, int) kernel, (int, int) stride, (int, int) padding, (int, int) _)
    {
        Size2 k = kernel, s = stride, p = padding;
        var input = Rand(new Generator((ulong)x.Sum() + 13), x);
        foreach (bool include in new[] { true, false })
        foreach (int? divisor in new int?[] { null, 1, 5, -3 })
        {
            string name = $"AvgPool2d ceil countIncludePad={include} divisorOverride={divisor}";
            Check(name, t => t[0].AvgPool2d(k, s, p, include, ceilMode: true, divisorOverride: divisor),
                t => F.avg_pool2d(t[0], L(k), L(s), L(p), ceil_mode: true, count_include_pad: include, divisor_override: divisor), [input]);
            Check(name.Replace("ceil", "floor"), t => t[0].AvgPool2d(k, s, p, include, ceilMode: false, divisorOverride: divisor),
                t => F.avg_pool2d(t[0], L(k), L(s), L(p), ceil_mode: false, count_include_pad: include, divisor_override: divisor), [input]);
        }
        var layer = new AvgPool2d(k, s, p, countIncludePad: false, ceilMode: true, divisorOverride: 2);
        ModuleOracle.Check(layer.ToString(), layer,
            t => F.avg_pool2d(t[0], L(k), L(s), L(p), ceil_mode: true, count_include_pad: false, divisor_override: 2), input);
    }

    // input, output size: divisible, non-divisible (overlapping bins), global, identity, upsampling, unbatched.
    public static TheoryData<int[], (int, int)> Adaptive => new()
    {
        { [2, 3, 8, 8], (4, 4) },
        { [2, 3, 7, 10], (3, 4) },
        { [1, 2, 9, 5], (1, 1) },
        { [1, 2, 5, 7], (5, 7) },
        { [1, 2, 3, 3], (5, 4) },
        { [3, 11, 13], (6, 5) },
    };

    [Theory, MemberData(nameof(Adaptive))]
    [Parity("Tensor.AdaptiveAvgPool2d", "Nn.AdaptiveAvgPool2d")]
    public void AdaptiveAvgPool(int[] x, (int, int) output)
    {
        Size2 o = output;
        var input = Rand(new Generator((ulong)x.Sum() + 9), x);
        Check("AdaptiveAvgPool2d", t => t[0].AdaptiveAvgPool2d(o), t => F.adaptive_avg_pool2d(t[0], L(o)), [input]);
        var layer = new AdaptiveAvgPool2d(o);
        ModuleOracle.Check(layer.ToString(), layer, t => F.adaptive_avg_pool2d(t[0], L(o)), input);
    }

    // input shape, dim, index shape: repeated indices (gradient accumulates), smaller index than input, 1-D, negative dim.
    public static TheoryData<int[], int, int[]> Gathers => new()
    {
        { [4, 5, 3], 1, [4, 7, 3] },
        { [4, 5, 3], 0, [2, 3, 2] },
        { [4, 5, 3], -1, [4, 5, 6] },
        { [9], 0, [12] },
        { [3, 1], 1, [3, 4] },
        { [6, 7], 0, [1, 7] },
    };

    [Theory, MemberData(nameof(Gathers))]
    [Parity("Tensor.Gather")]
    public void Gather(int[] x, int dim, int[] index)
    {
        var g = new Generator((ulong)(x.Sum() * 7 + dim + 3));
        int size = x[dim < 0 ? dim + x.Length : dim];
        var idx = IntTensor.RandInt(0, size, index, g);
        Check("Gather", t => t[0].Gather(dim, idx), t => torch.gather(t[0], dim, ToTorch(idx)), [Rand(g, x)]);
        var floatIdx = idx.Float();
        Check("Gather float index", t => t[0].Gather(dim, floatIdx), t => torch.gather(t[0], dim, ToTorch(idx)), [Rand(g, x)]);
    }

    // self shape, dim, index shape, src shape: src like the index (both get gradients) or larger (libtorch's src
    // gradient is then index-shaped and refused, so only self's is compared), 1-D, size-1 dims, negative dim.
    public static TheoryData<int[], int, int[], int[]> Scatters => new()
    {
        { [4, 5, 3], 1, [4, 3, 3], [4, 3, 3] },
        { [4, 5, 3], 0, [2, 3, 2], [3, 4, 2] },
        { [9], 0, [5], [5] },
        { [3, 1], 1, [3, 1], [3, 2] },
        { [6, 7], -2, [1, 7], [1, 7] },
        { [2, 3, 4], -1, [2, 2, 4], [2, 2, 4] },
    };

    [Theory, MemberData(nameof(Scatters))]
    [Parity("Tensor.Scatter", "Tensor.ScatterAdd")]
    public void ScatterAndScatterAdd(int[] self, int dim, int[] index, int[] src)
    {
        var g = new Generator((ulong)(self.Sum() * 11 + dim + 5));
        int d = dim < 0 ? dim + self.Length : dim;
        bool srcGrad = index.SequenceEqual(src);
        var x = Rand(g, self);
        var s = Rand(g, src, requiresGrad: srcGrad);
        // Scatter without repeated positions: libtorch leaves the winner of a repeat unspecified.
        var distinct = DistinctAlong(g, index, d, self[d]);
        Check("Scatter", t => t[0].Scatter(dim, distinct, t[1]), t => t[0].scatter(dim, ToTorch(distinct), t[1]), [x, s]);
        // ScatterAdd with repeats, which must add up; the index may be longer than self along dim.
        var repeated = IntTensor.RandInt(0, self[d], index, g);
        Check("ScatterAdd", t => t[0].ScatterAdd(dim, repeated, t[1]), t => t[0].scatter_add(dim, ToTorch(repeated), t[1]), [x, s]);
    }

    /// <summary>An index whose values along d are distinct in every fibre: a prefix of a random permutation of [0, size).</summary>
    private static IntTensor DistinctAlong(Generator g, int[] shape, int d, int size)
    {
        var values = new long[shape.Aggregate(1, (a, b) => a * b)];
        int inner = shape.Skip(d + 1).Aggregate(1, (a, b) => a * b);
        int outer = values.Length / (inner * shape[d]);
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                var perm = g.Permutation(size);
                for (int k = 0; k < shape[d]; k++) values[(o * shape[d] + k) * inner + i] = (long)perm[k];
            }
        return IntTensor.FromArray(values, shape);
    }
}

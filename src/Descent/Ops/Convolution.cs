using Descent.Kernels;

namespace Descent;

// 2-D convolution (PyTorch's `conv2d`: a cross-correlation) with stride, padding, dilation and groups.
public partial class Tensor
{
    /// <summary>
    /// Convolves this [N, C, H, W] (or unbatched [C, H, W]) input with a weight [O, C/groups, kH, kW]
    /// and adds an optional bias [O], as <c>torch.nn.functional.conv2d</c>. The output is
    /// [N, O, OH, OW] with OH = floor((H + 2·padding − dilation·(kH − 1) − 1) / stride) + 1 (same for W).
    /// Stride, padding and dilation take an int or an (h, w) tuple.
    /// <example><code>
    /// var x = Tensor.Randn([2, 3, 28, 28], g);
    /// var w = Tensor.Randn([8, 3, 3, 3], g).RequireGrad();
    /// var y = x.Conv2d(w, padding: 1);   // [2, 8, 28, 28]
    /// </code></example>
    /// </summary>
    /// <param name="weight">Filters [out_channels, in_channels/groups, kH, kW].</param>
    /// <param name="bias">Optional per-output-channel bias [out_channels].</param>
    /// <param name="stride">Step of the window (default 1).</param>
    /// <param name="padding">Zero padding added on both sides of each axis (default 0).</param>
    /// <param name="dilation">Spacing between kernel taps (default 1).</param>
    /// <param name="groups">Splits input and output channels into this many independent convolutions (default 1).</param>
    public Tensor Conv2d(Tensor weight, Tensor? bias = null, Size2? stride = null, Size2? padding = null, Size2? dilation = null, int groups = 1) =>
        Conv2d("Conv2d", weight, bias, stride ?? 1, padding ?? 0, dilation ?? 1, groups);

    /// <summary>The convolution with <paramref name="op"/> naming the caller (the op or a layer) in errors.</summary>
    internal Tensor Conv2d(string op, Tensor weight, Tensor? bias, Size2 stride, Size2 padding, Size2 dilation, int groups)
    {
        ArgumentNullException.ThrowIfNull(weight);
        WindowArgs.Positive(op, nameof(stride), stride);
        WindowArgs.NonNegative(op, nameof(padding), padding);
        WindowArgs.Positive(op, nameof(dilation), dilation);
        if (groups <= 0) throw new ArgumentOutOfRangeException(nameof(groups), groups, $"{op}: groups must be positive; got {groups}");
        string ws = Descent.Shape.Format(weight._shape), xs = Descent.Shape.Format(_shape);
        if (weight.Rank != 4 || weight._shape.Any(d => d == 0))
            throw new ArgumentException($"{op}: expected a 4-D weight [out_channels, in_channels/groups, kH, kW] with non-zero sizes; got weight {ws} for input {xs}");
        int o = weight._shape[0], cg = weight._shape[1], kh = weight._shape[2], kw = weight._shape[3];
        var (n, c, h, w) = WindowArgs.Image(op, this, $" for weight {ws}");
        if (o % groups != 0)
            throw new ArgumentException($"{op}: out_channels {o} of weight {ws} must be divisible by groups {groups}; got input {xs}");
        if (c != cg * groups)
            throw new ArgumentException(groups == 1
                ? $"{op}: expected input with {cg} channels to match weight {ws}; got input {xs}"
                : $"{op}: expected input with {cg * groups} channels ({groups} groups of {cg}) to match weight {ws}; got input {xs}");
        if (bias != null && (bias.Rank != 1 || bias._shape[0] != o))
            throw new ArgumentException($"{op}: expected bias of shape [{o}] to match weight {ws}; got bias {Descent.Shape.Format(bias._shape)}");
        int oh = ConvGeometry.OutputLength(h, kh, stride.H, padding.H, dilation.H);
        int ow = ConvGeometry.OutputLength(w, kw, stride.W, padding.W, dilation.W);
        if (oh <= 0 || ow <= 0)
            throw new ArgumentException($"{op}: input {xs} padded to {h + 2 * padding.H}x{w + 2 * padding.W} is smaller than the kernel of weight {ws} " +
                $"(dilated to {dilation.H * (kh - 1) + 1}x{dilation.W * (kw - 1) + 1}); the output would be {oh}x{ow}");

        var geo = new ConvGeometry(c, h, w, kh, kw, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, oh, ow);
        // Each group's GEMM writes its whole slice of the output, so none needs clearing first.
        var result = Uninitialized(WindowArgs.OutShape(this, n, o, oh, ow));
        Conv2dKernel.Forward(Data, weight.Data, bias == null ? default : bias.Data, n, o, groups, geo, result.DataSpan);

        var input = this;
        Tensor[] inputs = bias == null ? [input, weight] : [input, weight, bias];
        return Graph.Record(result, "Conv2d", inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            if (input.RequiresGrad)
            {
                var gx = new Tensor(input._shape);
                Conv2dKernel.BackwardInput(g.Data, weight.Data, n, o, groups, geo, gx.DataSpan);
                grads[0] = gx;
            }
            // The weight and bias kernels only add: a gradient that is not accumulated into is cleared first.
            if (weight.RequiresGrad)
            {
                grads[1] = Engine.WriteGradient(weight, (G: g, X: input, N: n, O: o, Groups: groups, Geo: geo), static (s, gw, accumulate) =>
                {
                    if (!accumulate) gw.Clear();
                    Conv2dKernel.BackwardWeight(s.G.Data, s.X.Data, s.N, s.O, s.Groups, s.Geo, gw);
                });
            }
            if (bias is { RequiresGrad: true })
            {
                grads[2] = Engine.WriteGradient(bias, (G: g, N: n, O: o, Plane: geo.OutPlane), static (s, gb, accumulate) =>
                {
                    if (!accumulate) gb.Clear();
                    Conv2dKernel.BackwardBias(s.G.Data, s.N, s.O, s.Plane, gb);
                });
            }
            return grads;
        });
    }
}

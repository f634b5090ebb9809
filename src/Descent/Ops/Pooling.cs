using Descent.Kernels;

namespace Descent;

// 2-D pooling: max, average and adaptive average, over [N, C, H, W] or unbatched [C, H, W] inputs.
public partial class Tensor
{
    /// <summary>
    /// Max pooling as <c>torch.nn.functional.max_pool2d</c>: each output is the largest value in its window;
    /// padding counts as −∞. Stride defaults to the kernel size. <paramref name="dilation"/> spaces the
    /// window's taps; <paramref name="ceilMode"/> rounds the output size up, adding a last, clipped window
    /// wherever one would still start inside the input or its left padding. The gradient flows to the
    /// winning element of each window.
    /// <example><code>
    /// var y = x.MaxPool2d(2);                              // [N, C, 28, 28] → [N, C, 14, 14]
    /// var z = x.MaxPool2d(3, stride: 2, ceilMode: true);   // [N, C, 8, 8] → [N, C, 4, 4] (floor mode: 3)
    /// </code></example>
    /// </summary>
    /// <param name="kernelSize">Window size, an int or (h, w).</param>
    /// <param name="stride">Window step (default: the kernel size).</param>
    /// <param name="padding">Implicit −∞ padding on both sides, at most half the kernel (default 0).</param>
    /// <param name="dilation">Spacing between the window's taps (default 1).</param>
    /// <param name="ceilMode">Round the output size up instead of down (default false).</param>
    public Tensor MaxPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null, bool ceilMode = false) =>
        MaxPool2d("MaxPool2d", kernelSize, stride ?? kernelSize, padding ?? 0, dilation ?? 1, ceilMode);

    internal Tensor MaxPool2d(string op, Size2 kernelSize, Size2 stride, Size2 padding, Size2 dilation, bool ceilMode)
    {
        var (n, c, h, w, oh, ow) = WindowArgs.Pool(op, this, kernelSize, stride, padding, dilation, ceilMode);
        var geo = new ConvGeometry(1, h, w, kernelSize.H, kernelSize.W, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, oh, ow);
        int planes = n * c;
        var result = Uninitialized(WindowArgs.OutShape(this, n, c, oh, ow));
        // The kernel writes every output's winner, so the array needs no clearing.
        var indices = GC.AllocateUninitializedArray<int>(result.Numel);
        PoolKernel.MaxForward(Data, planes, geo, result.DataSpan, indices);
        var input = this;
        return Graph.RecordNoArrays(result, "MaxPool2d", input, (_, g) =>
        {
            // The kernel writes every input position, so none needs clearing first.
            var gx = Uninitialized(input._shape);
            PoolKernel.MaxBackward(g.Data, indices, planes, geo, gx.DataSpan);
            return gx;
        });
    }

    /// <summary>
    /// Average pooling as <c>torch.nn.functional.avg_pool2d</c>. With <paramref name="countIncludePad"/>
    /// (PyTorch's default) zero padding counts in the divisor, so a window divides by kH·kW (less only where
    /// ceil mode's last window runs past the padding); without it, only real elements do.
    /// <paramref name="divisorOverride"/> replaces every window's divisor. <paramref name="ceilMode"/> rounds
    /// the output size up, as in <see cref="MaxPool2d(Size2, Size2?, Size2?, Size2?, bool)"/>.
    /// <example><code>
    /// var y = x.AvgPool2d(3, stride: 2, padding: 1);
    /// var sums = x.AvgPool2d(2, divisorOverride: 1);   // window sums
    /// </code></example>
    /// </summary>
    /// <param name="kernelSize">Window size, an int or (h, w).</param>
    /// <param name="stride">Window step (default: the kernel size).</param>
    /// <param name="padding">Implicit zero padding on both sides, at most half the kernel (default 0).</param>
    /// <param name="countIncludePad">Whether padded zeros count in the average's divisor.</param>
    /// <param name="ceilMode">Round the output size up instead of down (default false).</param>
    /// <param name="divisorOverride">A non-zero divisor for every window, or null for the window's count.</param>
    public Tensor AvgPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool countIncludePad = true,
        bool ceilMode = false, int? divisorOverride = null) =>
        AvgPool2d("AvgPool2d", kernelSize, stride ?? kernelSize, padding ?? 0, countIncludePad, ceilMode, divisorOverride);

    internal Tensor AvgPool2d(string op, Size2 kernelSize, Size2 stride, Size2 padding, bool countIncludePad, bool ceilMode, int? divisorOverride)
    {
        int divisor = WindowArgs.DivisorOverride(op, divisorOverride);
        var (n, c, h, w, oh, ow) = WindowArgs.Pool(op, this, kernelSize, stride, padding, 1, ceilMode);
        var geo = new ConvGeometry(1, h, w, kernelSize.H, kernelSize.W, stride.H, stride.W, padding.H, padding.W, 1, 1, oh, ow);
        int planes = n * c;
        var result = Uninitialized(WindowArgs.OutShape(this, n, c, oh, ow));
        PoolKernel.AvgForward(Data, planes, geo, countIncludePad, divisor, result.DataSpan);
        var input = this;
        return Graph.RecordNoArrays(result, "AvgPool2d", input, (_, g) =>
        {
            var gx = new Tensor(input._shape);
            PoolKernel.AvgBackward(g.Data, planes, geo, countIncludePad, divisor, gx.DataSpan);
            return gx;
        });
    }

    /// <summary>
    /// Adaptive average pooling to a fixed output size, as <c>torch.nn.functional.adaptive_avg_pool2d</c>:
    /// output row i averages input rows floor(i·H/OH) to ceil((i+1)·H/OH) (bins overlap when the sizes
    /// do not divide), and likewise for columns.
    /// <example><code>var features = x.AdaptiveAvgPool2d(1);   // global average pooling: [N, C, 1, 1]</code></example>
    /// </summary>
    /// <param name="outputSize">Output height and width, an int or (h, w).</param>
    public Tensor AdaptiveAvgPool2d(Size2 outputSize) => AdaptiveAvgPool2d("AdaptiveAvgPool2d", outputSize);

    internal Tensor AdaptiveAvgPool2d(string op, Size2 outputSize)
    {
        WindowArgs.Positive(op, nameof(outputSize), outputSize);
        string against = $" for output size {outputSize}";
        var (n, c, h, w) = WindowArgs.Image(op, this, against);
        if (c == 0 || h == 0 || w == 0)
            throw new ArgumentException($"{op}: expected non-zero channel, height and width{against}; got input {Descent.Shape.Format(_shape)}");
        int oh = outputSize.H, ow = outputSize.W, planes = n * c;
        var result = new Tensor(WindowArgs.OutShape(this, n, c, oh, ow));
        PoolKernel.AdaptiveAvgForward(Data, planes, h, w, oh, ow, result.DataSpan);
        var input = this;
        return Graph.RecordNoArrays(result, "AdaptiveAvgPool2d", input, (_, g) =>
        {
            var gx = new Tensor(input._shape);
            PoolKernel.AdaptiveAvgBackward(g.Data, planes, h, w, oh, ow, gx.DataSpan);
            return gx;
        });
    }
}

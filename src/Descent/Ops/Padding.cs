using Descent.Kernels;

namespace Descent;

/// <summary>How a convolution's padding is filled, as <c>torch.nn.Conv2d</c>'s <c>padding_mode</c>.</summary>
public enum PaddingMode
{
    /// <summary>Zeros (PyTorch's default, <c>"zeros"</c>).</summary>
    Zeros,
    /// <summary>A mirror image that leaves out the edge (<c>"reflect"</c>: [a, b, c] padded by 2 is [c, b, a, b, c, b, a]).</summary>
    Reflect,
    /// <summary>The edge repeated (<c>"replicate"</c>: [a, b, c] padded by 2 is [a, a, a, b, c, c, c]).</summary>
    Replicate,
    /// <summary>Wrap-around (<c>"circular"</c>: [a, b, c] padded by 2 is [b, c, a, b, c, a, b]).</summary>
    Circular,
}

// 2-D padding of [N, C, H, W] or [C, H, W] inputs, the step Conv2d takes before convolving when its padding
// is not symmetric zeros (reflect, replicate, circular, or "same" with an odd total).
public partial class Tensor
{
    /// <summary>
    /// Pads the last two dimensions by (top, bottom, left, right) with PyTorch's <c>F.pad</c> fill rules;
    /// reflect needs each pad under the size of its dimension, circular at most the size.
    /// </summary>
    internal Tensor Pad2d(string op, int top, int bottom, int left, int right, PaddingMode mode)
    {
        var fill = mode switch
        {
            PaddingMode.Zeros => PadFill.Zeros,
            PaddingMode.Reflect => PadFill.Reflect,
            PaddingMode.Replicate => PadFill.Replicate,
            PaddingMode.Circular => PadFill.Circular,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, $"{op}: unknown padding mode {mode}"),
        };
        var (n, c, h, w) = WindowArgs.Image(op, this, $" to pad by (top {top}, bottom {bottom}, left {left}, right {right})");
        WindowArgs.PadFits(op, this, fill, top, bottom, h, "height");
        WindowArgs.PadFits(op, this, fill, left, right, w, "width");
        int oh = h + top + bottom, ow = w + left + right, planes = n * c;
        var result = Uninitialized(WindowArgs.OutShape(this, n, c, oh, ow));
        PadKernel.Forward(Data, planes, h, w, top, bottom, left, right, fill, result.DataSpan);
        var input = this;
        return Graph.RecordNoArrays(result, "PadBackward0", input, (_, g) =>
        {
            var gx = Uninitialized(input._shape);
            PadKernel.Backward(g.Data, planes, h, w, top, bottom, left, right, fill, gx.DataSpan);
            return gx;
        });
    }
}

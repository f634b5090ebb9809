using Descent.Nn;

namespace Descent.IO.Onnx;

internal static partial class OnnxConverters
{
    private static OnnxValue Conv(OnnxGraph g, Conv2d m, string path, OnnxValue x)
    {
        RequireRank(m, path, x, 4, "[N, C, H, W]");
        // ONNX's Conv pads only with zeros; another mode would need a Pad node in front.
        if (m.PaddingMode != PaddingMode.Zeros)
            throw new NotSupportedException($"OnnxExport: module {Describe(m, path)} has no ONNX converter for padding mode {m.PaddingMode}");
        var shape = ShapeAfter(m, path, x);
        string[] inputs = m.Bias is null
            ? [x.Name, g.Weight(Child(path, "weight"), m.Weight)]
            : [x.Name, g.Weight(Child(path, "weight"), m.Weight), g.Weight(Child(path, "bias"), m.Bias)];
        var y = g.Node("Conv", path, inputs,
            OnnxAttribute.IntList("kernel_shape", Pair(m.KernelSize)),
            OnnxAttribute.IntList("strides", Pair(m.Stride)),
            OnnxAttribute.IntList("pads", m.PaddingSame ? SamePads(m) : Pads(m.Padding)),
            OnnxAttribute.IntList("dilations", Pair(m.Dilation)),
            OnnxAttribute.Int("group", m.Groups));
        return x with { Name = y, Shape = shape };
    }

    // ONNX's pads are [top, left, bottom, right]; "same" puts an odd total's extra one after.
    private static long[] SamePads(Conv2d m)
    {
        long th = (long)m.Dilation.H * (m.KernelSize.H - 1), tw = (long)m.Dilation.W * (m.KernelSize.W - 1);
        return [th / 2, tw / 2, th - th / 2, tw - tw / 2];
    }

    // PyTorch pads max pooling with −∞, which is what ONNX's MaxPool does: padded cells never win.
    private static OnnxValue MaxPool(OnnxGraph g, MaxPool2d m, string path, OnnxValue x)
    {
        RequireRank(m, path, x, 4, "[N, C, H, W]");
        var shape = ShapeAfter(m, path, x);
        var y = g.Node("MaxPool", path, [x.Name],
            OnnxAttribute.IntList("kernel_shape", Pair(m.KernelSize)),
            OnnxAttribute.IntList("strides", Pair(m.Stride)),
            OnnxAttribute.IntList("pads", Pads(m.Padding)),
            OnnxAttribute.IntList("dilations", Pair(m.Dilation)),
            OnnxAttribute.Int("ceil_mode", m.CeilMode ? 1 : 0));
        return x with { Name = y, Shape = shape };
    }

    private static OnnxValue AvgPool(OnnxGraph g, AvgPool2d m, string path, OnnxValue x)
    {
        RequireRank(m, path, x, 4, "[N, C, H, W]");
        // ONNX's AveragePool always divides by a count; it has no fixed divisor.
        if (m.DivisorOverride is not null)
            throw new NotSupportedException($"OnnxExport: module {Describe(m, path)} has no ONNX converter for divisorOverride (ONNX's AveragePool has none)");
        var shape = ShapeAfter(m, path, x);
        var y = g.Node("AveragePool", path, [x.Name],
            OnnxAttribute.IntList("kernel_shape", Pair(m.KernelSize)),
            OnnxAttribute.IntList("strides", Pair(m.Stride)),
            OnnxAttribute.IntList("pads", Pads(m.Padding)),
            OnnxAttribute.Int("count_include_pad", m.CountIncludePad ? 1 : 0),
            OnnxAttribute.Int("ceil_mode", m.CeilMode ? 1 : 0));
        return x with { Name = y, Shape = shape };
    }

    // ONNX has no adaptive pooling. Output 1×1 is global pooling; when the input divides evenly,
    // PyTorch's windows [⌊i·H/oh⌋, ⌈(i+1)·H/oh⌉) are exactly the non-overlapping windows of size H/oh.
    private static OnnxValue AdaptiveAvgPool(OnnxGraph g, AdaptiveAvgPool2d m, string path, OnnxValue x)
    {
        RequireRank(m, path, x, 4, "[N, C, H, W]");
        var shape = ShapeAfter(m, path, x);
        int h = x.Shape[2], w = x.Shape[3], oh = m.OutputSize.H, ow = m.OutputSize.W;
        if (oh == 1 && ow == 1)
            return x with { Name = g.Node("GlobalAveragePool", path, [x.Name]), Shape = shape };
        if (h % oh != 0 || w % ow != 0)
            throw new NotSupportedException(
                $"OnnxExport: module {Describe(m, path)} maps {h}x{w} to {oh}x{ow}, which ONNX can express only when the input size " +
                "is divisible by the output size (or the output is 1x1); ONNX has no adaptive pooling");
        var kernel = new Size2(h / oh, w / ow);
        var y = g.Node("AveragePool", path, [x.Name],
            OnnxAttribute.IntList("kernel_shape", Pair(kernel)),
            OnnxAttribute.IntList("strides", Pair(kernel)));
        return x with { Name = y, Shape = shape };
    }
}

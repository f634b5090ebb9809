using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation, as PyTorch's conv2d) on NCHW spans via im2col + GEMM. A weight
/// is [O, C/groups, KH, KW]; each image is unfolded into a [C·KH·KW, OH·OW] column matrix so that a
/// group's output is one GEMM: Y_g = W_g · cols_g. The backward passes reuse <see cref="Gemm"/> with
/// transpose flags instead of transposed copies. Column buffers are allocated per call.
/// </summary>
internal static class Conv2dKernel
{
    /// <summary>
    /// Unfolds one image [C, H, W] into columns [C·KH·KW, OH·OW]: row (c, ki, kj) holds, for every
    /// output position, the input value under that kernel tap, or 0 where the tap reads padding.
    /// </summary>
    public static void Im2Col(ReadOnlySpan<float> image, in ConvGeometry g, Span<float> cols)
    {
        int plane = g.OutPlane, row = 0;
        for (int c = 0; c < g.C; c++)
        {
            var channel = image.Slice(c * g.H * g.W, g.H * g.W);
            for (int ki = 0; ki < g.KH; ki++)
            {
                for (int kj = 0; kj < g.KW; kj++, row++)
                {
                    var dst = cols.Slice(row * plane, plane);
                    int offW = kj * g.DW - g.PW;
                    var (ow0, ow1) = ConvGeometry.ValidRange(offW, g.SW, g.W, g.OW);
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        var d = dst.Slice(oh * g.OW, g.OW);
                        int ih = oh * g.SH - g.PH + ki * g.DH;
                        if ((uint)ih >= (uint)g.H)
                        {
                            d.Clear();
                            continue;
                        }
                        d[..ow0].Clear();
                        d[ow1..].Clear();
                        var src = channel.Slice(ih * g.W);
                        if (g.SW == 1) src.Slice(ow0 + offW, ow1 - ow0).CopyTo(d[ow0..ow1]);
                        else for (int ow = ow0; ow < ow1; ow++) d[ow] = src[ow * g.SW + offW];
                    }
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Im2Col"/>: adds each column entry back onto the input pixel it was read
    /// from (entries that came from padding are dropped). Accumulates into <paramref name="image"/>.
    /// </summary>
    public static void Col2Im(ReadOnlySpan<float> cols, in ConvGeometry g, Span<float> image)
    {
        int plane = g.OutPlane, row = 0;
        for (int c = 0; c < g.C; c++)
        {
            var channel = image.Slice(c * g.H * g.W, g.H * g.W);
            for (int ki = 0; ki < g.KH; ki++)
            {
                for (int kj = 0; kj < g.KW; kj++, row++)
                {
                    var srcRow = cols.Slice(row * plane, plane);
                    int offW = kj * g.DW - g.PW;
                    var (ow0, ow1) = ConvGeometry.ValidRange(offW, g.SW, g.W, g.OW);
                    if (ow0 == ow1) continue;
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = oh * g.SH - g.PH + ki * g.DH;
                        if ((uint)ih >= (uint)g.H) continue;
                        var s = srcRow.Slice(oh * g.OW, g.OW);
                        var dst = channel.Slice(ih * g.W);
                        if (g.SW == 1)
                        {
                            var d = dst.Slice(ow0 + offW, ow1 - ow0);
                            TensorPrimitives.Add(d, s[ow0..ow1], d);
                        }
                        else for (int ow = ow0; ow < ow1; ow++) dst[ow * g.SW + offW] += s[ow];
                    }
                }
            }
        }
    }

    /// <summary>
    /// Forward: output [N, O, OH, OW] = conv(input [N, C, H, W], weight [O, C/groups, KH, KW]) + bias [O].
    /// <paramref name="g"/> describes one image with all C channels.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int n, int outChannels, int groups, in ConvGeometry g, Span<float> output)
    {
        int plane = g.OutPlane, og = outChannels / groups, kg = g.ColRows / groups;
        float[]? buffer = g.IsPointwise ? null : new float[g.ColRows * plane];
        for (int b = 0; b < n; b++)
        {
            var image = input.Slice(b * g.ImageSize, g.ImageSize);
            ReadOnlySpan<float> cols = image;
            if (buffer != null)
            {
                Im2Col(image, g, buffer);
                cols = buffer;
            }
            var y = output.Slice(b * outChannels * plane, outChannels * plane);
            for (int gr = 0; gr < groups; gr++)
                Gemm.Run(false, false, og, plane, kg, weight.Slice(gr * og * kg, og * kg),
                    cols.Slice(gr * kg * plane, kg * plane), y.Slice(gr * og * plane, og * plane));
            if (!bias.IsEmpty)
                for (int o = 0; o < outChannels; o++)
                {
                    var row = y.Slice(o * plane, plane);
                    TensorPrimitives.Add(row, bias[o], row);
                }
        }
    }

    /// <summary>
    /// Input gradient: per image, dcols_g = W_gᵀ · dY_g (a transposed-A GEMM), then <see cref="Col2Im"/>
    /// folds the columns back onto [C, H, W]. Accumulates into <paramref name="gradInput"/>.
    /// </summary>
    public static void BackwardInput(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        int n, int outChannels, int groups, in ConvGeometry g, Span<float> gradInput)
    {
        int plane = g.OutPlane, og = outChannels / groups, kg = g.ColRows / groups;
        var dcols = new float[g.ColRows * plane];
        for (int b = 0; b < n; b++)
        {
            var dy = gradOutput.Slice(b * outChannels * plane, outChannels * plane);
            var dx = gradInput.Slice(b * g.ImageSize, g.ImageSize);
            for (int gr = 0; gr < groups; gr++)
                Gemm.Run(true, false, kg, plane, og, weight.Slice(gr * og * kg, og * kg),
                    dy.Slice(gr * og * plane, og * plane), dcols.AsSpan(gr * kg * plane, kg * plane));
            if (g.IsPointwise) TensorPrimitives.Add(dx, dcols, dx);
            else Col2Im(dcols, g, dx);
        }
    }

    /// <summary>
    /// Weight gradient: dW_g += dY_g · cols_gᵀ summed over the batch (a transposed-B GEMM into
    /// <paramref name="gradWeight"/>, which it accumulates into).
    /// </summary>
    public static void BackwardWeight(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> input,
        int n, int outChannels, int groups, in ConvGeometry g, Span<float> gradWeight)
    {
        int plane = g.OutPlane, og = outChannels / groups, kg = g.ColRows / groups;
        float[]? buffer = g.IsPointwise ? null : new float[g.ColRows * plane];
        for (int b = 0; b < n; b++)
        {
            var image = input.Slice(b * g.ImageSize, g.ImageSize);
            ReadOnlySpan<float> cols = image;
            if (buffer != null)
            {
                Im2Col(image, g, buffer);
                cols = buffer;
            }
            var dy = gradOutput.Slice(b * outChannels * plane, outChannels * plane);
            for (int gr = 0; gr < groups; gr++)
                Gemm.Run(false, true, og, kg, plane, dy.Slice(gr * og * plane, og * plane),
                    cols.Slice(gr * kg * plane, kg * plane), gradWeight.Slice(gr * og * kg, og * kg), accumulate: true);
        }
    }

    /// <summary>Bias gradient: the output gradient [N, O, plane] summed over N and the plane, added to <paramref name="gradBias"/>.</summary>
    public static void BackwardBias(ReadOnlySpan<float> gradOutput, int n, int outChannels, int plane, Span<float> gradBias)
    {
        for (int b = 0; b < n; b++)
            for (int o = 0; o < outChannels; o++)
                gradBias[o] += TensorPrimitives.Sum(gradOutput.Slice((b * outChannels + o) * plane, plane));
    }
}

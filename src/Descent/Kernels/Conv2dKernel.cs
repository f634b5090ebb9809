using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation, as PyTorch's conv2d) on NCHW spans via im2col + GEMM. A weight
/// is [O, C/groups, KH, KW]; each image is unfolded into a [C·KH·KW, OH·OW] column matrix so that a
/// group's output is one GEMM: Y_g = W_g · cols_g. The backward passes reuse <see cref="Gemm"/> with
/// transpose flags instead of transposed copies. Column buffers come from the per-thread <see cref="ScratchPool"/>.
/// </summary>
internal static class Conv2dKernel
{
    /// <summary>
    /// Unfolds one image [C, H, W] into columns [C·KH·KW, OH·OW]: row (c, ki, kj) holds, for every
    /// output position, the input value under that kernel tap, or 0 where the tap reads padding.
    /// </summary>
    public static void Im2Col(ReadOnlySpan<float> image, in ConvGeometry g, Span<float> cols)
    {
        if (g is { SH: 1, SW: 1, PH: 0, PW: 0, DH: 1, DW: 1 })
        {
            Im2ColDense(image, g, cols);
            return;
        }
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
                        if (ow0 > 0) d[..ow0].Clear();
                        if (ow1 < g.OW) d[ow1..].Clear();
                        var src = channel.Slice(ih * g.W);
                        if (g.SW == 1) ShortRuns.Copy(src.Slice(ow0 + offW, ow1 - ow0), d[ow0..ow1]);
                        else for (int ow = ow0; ow < ow1; ow++) d[ow] = src[ow * g.SW + offW];
                    }
                }
            }
        }
    }

    /// <summary>
    /// <see cref="Im2Col"/> for stride 1, no padding and no dilation (LeNet's convolutions): every tap
    /// reads whole runs of OW pixels, so each output row is one short copy, with no clipping to check.
    /// </summary>
    private static unsafe void Im2ColDense(ReadOnlySpan<float> image, in ConvGeometry g, Span<float> cols)
    {
        fixed (float* pi = image, pc = cols) DenseRuns(pi, pc, image.Length, cols.Length, g, fold: false);
    }

    /// <summary>
    /// Walks the taps of a stride-1, unpadded, undilated convolution: each output row of each tap is a
    /// run of OW pixels. Copies the runs into the columns (im2col), or adds the columns back onto them
    /// when <paramref name="fold"/> (col2im), in the same order either way.
    /// </summary>
    private static unsafe void DenseRuns(float* image, float* cols, int imageLength, int colsLength, in ConvGeometry g, bool fold)
    {
        int h = g.H, w = g.W, oh = g.OH, ow = g.OW;
        if (imageLength < g.ImageSize || colsLength < g.ColRows * g.OutPlane)
            throw new ArgumentException("Conv2d: image or columns shorter than the geometry");
        float* col = cols;
        for (int c = 0; c < g.C; c++)
            for (int ki = 0; ki < g.KH; ki++)
                for (int kj = 0; kj < g.KW; kj++)
                {
                    float* pixel = image + (long)c * h * w + ki * w + kj;
                    for (int r = 0; r < oh; r++, pixel += w, col += ow)
                    {
                        if (fold) ShortRuns.Add(col, pixel, ow);
                        else ShortRuns.Copy(pixel, col, ow);
                    }
                }
    }

    /// <summary>
    /// The adjoint of <see cref="Im2Col"/>: adds each column entry back onto the input pixel it was read
    /// from (entries that came from padding are dropped). Accumulates into <paramref name="image"/>.
    /// </summary>
    public static void Col2Im(ReadOnlySpan<float> cols, in ConvGeometry g, Span<float> image)
    {
        if (g is { SH: 1, SW: 1, PH: 0, PW: 0, DH: 1, DW: 1 })
        {
            Col2ImDense(cols, g, image);
            return;
        }
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
                        if (g.SW == 1) ShortRuns.Add(s[ow0..ow1], dst.Slice(ow0 + offW, ow1 - ow0));
                        else for (int ow = ow0; ow < ow1; ow++) dst[ow * g.SW + offW] += s[ow];
                    }
                }
            }
        }
    }

    /// <summary><see cref="Col2Im"/> for stride 1, no padding and no dilation: each output row adds onto one run of pixels.</summary>
    private static unsafe void Col2ImDense(ReadOnlySpan<float> cols, in ConvGeometry g, Span<float> image)
    {
        fixed (float* pi = image, pc = cols) DenseRuns(pi, pc, image.Length, cols.Length, g, fold: true);
    }

    /// <summary>
    /// Forward: output [N, O, OH, OW] = conv(input [N, C, H, W], weight [O, C/groups, KH, KW]) + bias [O].
    /// <paramref name="g"/> describes one image with all C channels. Images are split across threads
    /// (each writes only its own output), each part with its own pooled column buffer.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int n, int outChannels, int groups, in ConvGeometry g, Span<float> output)
        => Dispatch(Pass.Forward, input, weight, bias, default, n, outChannels, groups, g, output);

    /// <summary>
    /// Input gradient: per image, dcols_g = W_gᵀ · dY_g (a transposed-A GEMM), then <see cref="Col2Im"/>
    /// folds the columns back onto [C, H, W]. Accumulates into <paramref name="gradInput"/>; images are
    /// split across threads.
    /// </summary>
    public static void BackwardInput(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        int n, int outChannels, int groups, in ConvGeometry g, Span<float> gradInput)
        => Dispatch(Pass.BackwardInput, default, weight, default, gradOutput, n, outChannels, groups, g, gradInput);

    /// <summary>
    /// Weight gradient: dW_g += dY_g · cols_gᵀ summed over the batch (a transposed-B GEMM into
    /// <paramref name="gradWeight"/>, which it accumulates into). With several parts, each sums its own
    /// images into a private buffer and the buffers are added in part order: the result depends on the
    /// thread count but never on timing.
    /// </summary>
    public static void BackwardWeight(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> input,
        int n, int outChannels, int groups, in ConvGeometry g, Span<float> gradWeight)
        => Dispatch(Pass.BackwardWeight, input, default, default, gradOutput, n, outChannels, groups, g, gradWeight);

    private enum Pass { Forward, BackwardInput, BackwardWeight }

    private unsafe struct Args
    {
        public Pass Pass;
        public float* Input, Weight, Bias, GradOutput, Destination, Scratch, Partials;
        public int BiasLength, N, OutChannels, Groups, Parts, ScratchPerPart, DestinationLength;
        public ConvGeometry G;
    }

    private static unsafe void Dispatch(Pass pass, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> gradOutput, int n, int outChannels, int groups, in ConvGeometry g, Span<float> destination)
    {
        if (n == 0) return;
        long macsPerImage = (long)outChannels * (g.ColRows / groups) * g.OutPlane;
        int parts = ParallelPartition.Parts(macsPerImage * n, Gemm.MacsPerThread, n);
        bool needsCols = pass != Pass.BackwardInput ? !g.IsPointwise : true;
        int scratchPerPart = needsCols ? g.ColRows * g.OutPlane : 0;
        var scratch = ScratchPool.Rent(scratchPerPart * parts);
        bool partials = pass == Pass.BackwardWeight && parts > 1;
        var partial = partials ? ScratchPool.Rent(destination.Length * parts) : [];
        try
        {
            if (partials) Array.Clear(partial);
            fixed (float* pi = input, pw = weight, pb = bias, pg = gradOutput, pd = destination, ps = scratch, pp = partial)
            {
                var args = new Args
                {
                    Pass = pass, Input = pi, Weight = pw, Bias = pb, GradOutput = pg, Destination = pd, Scratch = ps, Partials = pp,
                    BiasLength = bias.Length, N = n, OutChannels = outChannels, Groups = groups, Parts = parts,
                    ScratchPerPart = scratchPerPart, DestinationLength = destination.Length, G = g,
                };
                if (parts == 1) Part(0, &args);
                else ParallelPool.Run(parts, &Part, &args);
            }
            if (partials)
                for (int p = 0; p < parts; p++)
                    TensorPrimitives.Add(destination, partial.AsSpan(p * destination.Length, destination.Length), destination);
        }
        finally
        {
            ScratchPool.Return(scratch);
            if (partials) ScratchPool.Return(partial);
        }
    }

    /// <summary>One image's GEMM operand: its columns unfolded into <paramref name="cols"/>, or the image itself for a pointwise convolution (no scratch).</summary>
    private static ReadOnlySpan<float> Columns(ReadOnlySpan<float> image, in ConvGeometry g, Span<float> cols)
    {
        if (cols.IsEmpty) return image;
        Im2Col(image, g, cols);
        return cols;
    }

    private static unsafe void Part(int part, void* state)
    {
        ref var a = ref *(Args*)state;
        var g = a.G;
        var (start, end) = ParallelPartition.Range(a.N, a.Parts, part);
        var cols = new Span<float>(a.Scratch + (long)part * a.ScratchPerPart, a.ScratchPerPart);
        int plane = g.OutPlane, og = a.OutChannels / a.Groups, kg = g.ColRows / a.Groups;
        long outImage = (long)a.OutChannels * plane;
        switch (a.Pass)
        {
            case Pass.Forward:
            {
                var weight = new ReadOnlySpan<float>(a.Weight, a.OutChannels * kg);
                var bias = new ReadOnlySpan<float>(a.Bias, a.BiasLength);
                for (int b = start; b < end; b++)
                {
                    var c = Columns(new ReadOnlySpan<float>(a.Input + (long)b * g.ImageSize, g.ImageSize), g, cols);
                    var y = new Span<float>(a.Destination + b * outImage, (int)outImage);
                    for (int gr = 0; gr < a.Groups; gr++)
                        Gemm.Run(false, false, og, plane, kg, weight.Slice(gr * og * kg, og * kg),
                            c.Slice(gr * kg * plane, kg * plane), y.Slice(gr * og * plane, og * plane));
                    if (!bias.IsEmpty)
                        for (int o = 0; o < a.OutChannels; o++)
                        {
                            var row = y.Slice(o * plane, plane);
                            TensorPrimitives.Add(row, bias[o], row);
                        }
                }
                break;
            }
            case Pass.BackwardInput:
            {
                var weight = new ReadOnlySpan<float>(a.Weight, a.OutChannels * kg);
                for (int b = start; b < end; b++)
                {
                    var dy = new ReadOnlySpan<float>(a.GradOutput + b * outImage, (int)outImage);
                    var dx = new Span<float>(a.Destination + (long)b * g.ImageSize, g.ImageSize);
                    for (int gr = 0; gr < a.Groups; gr++)
                        Gemm.Run(true, false, kg, plane, og, weight.Slice(gr * og * kg, og * kg),
                            dy.Slice(gr * og * plane, og * plane), cols.Slice(gr * kg * plane, kg * plane));
                    if (g.IsPointwise) TensorPrimitives.Add(dx, cols, dx);
                    else Col2Im(cols, g, dx);
                }
                break;
            }
            default:
            {
                var gw = a.Parts > 1
                    ? new Span<float>(a.Partials + (long)part * a.DestinationLength, a.DestinationLength)
                    : new Span<float>(a.Destination, a.DestinationLength);
                for (int b = start; b < end; b++)
                {
                    var c = Columns(new ReadOnlySpan<float>(a.Input + (long)b * g.ImageSize, g.ImageSize), g, cols);
                    var dy = new ReadOnlySpan<float>(a.GradOutput + b * outImage, (int)outImage);
                    for (int gr = 0; gr < a.Groups; gr++)
                        Gemm.Run(false, true, og, kg, plane, dy.Slice(gr * og * plane, og * plane),
                            c.Slice(gr * kg * plane, kg * plane), gw.Slice(gr * og * kg, og * kg), accumulate: true);
                }
                break;
            }
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

namespace Descent.Kernels;

/// <summary>
/// 2-D pooling over independent H×W planes (N·C of them, NCHW order), with PyTorch's window rules.
/// The geometry's C is ignored: each call passes the number of planes.
/// </summary>
internal static class PoolKernel
{
    /// <summary>
    /// Max pooling. Padding acts as −∞ (never chosen); a NaN in a window wins (the last one, as in PyTorch's CPU kernel). Writes each
    /// output's winning position within its plane (h·W + w, PyTorch's index convention) to <paramref name="indices"/>.
    /// </summary>
    public static void MaxForward(ReadOnlySpan<float> input, int planes, in ConvGeometry g, Span<float> output, Span<int> indices)
    {
        int inPlane = g.H * g.W, outPlane = g.OutPlane;
        for (int p = 0; p < planes; p++)
        {
            var x = input.Slice(p * inPlane, inPlane);
            var y = output.Slice(p * outPlane, outPlane);
            var ix = indices.Slice(p * outPlane, outPlane);
            for (int oh = 0; oh < g.OH; oh++)
            {
                int h0 = oh * g.SH - g.PH, h1 = Math.Min(h0 + g.KH, g.H);
                h0 = Math.Max(h0, 0);
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int w0 = ow * g.SW - g.PW, w1 = Math.Min(w0 + g.KW, g.W);
                    w0 = Math.Max(w0, 0);
                    float best = float.NegativeInfinity;
                    int bestIndex = h0 * g.W + w0;
                    for (int h = h0; h < h1; h++)
                    {
                        for (int w = w0; w < w1; w++)
                        {
                            float v = x[h * g.W + w];
                            if (v > best || float.IsNaN(v))
                            {
                                best = v;
                                bestIndex = h * g.W + w;
                            }
                        }
                    }
                    y[oh * g.OW + ow] = best;
                    ix[oh * g.OW + ow] = bestIndex;
                }
            }
        }
    }

    /// <summary>Max pooling backward: each output gradient goes to its saved winner (accumulating where windows overlap).</summary>
    public static void MaxBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> indices, int planes, in ConvGeometry g, Span<float> gradInput)
    {
        int inPlane = g.H * g.W, outPlane = g.OutPlane;
        for (int p = 0; p < planes; p++)
        {
            var dx = gradInput.Slice(p * inPlane, inPlane);
            var dy = gradOutput.Slice(p * outPlane, outPlane);
            var ix = indices.Slice(p * outPlane, outPlane);
            for (int i = 0; i < outPlane; i++) dx[ix[i]] += dy[i];
        }
    }

    /// <summary>
    /// Average pooling. The divisor follows PyTorch: with <paramref name="countIncludePad"/> it is the
    /// window's size clipped to the padded input (the full kernel area when ceil mode is off); otherwise
    /// the number of real input elements in the window.
    /// </summary>
    public static void AvgForward(ReadOnlySpan<float> input, int planes, in ConvGeometry g, bool countIncludePad, Span<float> output)
    {
        int inPlane = g.H * g.W, outPlane = g.OutPlane;
        for (int p = 0; p < planes; p++)
        {
            var x = input.Slice(p * inPlane, inPlane);
            var y = output.Slice(p * outPlane, outPlane);
            for (int oh = 0; oh < g.OH; oh++)
            {
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var (h0, h1, w0, w1, divisor) = AvgWindow(oh, ow, g, countIncludePad);
                    float sum = 0f;
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++) sum += x[h * g.W + w];
                    y[oh * g.OW + ow] = sum / divisor;
                }
            }
        }
    }

    /// <summary>Average pooling backward: each output gradient is spread evenly (÷ divisor) over its window.</summary>
    public static void AvgBackward(ReadOnlySpan<float> gradOutput, int planes, in ConvGeometry g, bool countIncludePad, Span<float> gradInput)
    {
        int inPlane = g.H * g.W, outPlane = g.OutPlane;
        for (int p = 0; p < planes; p++)
        {
            var dx = gradInput.Slice(p * inPlane, inPlane);
            var dy = gradOutput.Slice(p * outPlane, outPlane);
            for (int oh = 0; oh < g.OH; oh++)
            {
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var (h0, h1, w0, w1, divisor) = AvgWindow(oh, ow, g, countIncludePad);
                    float share = dy[oh * g.OW + ow] / divisor;
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++) dx[h * g.W + w] += share;
                }
            }
        }
    }

    private static (int H0, int H1, int W0, int W1, int Divisor) AvgWindow(int oh, int ow, in ConvGeometry g, bool countIncludePad)
    {
        int h0 = oh * g.SH - g.PH, w0 = ow * g.SW - g.PW;
        int h1 = Math.Min(h0 + g.KH, g.H + g.PH), w1 = Math.Min(w0 + g.KW, g.W + g.PW);
        int padded = (h1 - h0) * (w1 - w0);
        h0 = Math.Max(h0, 0);
        w0 = Math.Max(w0, 0);
        h1 = Math.Min(h1, g.H);
        w1 = Math.Min(w1, g.W);
        return (h0, h1, w0, w1, countIncludePad ? padded : (h1 - h0) * (w1 - w0));
    }

    /// <summary>
    /// Adaptive average pooling of [planes, H, W] to [planes, OH, OW] with PyTorch's bins: output i
    /// averages input rows floor(i·H/OH) to ceil((i+1)·H/OH), so bins overlap when the sizes do not divide.
    /// </summary>
    public static void AdaptiveAvgForward(ReadOnlySpan<float> input, int planes, int h, int w, int oh, int ow, Span<float> output)
    {
        for (int p = 0; p < planes; p++)
        {
            var x = input.Slice(p * h * w, h * w);
            var y = output.Slice(p * oh * ow, oh * ow);
            for (int i = 0; i < oh; i++)
            {
                var (h0, h1) = AdaptiveBin(i, h, oh);
                for (int j = 0; j < ow; j++)
                {
                    var (w0, w1) = AdaptiveBin(j, w, ow);
                    float sum = 0f;
                    for (int r = h0; r < h1; r++)
                        for (int c = w0; c < w1; c++) sum += x[r * w + c];
                    y[i * ow + j] = sum / ((h1 - h0) * (w1 - w0));
                }
            }
        }
    }

    /// <summary>Adaptive average pooling backward: each output gradient spread evenly over its bin.</summary>
    public static void AdaptiveAvgBackward(ReadOnlySpan<float> gradOutput, int planes, int h, int w, int oh, int ow, Span<float> gradInput)
    {
        for (int p = 0; p < planes; p++)
        {
            var dx = gradInput.Slice(p * h * w, h * w);
            var dy = gradOutput.Slice(p * oh * ow, oh * ow);
            for (int i = 0; i < oh; i++)
            {
                var (h0, h1) = AdaptiveBin(i, h, oh);
                for (int j = 0; j < ow; j++)
                {
                    var (w0, w1) = AdaptiveBin(j, w, ow);
                    float share = dy[i * ow + j] / ((h1 - h0) * (w1 - w0));
                    for (int r = h0; r < h1; r++)
                        for (int c = w0; c < w1; c++) dx[r * w + c] += share;
                }
            }
        }
    }

    /// <summary>PyTorch's adaptive bin [floor(i·in/out), ceil((i+1)·in/out)).</summary>
    public static (int Start, int End) AdaptiveBin(int i, int input, int output) =>
        ((int)((long)i * input / output), (int)(((long)(i + 1) * input + output - 1) / output));
}

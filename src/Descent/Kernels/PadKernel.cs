namespace Descent.Kernels;

/// <summary>How <see cref="PadKernel"/> fills the border: zeros, a mirror without the edge, the edge repeated, or wrap-around.</summary>
internal enum PadFill { Zeros, Reflect, Replicate, Circular }

/// <summary>
/// 2-D padding of independent H×W planes (NCHW order) by top, bottom, left and right amounts, with
/// PyTorch's fills (<c>F.pad</c> modes constant 0, reflect, replicate, circular). Callers check that
/// reflect pads are under the size and circular ones at most the size.
/// </summary>
internal static class PadKernel
{
    /// <summary>Writes every element of the padded [planes, H + top + bottom, W + left + right] output.</summary>
    public static void Forward(ReadOnlySpan<float> input, int planes, int h, int w, int top, int bottom, int left, int right, PadFill fill, Span<float> output)
    {
        int oh = h + top + bottom, ow = w + left + right;
        for (int p = 0; p < planes; p++)
        {
            var x = input.Slice(p * h * w, h * w);
            var y = output.Slice(p * oh * ow, oh * ow);
            for (int r = 0; r < oh; r++)
            {
                int sr = Source(r - top, h, fill);
                for (int c = 0; c < ow; c++)
                {
                    int sc = Source(c - left, w, fill);
                    y[r * ow + c] = sr < 0 || sc < 0 ? 0f : x[sr * w + sc];
                }
            }
        }
    }

    /// <summary>
    /// Adds each padded position's gradient into the input element it was copied from (border copies add
    /// into their edge), in output order so repeated sources accumulate deterministically; zero padding
    /// passes nothing back. Overwrites <paramref name="gradInput"/>.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> gradOutput, int planes, int h, int w, int top, int bottom, int left, int right, PadFill fill, Span<float> gradInput)
    {
        int oh = h + top + bottom, ow = w + left + right;
        gradInput.Slice(0, planes * h * w).Clear();
        for (int p = 0; p < planes; p++)
        {
            var dx = gradInput.Slice(p * h * w, h * w);
            var dy = gradOutput.Slice(p * oh * ow, oh * ow);
            for (int r = 0; r < oh; r++)
            {
                int sr = Source(r - top, h, fill);
                if (sr < 0) continue;
                for (int c = 0; c < ow; c++)
                {
                    int sc = Source(c - left, w, fill);
                    if (sc >= 0) dx[sr * w + sc] += dy[r * ow + c];
                }
            }
        }
    }

    /// <summary>The input coordinate that padded coordinate <paramref name="i"/> copies, or -1 for a zero.</summary>
    private static int Source(int i, int n, PadFill fill)
    {
        if (i >= 0 && i < n) return i;
        return fill switch
        {
            PadFill.Reflect => i < 0 ? -i : 2 * (n - 1) - i,
            PadFill.Replicate => i < 0 ? 0 : n - 1,
            PadFill.Circular => ((i % n) + n) % n,
            _ => -1,
        };
    }
}

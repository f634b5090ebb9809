namespace Descent.Kernels;

/// <summary>
/// The geometry of a 2-D sliding window over one image of <see cref="C"/> planes of H×W: kernel,
/// stride, padding and dilation per axis and the resulting output size, shared by the convolution and
/// pooling kernels. Callers compute <see cref="OH"/>/<see cref="OW"/> with PyTorch's formula and check
/// them before calling a kernel.
/// </summary>
internal readonly record struct ConvGeometry(
    int C, int H, int W, int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW, int OH, int OW)
{
    /// <summary>Elements of one input image (C·H·W).</summary>
    public int ImageSize => C * H * W;

    /// <summary>Output positions per plane (OH·OW), the columns of the im2col matrix.</summary>
    public int OutPlane => OH * OW;

    /// <summary>Rows of the im2col matrix (C·KH·KW).</summary>
    public int ColRows => C * KH * KW;

    /// <summary>True when im2col would copy the image unchanged (1×1 kernel, stride 1, no padding).</summary>
    public bool IsPointwise => KH == 1 && KW == 1 && SH == 1 && SW == 1 && PH == 0 && PW == 0;

    /// <summary>
    /// PyTorch's output length for one axis: floor((in + 2·pad − dil·(k − 1) − 1) / stride) + 1, with
    /// floor division so a too-small input gives a non-positive size instead of rounding up to 1.
    /// </summary>
    public static int OutputLength(int input, int kernel, int stride, int padding, int dilation) =>
        (int)Math.Floor((input + 2.0 * padding - dilation * (kernel - 1.0) - 1.0) / stride) + 1;

    /// <summary>
    /// PyTorch's pooling output length for one axis (<c>pooling_output_shape</c>): the convolution formula,
    /// rounded up instead of down in ceil mode, where a last window that would start past the input and its
    /// left padding is dropped (it would hold nothing but right padding).
    /// </summary>
    public static int PoolOutputLength(int input, int kernel, int stride, int padding, int dilation, bool ceilMode)
    {
        long span = (long)input + 2L * padding - (long)dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        long length = (long)Math.Floor((double)span / stride) + 1;
        if (ceilMode && (length - 1) * stride >= (long)input + padding) length--;
        return (int)Math.Clamp(length, int.MinValue, int.MaxValue);
    }

    /// <summary>
    /// The output positions o in [start, end) whose tap o·stride + offset lands inside [0, length);
    /// the others read padding.
    /// </summary>
    public static (int Start, int End) ValidRange(int offset, int stride, int length, int outLength)
    {
        int start = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int last = length - 1 - offset;
        int end = last < 0 ? 0 : last / stride + 1;
        end = Math.Min(end, outLength);
        start = Math.Min(start, end);
        return (start, end);
    }
}

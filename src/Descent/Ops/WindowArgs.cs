namespace Descent;

/// <summary>Argument checks shared by the 2-D sliding-window ops (convolution and pooling).</summary>
internal static class WindowArgs
{
    public static void Positive(string op, string name, Size2 value)
    {
        if (value.H <= 0 || value.W <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{op}: {name} must be positive; got {value}");
    }

    public static void NonNegative(string op, string name, Size2 value)
    {
        if (value.H < 0 || value.W < 0)
            throw new ArgumentOutOfRangeException(name, value, $"{op}: {name} must be non-negative; got {value}");
    }

    /// <summary>
    /// Reads an [N, C, H, W] or unbatched [C, H, W] input (PyTorch accepts both) as N images of C planes;
    /// <paramref name="against"/> is appended to the rank error so it names both shapes.
    /// </summary>
    public static (int N, int C, int H, int W) Image(string op, Tensor input, string against)
    {
        var s = input.ShapeRef;
        if (s.Length != 3 && s.Length != 4)
            throw new ArgumentException($"{op}: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input{against}; got input {Shape.Format(s)}");
        return s.Length == 4 ? (s[0], s[1], s[2], s[3]) : (1, s[0], s[1], s[2]);
    }

    /// <summary>The output shape [N, C, OH, OW], or [C, OH, OW] for an unbatched input.</summary>
    public static int[] OutShape(Tensor input, int n, int c, int oh, int ow) =>
        input.Rank == 4 ? [n, c, oh, ow] : [c, oh, ow];

    /// <summary>PyTorch's pooling rules: positive kernel and stride, padding at most half the kernel.</summary>
    public static void PoolParameters(string op, Size2 kernel, Size2 stride, Size2 padding)
    {
        Positive(op, "kernelSize", kernel);
        Positive(op, "stride", stride);
        NonNegative(op, "padding", padding);
        if (padding.H > kernel.H / 2 || padding.W > kernel.W / 2)
            throw new ArgumentOutOfRangeException(nameof(padding), padding, $"{op}: padding should be at most half of kernel size; got padding {padding} for kernel {kernel}");
    }

    /// <summary>
    /// Checks a pooling call and returns the input's dimensions and the output size (ceil mode rounds up,
    /// as <c>ceil_mode=True</c>); planes must be non-empty.
    /// </summary>
    public static (int N, int C, int H, int W, int OH, int OW) Pool(string op, Tensor input, Size2 kernel, Size2 stride, Size2 padding,
        Size2 dilation, bool ceilMode)
    {
        PoolParameters(op, kernel, stride, padding);
        Positive(op, "dilation", dilation);
        string against = $" for kernel {kernel}";
        var (n, c, h, w) = Image(op, input, against);
        if (c == 0 || h == 0 || w == 0)
            throw new ArgumentException($"{op}: expected non-zero channel, height and width{against}; got input {Shape.Format(input.ShapeRef)}");
        int oh = Kernels.ConvGeometry.PoolOutputLength(h, kernel.H, stride.H, padding.H, dilation.H, ceilMode);
        int ow = Kernels.ConvGeometry.PoolOutputLength(w, kernel.W, stride.W, padding.W, dilation.W, ceilMode);
        if (oh <= 0 || ow <= 0)
            throw new ArgumentException($"{op}: output size is too small: input {Shape.Format(input.ShapeRef)} with kernel {kernel}, stride {stride}, padding {padding}" +
                (dilation == new Size2(1, 1) ? "" : $", dilation {dilation}") + (ceilMode ? ", ceil mode" : "") + $" gives {oh}x{ow}");
        return (n, c, h, w, oh, ow);
    }

    /// <summary>PyTorch's <c>divisor_override</c>: null for none, otherwise any non-zero divisor.</summary>
    public static int DivisorOverride(string op, int? divisorOverride)
    {
        if (divisorOverride == 0)
            throw new ArgumentOutOfRangeException(nameof(divisorOverride), 0, $"{op}: divisorOverride must not be zero");
        return divisorOverride ?? 0;
    }

    /// <summary>
    /// PyTorch's limits on padding by copying: reflect mirrors without the edge, so each pad must be under the
    /// size; circular wraps once, so at most the size; zeros and replicate take any pad of a non-empty side.
    /// </summary>
    public static void PadFits(string op, Tensor input, Kernels.PadFill fill, int before, int after, int size, string axis)
    {
        if (size == 0 && fill != Kernels.PadFill.Zeros)
            throw new ArgumentException($"{op}: {fill.ToString().ToLowerInvariant()} padding needs a non-empty {axis}; got input {Shape.Format(input.ShapeRef)}");
        if (fill == Kernels.PadFill.Reflect && Math.Max(before, after) >= size)
            throw new ArgumentException($"{op}: reflect padding must be less than the input {axis} {size}; got padding ({before}, {after}) for input {Shape.Format(input.ShapeRef)}");
        if (fill == Kernels.PadFill.Circular && Math.Max(before, after) > size)
            throw new ArgumentException($"{op}: circular padding may wrap around at most once, so at most the input {axis} {size}; got padding ({before}, {after}) for input {Shape.Format(input.ShapeRef)}");
    }
}

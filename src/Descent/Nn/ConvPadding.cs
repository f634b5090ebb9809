namespace Descent.Nn;

/// <summary>
/// A convolution's <c>padding</c> argument as PyTorch takes it: an int, an (h, w) pair, or the strings
/// <c>"same"</c> (output as large as the input; stride 1 only) and <c>"valid"</c> (no padding).
/// </summary>
/// <example><code>
/// var same = new Conv2d(3, 8, kernelSize: 4, padding: "same");   // pads 1 before and 2 after each axis
/// var one = new Conv2d(3, 8, kernelSize: 3, padding: 1);
/// </code></example>
public readonly record struct ConvPadding
{
    private ConvPadding(Size2 size, bool same)
    {
        Size = size;
        Same = same;
    }

    /// <summary>The padding on each side when given as a size (zero for <c>"same"</c>).</summary>
    public Size2 Size { get; }

    /// <summary>Whether this is <c>"same"</c>: (kernel − 1)·dilation in all, the odd one after (right, bottom).</summary>
    public bool Same { get; }

    /// <summary>The same padding on every side.</summary>
    public static implicit operator ConvPadding(int padding) => new(padding, false);

    /// <summary>Padding (h, w) on both sides of each axis.</summary>
    public static implicit operator ConvPadding(Size2 padding) => new(padding, false);

    /// <summary>Padding (h, w) on both sides of each axis.</summary>
    public static implicit operator ConvPadding((int H, int W) padding) => new(padding, false);

    /// <summary><c>"same"</c> or <c>"valid"</c>, as PyTorch spells them.</summary>
    public static implicit operator ConvPadding(string padding) => padding switch
    {
        "same" => new(0, true),
        "valid" => new(0, false),
        _ => throw new ArgumentException($"Conv2d: padding must be an int, an (h, w) pair, \"same\" or \"valid\"; got \"{padding}\"", nameof(padding)),
    };

    /// <summary>The (before, after) padding of the height or width axis for its kernel and dilation.</summary>
    internal (int Before, int After) Sides(bool height, int kernel, int dilation)
    {
        int size = height ? Size.H : Size.W;
        if (!Same) return (size, size);
        int total = dilation * (kernel - 1);
        return (total / 2, total - total / 2);
    }
}

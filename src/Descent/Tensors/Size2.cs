namespace Descent;

/// <summary>
/// A per-axis pair (height, width) for 2-D kernel sizes, strides, padding and dilation, like PyTorch's
/// <c>_size_2_t</c>: an <c>int</c> converts to the same value on both axes, and a tuple <c>(h, w)</c>
/// converts to a pair, so every 2-D op and layer takes either form.
/// </summary>
/// <example><code>var conv = new Conv2d(3, 8, kernelSize: 3, stride: (2, 1), padding: 1);</code></example>
public readonly record struct Size2(int H, int W)
{
    /// <summary>The same value on both axes.</summary>
    public static implicit operator Size2(int value) => new(value, value);

    /// <summary>A (height, width) tuple.</summary>
    public static implicit operator Size2((int H, int W) value) => new(value.H, value.W);

    /// <summary>Prints the pair as PyTorch prints a tuple: <c>(3, 3)</c>.</summary>
    public override string ToString() => $"({H}, {W})";

    /// <summary>PyTorch-style layer descriptions print a square pair as one number.</summary>
    internal string Compact() => H == W ? H.ToString(System.Globalization.CultureInfo.InvariantCulture) : ToString();
}

namespace Descent.Nn;

/// <summary>
/// Average pooling layer, as <c>torch.nn.AvgPool2d</c>: padded zeros count in the divisor unless
/// <see cref="CountIncludePad"/> is false, and <see cref="DivisorOverride"/> replaces the divisor; stride
/// defaults to the kernel size. No parameters. See <see cref="Tensor.AvgPool2d(Size2, Size2?, Size2?, bool, bool, int?)"/>.
/// </summary>
/// <example><code>
/// var pool = new AvgPool2d(3, stride: 2, padding: 1);
/// var ceil = new AvgPool2d(2, ceilMode: true, divisorOverride: 3);
/// </code></example>
public sealed class AvgPool2d : Module
{
    /// <summary>Creates the layer; throws for a non-positive kernel or stride, padding over half the kernel, or a zero divisor.</summary>
    public AvgPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool countIncludePad = true,
        bool ceilMode = false, int? divisorOverride = null)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding ?? 0;
        CountIncludePad = countIncludePad;
        CeilMode = ceilMode;
        DivisorOverride = divisorOverride;
        WindowArgs.PoolParameters("AvgPool2d", KernelSize, Stride, Padding);
        WindowArgs.DivisorOverride("AvgPool2d", divisorOverride);
    }

    /// <summary>Window size.</summary>
    public Size2 KernelSize { get; }

    /// <summary>Window step.</summary>
    public Size2 Stride { get; }

    /// <summary>Zero padding per side.</summary>
    public Size2 Padding { get; }

    /// <summary>Whether padded zeros count in the divisor (PyTorch's default: true).</summary>
    public bool CountIncludePad { get; }

    /// <summary>Whether the output size is rounded up (PyTorch's <c>ceil_mode</c>, default false).</summary>
    public bool CeilMode { get; }

    /// <summary>The divisor of every window, or null for the window's count (PyTorch's <c>divisor_override</c>).</summary>
    public int? DivisorOverride { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.AvgPool2d(ToString(), KernelSize, Stride, Padding, CountIncludePad, CeilMode, DivisorOverride);
    }

    /// <summary>
    /// The settings torch's <c>AvgPool2d.extra_repr</c> prints, and only those (torch leaves ceil mode, counting and
    /// divisor out): <c>AvgPool2d(kernel_size=2, stride=2, padding=0)</c>.
    /// </summary>
    protected override string ExtraRepr() => $"kernel_size={KernelSize.Compact()}, stride={Stride.Compact()}, padding={Padding.Compact()}";
}

namespace Descent.Nn;

/// <summary>
/// Average pooling layer, as <c>torch.nn.AvgPool2d</c> (floor mode; padded zeros count in the divisor
/// unless <see cref="CountIncludePad"/> is false); stride defaults to the kernel size. No parameters.
/// </summary>
/// <example><code>var pool = new AvgPool2d(3, stride: 2, padding: 1);</code></example>
public sealed class AvgPool2d : Module
{
    /// <summary>Creates the layer; throws for a non-positive kernel or stride, or padding over half the kernel.</summary>
    public AvgPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool countIncludePad = true)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding ?? 0;
        CountIncludePad = countIncludePad;
        WindowArgs.PoolParameters("AvgPool2d", KernelSize, Stride, Padding);
    }

    /// <summary>Window size.</summary>
    public Size2 KernelSize { get; }

    /// <summary>Window step.</summary>
    public Size2 Stride { get; }

    /// <summary>Zero padding per side.</summary>
    public Size2 Padding { get; }

    /// <summary>Whether padded zeros count in the divisor (PyTorch's default: true).</summary>
    public bool CountIncludePad { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.AvgPool2d(ToString(), KernelSize, Stride, Padding, CountIncludePad);
    }

    /// <summary>The layer as PyTorch prints it: <c>AvgPool2d(kernel_size=2, stride=2, padding=0)</c>.</summary>
    public override string ToString() =>
        $"AvgPool2d(kernel_size={KernelSize.Compact()}, stride={Stride.Compact()}, padding={Padding.Compact()}" +
        (CountIncludePad ? ")" : ", count_include_pad=False)");
}

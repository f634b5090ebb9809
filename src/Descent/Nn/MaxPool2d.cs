namespace Descent.Nn;

/// <summary>
/// Max pooling layer, as <c>torch.nn.MaxPool2d</c> (dilation 1, floor mode); stride defaults to the
/// kernel size. No parameters. See <see cref="Tensor.MaxPool2d(Size2, Size2?, Size2?)"/>.
/// </summary>
/// <example><code>var pool = new MaxPool2d(2);   // [N, C, 28, 28] → [N, C, 14, 14]</code></example>
public sealed class MaxPool2d : Module
{
    /// <summary>Creates the layer; throws for a non-positive kernel or stride, or padding over half the kernel.</summary>
    public MaxPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding ?? 0;
        WindowArgs.PoolParameters("MaxPool2d", KernelSize, Stride, Padding);
    }

    /// <summary>Window size.</summary>
    public Size2 KernelSize { get; }

    /// <summary>Window step.</summary>
    public Size2 Stride { get; }

    /// <summary>−∞ padding per side.</summary>
    public Size2 Padding { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.MaxPool2d(ToString(), KernelSize, Stride, Padding);
    }

    /// <summary>The layer as PyTorch prints it: <c>MaxPool2d(kernel_size=2, stride=2, padding=0)</c>.</summary>
    public override string ToString() =>
        $"MaxPool2d(kernel_size={KernelSize.Compact()}, stride={Stride.Compact()}, padding={Padding.Compact()})";
}

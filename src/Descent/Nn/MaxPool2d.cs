namespace Descent.Nn;

/// <summary>
/// Max pooling layer, as <c>torch.nn.MaxPool2d</c>; stride defaults to the kernel size. No parameters.
/// See <see cref="Tensor.MaxPool2d(Size2, Size2?, Size2?, Size2?, bool)"/>.
/// </summary>
/// <example><code>
/// var pool = new MaxPool2d(2);                                 // [N, C, 28, 28] → [N, C, 14, 14]
/// var dilated = new MaxPool2d(3, stride: 2, dilation: 2, ceilMode: true);
/// </code></example>
public sealed class MaxPool2d : Module
{
    /// <summary>Creates the layer; throws for a non-positive kernel, stride or dilation, or padding over half the kernel.</summary>
    public MaxPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null, bool ceilMode = false)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        CeilMode = ceilMode;
        WindowArgs.PoolParameters("MaxPool2d", KernelSize, Stride, Padding);
        WindowArgs.Positive("MaxPool2d", nameof(dilation), Dilation);
    }

    /// <summary>Window size.</summary>
    public Size2 KernelSize { get; }

    /// <summary>Window step.</summary>
    public Size2 Stride { get; }

    /// <summary>−∞ padding per side.</summary>
    public Size2 Padding { get; }

    /// <summary>Spacing between the window's taps (PyTorch's default: 1).</summary>
    public Size2 Dilation { get; }

    /// <summary>Whether the output size is rounded up (PyTorch's <c>ceil_mode</c>, default false).</summary>
    public bool CeilMode { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.MaxPool2d(ToString(), KernelSize, Stride, Padding, Dilation, CeilMode);
    }

    /// <summary>
    /// Every setting, as torch's <c>MaxPool2d.extra_repr</c> prints them: <c>MaxPool2d(kernel_size=2, stride=2,
    /// padding=0, dilation=1, ceil_mode=False)</c>. A square pair prints as one number, as torch prints the int it
    /// was most likely given.
    /// </summary>
    protected override string ExtraRepr() =>
        $"kernel_size={KernelSize.Compact()}, stride={Stride.Compact()}, padding={Padding.Compact()}, dilation={Dilation.Compact()}, ceil_mode={ModuleText.Bool(CeilMode)}";
}

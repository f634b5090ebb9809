namespace Descent.Nn;

/// <summary>
/// Adaptive average pooling to a fixed output size, as <c>torch.nn.AdaptiveAvgPool2d</c>; with output
/// size 1 it is global average pooling. No parameters.
/// </summary>
/// <example><code>var gap = new AdaptiveAvgPool2d(1);   // [N, C, H, W] → [N, C, 1, 1]</code></example>
public sealed class AdaptiveAvgPool2d : Module
{
    /// <summary>Creates the layer; throws for a non-positive output size.</summary>
    public AdaptiveAvgPool2d(Size2 outputSize)
    {
        WindowArgs.Positive("AdaptiveAvgPool2d", nameof(outputSize), outputSize);
        OutputSize = outputSize;
    }

    /// <summary>Output height and width.</summary>
    public Size2 OutputSize { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.AdaptiveAvgPool2d(ToString(), OutputSize);
    }

    /// <summary>The layer as PyTorch prints it: <c>AdaptiveAvgPool2d(output_size=1)</c>.</summary>
    protected override string ExtraRepr() => $"output_size={OutputSize.Compact()}";
}

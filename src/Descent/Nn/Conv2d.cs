namespace Descent.Nn;

/// <summary>
/// A 2-D convolution layer, as <c>torch.nn.Conv2d</c>: weight [out, in/groups, kH, kW] and an optional
/// bias [out], both initialised with PyTorch's default (U(−1/√fan_in, 1/√fan_in), fan_in = in/groups·kH·kW).
/// Takes [N, C, H, W] or unbatched [C, H, W] input. Sizes take an int or an (h, w) tuple.
/// </summary>
/// <example><code>
/// var conv = new Conv2d(1, 8, kernelSize: 3, padding: 1, generator: new Generator(0));
/// var y = conv.Forward(Tensor.Randn([64, 1, 28, 28]));   // [64, 8, 28, 28]
/// </code></example>
public sealed class Conv2d : Module
{
    /// <summary>Creates the layer and initialises its parameters from <paramref name="generator"/> (or the default generator).</summary>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels of the output (number of filters).</param>
    /// <param name="kernelSize">Filter size.</param>
    /// <param name="stride">Window step (default 1).</param>
    /// <param name="padding">Zero padding on both sides of each axis (default 0).</param>
    /// <param name="dilation">Spacing between kernel taps (default 1).</param>
    /// <param name="groups">Independent channel groups; both channel counts must divide by it (default 1).</param>
    /// <param name="bias">Whether to learn a bias (default true).</param>
    /// <param name="generator">Random source for the initial weights.</param>
    public Conv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null,
        Size2? dilation = null, int groups = 1, bool bias = true, Generator? generator = null)
    {
        if (inChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, $"Conv2d: inChannels must be positive; got {inChannels}");
        if (outChannels <= 0) throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, $"Conv2d: outChannels must be positive; got {outChannels}");
        if (groups <= 0) throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Conv2d: groups must be positive; got {groups}");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Conv2d: inChannels {inChannels} and outChannels {outChannels} must both be divisible by groups {groups}");
        WindowArgs.Positive("Conv2d", nameof(kernelSize), kernelSize);
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        WindowArgs.Positive("Conv2d", nameof(stride), Stride);
        WindowArgs.NonNegative("Conv2d", nameof(padding), Padding);
        WindowArgs.Positive("Conv2d", nameof(dilation), Dilation);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Groups = groups;
        Weight = RegisterParameter("weight", Tensor.Zeros(outChannels, inChannels / groups, kernelSize.H, kernelSize.W));
        Bias = RegisterParameter("bias", bias ? new Parameter(Tensor.Zeros(outChannels)) : null);
        Init.DefaultLayer(Weight, Bias, generator);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Filter size (kH, kW).</summary>
    public Size2 KernelSize { get; }

    /// <summary>Window step.</summary>
    public Size2 Stride { get; }

    /// <summary>Zero padding per side.</summary>
    public Size2 Padding { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public Size2 Dilation { get; }

    /// <summary>Number of channel groups.</summary>
    public int Groups { get; }

    /// <summary>The filters, [out, in/groups, kH, kW].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias [out], or null when created with <c>bias: false</c>.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Conv2d(ToString(), Weight, Bias, Stride, Padding, Dilation, Groups);
    }

    /// <summary>The layer as PyTorch prints it, with only the non-default settings: <c>Conv2d(3, 8, kernel_size=3, stride=2)</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string> { $"{InChannels}", $"{OutChannels}", $"kernel_size={KernelSize.Compact()}" };
        if (Stride != new Size2(1, 1)) parts.Add($"stride={Stride.Compact()}");
        if (Padding != new Size2(0, 0)) parts.Add($"padding={Padding.Compact()}");
        if (Dilation != new Size2(1, 1)) parts.Add($"dilation={Dilation.Compact()}");
        if (Groups != 1) parts.Add($"groups={Groups}");
        if (Bias == null) parts.Add("bias=False");
        return $"Conv2d({string.Join(", ", parts)})";
    }
}

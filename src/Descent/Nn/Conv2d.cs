namespace Descent.Nn;

/// <summary>
/// A 2-D convolution layer, as <c>torch.nn.Conv2d</c>: weight [out, in/groups, kH, kW] and an optional
/// bias [out], both initialised with PyTorch's default (U(−1/√fan_in, 1/√fan_in), fan_in = in/groups·kH·kW).
/// Takes [N, C, H, W] or unbatched [C, H, W] input. Sizes take an int or an (h, w) tuple; padding also
/// takes <c>"same"</c> or <c>"valid"</c>, and <see cref="PaddingMode"/> fills it with zeros, a reflection,
/// the edge or wrap-around (the input is padded first, then convolved without padding, as PyTorch does).
/// </summary>
/// <example><code>
/// var conv = new Conv2d(1, 8, kernelSize: 3, padding: 1, generator: new Generator(0));
/// var y = conv.Forward(Tensor.Randn([64, 1, 28, 28]));   // [64, 8, 28, 28]
/// var reflect = new Conv2d(1, 8, kernelSize: 4, padding: "same", paddingMode: PaddingMode.Reflect);
/// </code></example>
public sealed class Conv2d : Module
{
    /// <summary>Creates the layer and initialises its parameters from <paramref name="generator"/> (or the default generator).</summary>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels of the output (number of filters).</param>
    /// <param name="kernelSize">Filter size.</param>
    /// <param name="stride">Window step (default 1).</param>
    /// <param name="padding">Padding on both sides of each axis (default 0), or <c>"same"</c> (stride 1 only) or <c>"valid"</c>.</param>
    /// <param name="dilation">Spacing between kernel taps (default 1).</param>
    /// <param name="groups">Independent channel groups; both channel counts must divide by it (default 1).</param>
    /// <param name="bias">Whether to learn a bias (default true).</param>
    /// <param name="generator">Random source for the initial weights.</param>
    /// <param name="paddingMode">How the padding is filled (default zeros).</param>
    public Conv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, ConvPadding? padding = null,
        Size2? dilation = null, int groups = 1, bool bias = true, Generator? generator = null, PaddingMode paddingMode = PaddingMode.Zeros)
    {
        if (inChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, $"Conv2d: inChannels must be positive; got {inChannels}");
        if (outChannels <= 0) throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, $"Conv2d: outChannels must be positive; got {outChannels}");
        if (groups <= 0) throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Conv2d: groups must be positive; got {groups}");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Conv2d: inChannels {inChannels} and outChannels {outChannels} must both be divisible by groups {groups}");
        WindowArgs.Positive("Conv2d", nameof(kernelSize), kernelSize);
        if (!Enum.IsDefined(paddingMode))
            throw new ArgumentOutOfRangeException(nameof(paddingMode), paddingMode, $"Conv2d: unknown padding mode {paddingMode}");
        Stride = stride ?? 1;
        var pad = padding ?? 0;
        Dilation = dilation ?? 1;
        WindowArgs.Positive("Conv2d", nameof(stride), Stride);
        WindowArgs.NonNegative("Conv2d", nameof(padding), pad.Size);
        WindowArgs.Positive("Conv2d", nameof(dilation), Dilation);
        if (pad.Same && Stride != new Size2(1, 1))
            throw new ArgumentException($"Conv2d: padding \"same\" is not supported for strided convolutions; got stride {Stride}", nameof(padding));
        PaddingSame = pad.Same;
        PaddingMode = paddingMode;
        _top = pad.Sides(true, kernelSize.H, Dilation.H);
        _left = pad.Sides(false, kernelSize.W, Dilation.W);
        Padding = (_top.Before, _left.Before);
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

    /// <summary>Padding before each axis (top, left); after it too, except for an odd "same" total, which puts one more after.</summary>
    public Size2 Padding { get; }

    /// <summary>Whether the padding is <c>"same"</c>: (kernel − 1)·dilation per axis, the odd one on the right and bottom.</summary>
    public bool PaddingSame { get; }

    /// <summary>How the padding is filled (PyTorch's <c>padding_mode</c>, default zeros).</summary>
    public PaddingMode PaddingMode { get; }

    private readonly (int Before, int After) _top, _left;

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
        string op = ToString();
        bool symmetric = _top.Before == _top.After && _left.Before == _left.After;
        if (PaddingMode == PaddingMode.Zeros && symmetric)
            return input.Conv2d(op, Weight, Bias, Stride, Padding, Dilation, Groups);
        // PyTorch pads the input with the mode first and convolves without padding.
        var padded = input.Pad2d(op, _top.Before, _top.After, _left.Before, _left.After, PaddingMode);
        return padded.Conv2d(op, Weight, Bias, Stride, 0, Dilation, Groups);
    }

    /// <summary>
    /// The settings as torch's <c>_ConvNd.extra_repr</c> prints them: channels, kernel size and stride always (as
    /// pairs, since torch stores them as tuples), the rest only away from their defaults:
    /// <c>Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))</c>.
    /// </summary>
    protected override string ExtraRepr()
    {
        var parts = new List<string> { $"{InChannels}", $"{OutChannels}", $"kernel_size={KernelSize}", $"stride={Stride}" };
        if (PaddingSame) parts.Add("padding=same");
        else if (Padding != new Size2(0, 0)) parts.Add($"padding={Padding}");
        if (Dilation != new Size2(1, 1)) parts.Add($"dilation={Dilation}");
        if (Groups != 1) parts.Add($"groups={Groups}");
        if (Bias == null) parts.Add("bias=False");
        if (PaddingMode != PaddingMode.Zeros) parts.Add($"padding_mode={PaddingMode.ToString().ToLowerInvariant()}");
        return string.Join(", ", parts);
    }
}

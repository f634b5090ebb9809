namespace Descent.Nn;

/// <summary>
/// Weight initialisations with PyTorch's formulas (<c>torch.nn.init</c>). Each fills the tensor in
/// place, without recording, and returns it. Fan-in and fan-out follow PyTorch: for a weight of shape
/// [out, in, k1, k2, ...], fan_in = in·k1·k2·… and fan_out = out·k1·k2·….
/// </summary>
/// <example><code>Init.KaimingUniform(linear.Weight, a: MathF.Sqrt(5), generator: g);</code></example>
public static class Init
{
    /// <summary>Fan-in and fan-out of a weight tensor (rank ≥ 2).</summary>
    public static (int FanIn, int FanOut) Fans(Tensor tensor)
    {
        if (tensor.Rank < 2)
            throw new ArgumentException($"Init: fan in and fan out need a tensor of rank >= 2; got shape {Shape.Format(tensor.Shape)}");
        int receptive = 1;
        for (int i = 2; i < tensor.Rank; i++) receptive *= tensor.Size(i);
        return (tensor.Size(1) * receptive, tensor.Size(0) * receptive);
    }

    /// <summary>The recommended gain for a non-linearity, as <c>torch.nn.init.calculate_gain</c>.</summary>
    public static float Gain(string nonlinearity, float param = 0.01f) => nonlinearity.ToLowerInvariant() switch
    {
        "linear" or "conv1d" or "conv2d" or "sigmoid" => 1f,
        "tanh" => 5f / 3f,
        "relu" => MathF.Sqrt(2f),
        "leaky_relu" => MathF.Sqrt(2f / (1 + param * param)),
        "selu" => 3f / 4f,
        _ => throw new ArgumentException($"Init.Gain: unsupported nonlinearity '{nonlinearity}'"),
    };

    /// <summary>U(-b, b) with b = gain·√(3 / fan), gain for leaky_relu with slope <paramref name="a"/>.</summary>
    public static Tensor KaimingUniform(Tensor tensor, float a = 0f, bool fanIn = true, string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        var (fi, fo) = Fans(tensor);
        float gain = Gain(nonlinearity, a);
        float bound = gain * MathF.Sqrt(3f / (fanIn ? fi : fo));
        return Fill(tensor, Tensor.Uniform(tensor.Shape, -bound, bound, generator));
    }

    /// <summary>N(0, std²) with std = gain / √fan.</summary>
    public static Tensor KaimingNormal(Tensor tensor, float a = 0f, bool fanIn = true, string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        var (fi, fo) = Fans(tensor);
        float std = Gain(nonlinearity, a) / MathF.Sqrt(fanIn ? fi : fo);
        return Fill(tensor, Tensor.Normal(tensor.Shape, 0f, std, generator));
    }

    /// <summary>U(-b, b) with b = gain·√(6 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform(Tensor tensor, float gain = 1f, Generator? generator = null)
    {
        var (fi, fo) = Fans(tensor);
        float bound = gain * MathF.Sqrt(6f / (fi + fo));
        return Fill(tensor, Tensor.Uniform(tensor.Shape, -bound, bound, generator));
    }

    /// <summary>N(0, std²) with std = gain·√(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal(Tensor tensor, float gain = 1f, Generator? generator = null)
    {
        var (fi, fo) = Fans(tensor);
        float std = gain * MathF.Sqrt(2f / (fi + fo));
        return Fill(tensor, Tensor.Normal(tensor.Shape, 0f, std, generator));
    }

    /// <summary>U(low, high).</summary>
    public static Tensor Uniform(Tensor tensor, float low = 0f, float high = 1f, Generator? generator = null) =>
        Fill(tensor, Tensor.Uniform(tensor.Shape, low, high, generator));

    /// <summary>N(mean, std²).</summary>
    public static Tensor Normal(Tensor tensor, float mean = 0f, float std = 1f, Generator? generator = null) =>
        Fill(tensor, Tensor.Normal(tensor.Shape, mean, std, generator));

    /// <summary>All zeros.</summary>
    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0f);

    /// <summary>All ones.</summary>
    public static Tensor Ones(Tensor tensor) => Constant(tensor, 1f);

    /// <summary>A constant value.</summary>
    public static Tensor Constant(Tensor tensor, float value)
    {
        tensor.DataSpan.Fill(value);
        return tensor;
    }

    /// <summary>
    /// PyTorch's default for Linear and Conv layers: weight ~ KaimingUniform(a = √5), which is
    /// U(-1/√fan_in, 1/√fan_in), and bias ~ U(-1/√fan_in, 1/√fan_in).
    /// </summary>
    public static void DefaultLayer(Tensor weight, Tensor? bias, Generator? generator = null)
    {
        KaimingUniform(weight, a: MathF.Sqrt(5f), generator: generator);
        if (bias != null)
        {
            var (fi, _) = Fans(weight);
            float bound = fi > 0 ? 1f / MathF.Sqrt(fi) : 0f;
            Uniform(bias, -bound, bound, generator);
        }
    }

    private static Tensor Fill(Tensor tensor, Tensor values)
    {
        values.Data.CopyTo(tensor.DataSpan);
        return tensor;
    }
}

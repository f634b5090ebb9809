namespace Descent.Nn;

/// <summary>
/// A fully connected layer y = x·Wᵀ + b, like <c>torch.nn.Linear</c>: weight [out, in], bias [out],
/// both initialised with PyTorch's default U(−1/√in, 1/√in) (Kaiming-uniform with a = √5).
/// Works on inputs of shape [*, in].
/// </summary>
/// <example><code>
/// var layer = new Linear(4, 3, generator: new Generator(0));
/// var y = layer.Forward(Tensor.Randn(2, 4)); // [2, 3]
/// </code></example>
public sealed class Linear : Module
{
    /// <summary>Creates the layer; <paramref name="generator"/> seeds the initial weights.</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Generator? generator = null)
    {
        if (inFeatures < 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), inFeatures, "Linear: in_features must be >= 0");
        if (outFeatures < 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), outFeatures, "Linear: out_features must be >= 0");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Tensor.Zeros(outFeatures, inFeatures));
        Bias = bias ? RegisterParameter("bias", Tensor.Zeros(outFeatures)) : RegisterParameter("bias", (Parameter?)null);
        Init.DefaultLayer(Weight, Bias, generator);
    }

    /// <summary>Size of each input sample.</summary>
    public int InFeatures { get; }

    /// <summary>Size of each output sample.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, [out_features, in_features].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, [out_features], or null when created with bias: false.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);
}

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
/// <example>A GPT output head tied to the token embedding (PyTorch's <c>lm_head.weight = wte.weight</c>):
/// <code>
/// var wte = RegisterModule("wte", new Embedding(vocab, dim, g));
/// var lmHead = RegisterModule("lm_head", new Linear(dim, vocab, bias: false));
/// lmHead.Weight = wte.Weight; // one Parameter: trained once, both keys in the state dict
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
        _weight = RegisterParameter("weight", Tensor.Zeros(outFeatures, inFeatures));
        Bias = bias ? RegisterParameter("bias", Tensor.Zeros(outFeatures)) : RegisterParameter("bias", (Parameter?)null);
        Init.DefaultLayer(_weight, Bias, generator);
    }

    /// <summary>Size of each input sample.</summary>
    public int InFeatures { get; }

    /// <summary>Size of each output sample.</summary>
    public int OutFeatures { get; }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={ModuleText.Bool(Bias != null)}";

    private Parameter _weight;

    /// <summary>
    /// The weight, [out_features, in_features]. Setting it to another module's parameter of that shape
    /// ties the two: one tensor, trained once, saved under both names (see <see cref="Module"/>).
    /// </summary>
    /// <example><code>head.Weight = embedding.Weight; // embedding [vocab, dim], head Linear(dim, vocab)</code></example>
    public Parameter Weight
    {
        get => _weight;
        set => _weight = ReplaceParameter("weight", value, [OutFeatures, InFeatures], "[out_features, in_features]");
    }

    /// <summary>The bias, [out_features], or null when created with bias: false.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);
}

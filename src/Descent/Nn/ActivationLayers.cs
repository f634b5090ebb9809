namespace Descent.Nn;

/// <summary>max(x, 0) as a module, like <c>torch.nn.ReLU</c>.</summary>
/// <example><code>var model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1));</code></example>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Relu();
}

/// <summary>x for x &gt; 0, else negativeSlope·x, like <c>torch.nn.LeakyReLU</c>.</summary>
public sealed class LeakyReLU(float negativeSlope = 0.01f) : Module
{
    /// <summary>Slope for negative inputs.</summary>
    public float NegativeSlope { get; } = negativeSlope;

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"negative_slope={ModuleText.Float(NegativeSlope)}";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.LeakyRelu(NegativeSlope);
}

/// <summary>x for x &gt; 0, else alpha·(eˣ − 1), like <c>torch.nn.ELU</c>.</summary>
public sealed class ELU(float alpha = 1f) : Module
{
    /// <summary>Scale of the negative branch.</summary>
    public float Alpha { get; } = alpha;

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"alpha={ModuleText.Float(Alpha)}";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Elu(Alpha);
}

/// <summary>1 / (1 + e⁻ˣ), like <c>torch.nn.Sigmoid</c>.</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

/// <summary>Hyperbolic tangent, like <c>torch.nn.Tanh</c>.</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Tanh();
}

/// <summary>x·Φ(x), exact ("none") or with the tanh approximation, like <c>torch.nn.GELU</c>.</summary>
public sealed class GELU : Module
{
    /// <summary>Creates the activation; <paramref name="approximate"/> is "none" or "tanh".</summary>
    public GELU(string approximate = "none")
    {
        if (approximate is not ("none" or "tanh"))
            throw new ArgumentOutOfRangeException(nameof(approximate), approximate, "GELU: approximate must be \"none\" or \"tanh\"");
        Approximate = approximate;
    }

    /// <summary>"none" (exact, through erf) or "tanh".</summary>
    public string Approximate { get; }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"approximate={ModuleText.Quoted(Approximate)}";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Gelu(Approximate);
}

/// <summary>x·sigmoid(x), like <c>torch.nn.SiLU</c>.</summary>
public sealed class SiLU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Silu();
}

/// <summary>log(1 + e^(beta·x)) / beta, linear above the threshold, like <c>torch.nn.Softplus</c>.</summary>
public sealed class Softplus : Module
{
    /// <summary>Creates the activation; <paramref name="beta"/> must be finite and non-zero.</summary>
    public Softplus(float beta = 1f, float threshold = 20f)
    {
        if (beta == 0f || !float.IsFinite(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "Softplus: beta must be finite and non-zero");
        Beta = beta;
        Threshold = threshold;
    }

    /// <summary>Sharpness of the curve.</summary>
    public float Beta { get; }

    /// <summary>Above beta·x = threshold the function is x itself.</summary>
    public float Threshold { get; }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"beta={ModuleText.Float(Beta)}, threshold={ModuleText.Float(Threshold)}";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Softplus(Beta, Threshold);
}

/// <summary>exp(x) / Σ exp(x) along <see cref="Dim"/>, like <c>torch.nn.Softmax(dim)</c>.</summary>
public sealed class Softmax(int dim) : Module
{
    /// <summary>The dimension that sums to 1.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Softmax(Dim);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>log(softmax(x)) along <see cref="Dim"/>, computed stably, like <c>torch.nn.LogSoftmax(dim)</c>.</summary>
public sealed class LogSoftmax(int dim) : Module
{
    /// <summary>The dimension normalised over.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.LogSoftmax(Dim);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>Returns its input unchanged, like <c>torch.nn.Identity</c> (a placeholder in a chain).</summary>
public sealed class Identity : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input;
}

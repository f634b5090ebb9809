namespace Descent.Nn;

/// <summary>
/// Layer normalisation over the trailing dimensions <c>normalizedShape</c>, like
/// <c>torch.nn.LayerNorm</c>: y = (x − mean) / √(var + eps) · weight + bias, with the biased variance
/// of each sample; weight starts at ones and bias at zeros. Same in training and evaluation.
/// </summary>
/// <example><code>
/// var norm = new LayerNorm(8);
/// var y = norm.Forward(Tensor.Randn(4, 8));
/// </code></example>
public sealed class LayerNorm : Module
{
    private readonly int[] _normalizedShape;

    /// <summary>Normalises over one trailing dimension of size <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true, bool bias = true)
        : this([normalizedShape], eps, elementwiseAffine, bias) { }

    /// <summary>Normalises over the trailing dimensions <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int[] normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentOutOfRangeException(nameof(normalizedShape), Shape.Format(normalizedShape), "LayerNorm: normalized_shape must be non-empty with positive sizes");
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "LayerNorm: eps must be > 0");
        _normalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        Weight = RegisterParameter("weight", elementwiseAffine ? new Parameter(Tensor.Ones(_normalizedShape)) : null);
        Bias = RegisterParameter("bias", elementwiseAffine && bias ? new Parameter(Tensor.Zeros(_normalizedShape)) : null);
    }

    /// <summary>The normalised trailing shape (a copy).</summary>
    public int[] NormalizedShape => (int[])_normalizedShape.Clone();

    /// <summary>Added to the variance for stability.</summary>
    public float Eps { get; }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{ModuleText.Tuple(_normalizedShape)}, eps={ModuleText.Float(Eps)}, elementwise_affine={ModuleText.Bool(Weight != null)}";

    /// <summary>The per-element scale, or null without elementwise affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>The per-element shift, or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, _normalizedShape, Weight, Bias, Eps);
}

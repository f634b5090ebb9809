namespace Descent.Nn;

/// <summary>
/// Root-mean-square normalisation over the trailing dimensions <c>normalizedShape</c>, like
/// <c>torch.nn.RMSNorm</c> (PyTorch 2.4+): y = x / √(mean(x²) + eps) · weight, with no centring and no
/// bias; weight starts at ones. A null eps is <c>torch.finfo(float32).eps</c>, as in PyTorch. Same in
/// training and evaluation.
/// </summary>
/// <example><code>
/// var norm = new RMSNorm(64);
/// var y = norm.Forward(Tensor.Randn(2, 10, 64)); // [2, 10, 64]
/// </code></example>
public sealed class RMSNorm : Module
{
    private readonly int[] _normalizedShape;

    /// <summary>Normalises over one trailing dimension of size <paramref name="normalizedShape"/>.</summary>
    public RMSNorm(int normalizedShape, float? eps = null, bool elementwiseAffine = true)
        : this([normalizedShape], eps, elementwiseAffine) { }

    /// <summary>Normalises over the trailing dimensions <paramref name="normalizedShape"/>.</summary>
    public RMSNorm(int[] normalizedShape, float? eps = null, bool elementwiseAffine = true)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentOutOfRangeException(nameof(normalizedShape), Shape.Format(normalizedShape), "RMSNorm: normalized_shape must be non-empty with positive sizes");
        if (eps is float e && !(e >= 0f)) throw new ArgumentOutOfRangeException(nameof(eps), e, "RMSNorm: eps must be >= 0");
        _normalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        Weight = RegisterParameter("weight", elementwiseAffine ? new Parameter(Tensor.Ones(_normalizedShape)) : null);
    }

    /// <summary>The normalised trailing shape (a copy).</summary>
    public int[] NormalizedShape => (int[])_normalizedShape.Clone();

    /// <summary>Added to the mean square for stability; null means <see cref="Functional.Float32Eps"/>.</summary>
    public float? Eps { get; }

    /// <summary>The per-element scale, or null without elementwise affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>torch's <c>RMSNorm.extra_repr</c>: <c>(64,), eps=None, elementwise_affine=True</c>, None where eps was left to the default.</summary>
    protected override string ExtraRepr() =>
        $"{ModuleText.Tuple(_normalizedShape)}, eps={(Eps is float e ? ModuleText.Float(e) : "None")}, elementwise_affine={ModuleText.Bool(Weight != null)}";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.RmsNorm(input, _normalizedShape, Weight, Eps);
}

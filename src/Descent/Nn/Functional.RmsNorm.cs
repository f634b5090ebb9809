namespace Descent.Nn;

public static partial class Functional
{
    /// <summary>
    /// PyTorch's default RMSNorm eps, <c>torch.finfo(torch.float32).eps</c> = 2⁻²³ (not
    /// <see cref="float.Epsilon"/>, which is the smallest subnormal).
    /// </summary>
    public const float Float32Eps = 1.1920929e-07f;

    /// <summary>
    /// Root-mean-square normalisation over the trailing dimensions <paramref name="normalizedShape"/>, like
    /// <c>F.rms_norm</c>: y = x / √(mean(x²) + eps) · weight, with no centring and no bias. A null
    /// <paramref name="eps"/> means <see cref="Float32Eps"/>, as PyTorch's <c>eps=None</c>. One fused op:
    /// the backward runs the kernel instead of the eight nodes of the composed formula.
    /// </summary>
    /// <example><code>
    /// var y = Functional.RmsNorm(Tensor.Randn(2, 5, 8), [8], weight); // weight [8]
    /// </code></example>
    public static Tensor RmsNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, float? eps = null)
    {
        CheckNormalizedShape("RMSNorm", input, normalizedShape, weight, null);
        float e = eps ?? Float32Eps;
        if (!(e >= 0f)) throw new ArgumentOutOfRangeException(nameof(eps), e, "RMSNorm: eps must be >= 0");
        return input.RmsNormFused(Shape.Numel(normalizedShape), weight, e);
    }
}

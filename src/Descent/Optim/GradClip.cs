using System.Numerics.Tensors;

namespace Descent.Optim;

/// <summary>
/// Gradient clipping in place, as <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>.
/// Parameters without a gradient are skipped.
/// </summary>
/// <example><code>
/// loss.Backward();
/// float norm = GradClip.ClipGradNorm(model.Parameters(), maxNorm: 1.0);
/// opt.Step();
/// </code></example>
public static class GradClip
{
    /// <summary>
    /// Scales all gradients together so that their total norm is at most <paramref name="maxNorm"/> and
    /// returns the total norm before clipping. As PyTorch, the total is the norm of the per-parameter
    /// norms, computed in float32; every gradient is multiplied by min(1, maxNorm / (total + 1e-6)).
    /// </summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="maxNorm">Largest allowed total norm.</param>
    /// <param name="normType">Order p of the norm: 2 by default; any p ≥ 0, or ±infinity (largest / smallest magnitude).</param>
    /// <param name="errorIfNonfinite">Throw instead of clipping when the total norm is NaN or infinite.</param>
    /// <returns>The total norm of the gradients before clipping (0 when no parameter has a gradient).</returns>
    public static float ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm >= 0))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"ClipGradNorm: maxNorm must be >= 0; got {maxNorm}");
        if (!(normType >= 0 || double.IsNegativeInfinity(normType)))
            throw new ArgumentOutOfRangeException(nameof(normType), normType, $"ClipGradNorm: normType must be >= 0 or -infinity; got {normType}");
        var grads = parameters.Select(p => p.Grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return 0f;
        var norms = grads.Select(g => Norm(g.Data, normType)).ToArray();
        float total = Norm(norms, normType);
        if (errorIfNonfinite && !float.IsFinite(total))
            throw new InvalidOperationException($"ClipGradNorm: the total norm of order {normType} of the gradients is non-finite ({total}), so it cannot be clipped; pass errorIfNonfinite: false to clip anyway");
        // PyTorch clamps the float32 coefficient and scales even when it is 1 (a no-op), so NaN spreads as there.
        float coef = MathF.Min((float)maxNorm / (total + 1e-6f), 1f);
        foreach (var g in grads) TensorPrimitives.Multiply(g.Data, coef, g.DataSpan);
        return total;
    }

    /// <summary>Clamps every gradient element into [−clipValue, clipValue].</summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0))
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, $"ClipGradValue: clipValue must be >= 0; got {clipValue}");
        float c = (float)clipValue;
        foreach (var p in parameters)
            if (p.Grad is Tensor g) TensorPrimitives.Clamp(g.Data, -c, c, g.DataSpan);
    }

    /// <summary>The vector p-norm <c>torch.linalg.vector_norm</c> computes, in float32.</summary>
    internal static float Norm(ReadOnlySpan<float> x, double p)
    {
        if (x.IsEmpty) return double.IsNegativeInfinity(p) ? float.PositiveInfinity : 0f;
        if (p == 2) return TensorPrimitives.Norm(x);
        if (p == 1) return TensorPrimitives.SumOfMagnitudes(x);
        if (double.IsPositiveInfinity(p)) return MathF.Abs(TensorPrimitives.MaxMagnitude(x));
        if (double.IsNegativeInfinity(p)) return MathF.Abs(TensorPrimitives.MinMagnitude(x));
        float sum = 0f, fp = (float)p;
        if (p == 0)
        {
            foreach (var v in x) if (v != 0) sum += 1f;
            return sum;
        }
        foreach (var v in x) sum += MathF.Pow(MathF.Abs(v), fp);
        return MathF.Pow(sum, 1f / fp);
    }
}

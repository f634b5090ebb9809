namespace Descent.Kernels;

/// <summary>
/// Loops that pick or overwrite float elements by a boolean mask of the same length (Where, MaskedFill and
/// their gradients). Scalar: a mask op moves each element once, so it is bound by memory, not arithmetic.
/// </summary>
internal static class MaskKernel
{
    /// <summary>destination[i] = condition[i] ? x[i] : y[i]; <paramref name="y"/> may be <paramref name="destination"/> itself.</summary>
    public static void Select(ReadOnlySpan<bool> condition, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = condition[i] ? x[i] : y[i];
    }

    /// <summary>
    /// destination[i] = <paramref name="value"/> where mask[i] == <paramref name="when"/>, else source[i];
    /// <paramref name="source"/> may be <paramref name="destination"/> itself.
    /// </summary>
    public static void Fill(ReadOnlySpan<bool> mask, bool when, float value, ReadOnlySpan<float> source, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = mask[i] == when ? value : source[i];
    }
}

namespace Descent.Kernels;

/// <summary>
/// Sorting along the middle axis of a tensor viewed as [outer, length, inner], and the scatter that sends
/// the gradient of sorted values back to where they came from. Each line is sorted on its own, so the
/// result does not depend on the thread count.
/// </summary>
internal static class SortKernel
{
    /// <summary>
    /// Writes the first <paramref name="k"/> elements of every line in sorted order, with their positions
    /// in the line. Ties keep their original order (a stable sort); -0 and +0 tie; NaN ranks above every
    /// number (last ascending, first descending), as in PyTorch.
    /// </summary>
    public static void SortLines(ReadOnlySpan<float> source, int outer, int length, int inner, int k, bool descending,
        Span<float> values, Span<long> indices)
    {
        if (k == 0 || length == 0) return;
        // One ulong per element, the order-preserving key above its position: sorting the integers sorts
        // by value and then by position, which is a stable sort without a comparison delegate.
        var keys = new ulong[length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int start = o * length * inner + i;
                for (int l = 0; l < length; l++)
                {
                    uint key = OrderKey(source[start + l * inner]);
                    if (descending) key = ~key;
                    keys[l] = ((ulong)key << 32) | (uint)l;
                }
                Array.Sort(keys);
                int outStart = o * k * inner + i;
                for (int j = 0; j < k; j++)
                {
                    int l = (int)(uint)keys[j];
                    values[outStart + j * inner] = source[start + l * inner];
                    indices[outStart + j * inner] = l;
                }
            }
    }

    /// <summary>
    /// Adds each of the [outer, k, inner] <paramref name="source"/> values into the [outer, length, inner]
    /// <paramref name="destination"/> at the position along the middle axis that <paramref name="indices"/> names.
    /// </summary>
    public static void ScatterAddLines(ReadOnlySpan<float> source, ReadOnlySpan<long> indices, int outer, int k, int inner, int length,
        Span<float> destination)
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < k; j++)
                for (int i = 0; i < inner; i++)
                {
                    int from = (o * k + j) * inner + i;
                    destination[(o * length + (int)indices[from]) * inner + i] += source[from];
                }
    }

    /// <summary>
    /// Maps a float to an unsigned integer in the same order: negatives reversed below positives, both zeros
    /// to one key, and every NaN to the largest key.
    /// </summary>
    private static uint OrderKey(float value)
    {
        if (float.IsNaN(value)) return uint.MaxValue;
        uint bits = BitConverter.SingleToUInt32Bits(value == 0f ? 0f : value);
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }
}

namespace Descent.Kernels;

/// <summary>
/// Sorting along the middle axis of a tensor viewed as [outer, length, inner], and the scatter that sends
/// the gradient of sorted values back to where they came from. Each line is sorted whole by one thread,
/// so the result does not depend on the thread count.
/// </summary>
internal static class SortKernel
{
    /// <summary>Elements per part below which sorting stays on one thread (a few thousand short lines).</summary>
    internal const long MinElementsPerPart = 1 << 14;

    private unsafe struct Args
    {
        public float* Source, Values;
        public long* Indices;
        public int Outer, Length, Inner, K, Parts;
        public bool Descending;
    }

    /// <summary>
    /// Writes the first <paramref name="k"/> elements of every line in sorted order, with their positions
    /// in the line. Ties keep their original order (a stable sort); -0 and +0 tie; NaN ranks above every
    /// number (last ascending, first descending), as in PyTorch. Lines are split across threads whole.
    /// </summary>
    public static unsafe void SortLines(ReadOnlySpan<float> source, int outer, int length, int inner, int k, bool descending,
        Span<float> values, Span<long> indices)
    {
        int lines = outer * inner;
        if (k == 0 || length == 0 || lines == 0) return;
        fixed (float* ps = source, pv = values)
        fixed (long* pi = indices)
        {
            var args = new Args
            {
                Source = ps, Values = pv, Indices = pi, Outer = outer, Length = length, Inner = inner, K = k, Descending = descending,
                Parts = ParallelPartition.Parts((long)lines * length, MinElementsPerPart, lines),
            };
            if (args.Parts == 1) Part(0, &args);
            else ParallelPool.Run(args.Parts, &Part, &args);
        }
    }

    private static unsafe void Part(int part, void* state)
    {
        ref var a = ref *(Args*)state;
        var (start, end) = ParallelPartition.Range(a.Outer * a.Inner, a.Parts, part);
        if (end <= start) return;
        var source = new ReadOnlySpan<float>(a.Source, a.Outer * a.Length * a.Inner);
        var values = new Span<float>(a.Values, a.Outer * a.K * a.Inner);
        var indices = new Span<long>(a.Indices, a.Outer * a.K * a.Inner);
        SortRange(source, a.Length, a.Inner, a.K, a.Descending, start, end, values, indices);
    }

    /// <summary>Sorts lines start..end-1, line o·inner + i being the one at (o, ·, i).</summary>
    private static void SortRange(ReadOnlySpan<float> source, int length, int inner, int k, bool descending, int start, int end,
        Span<float> values, Span<long> indices)
    {
        // One ulong per element, the order-preserving key above its position: sorting the integers sorts
        // by value and then by position, which is a stable sort without a comparison delegate.
        var keys = new ulong[length];
        for (int line = start; line < end; line++)
        {
            int o = line / inner, i = line % inner;
            int from = o * length * inner + i;
            for (int l = 0; l < length; l++)
            {
                uint key = OrderKey(source[from + l * inner]);
                if (descending) key = ~key;
                keys[l] = ((ulong)key << 32) | (uint)l;
            }
            Array.Sort(keys);
            int to = o * k * inner + i;
            for (int j = 0; j < k; j++)
            {
                int l = (int)(uint)keys[j];
                values[to + j * inner] = source[from + l * inner];
                indices[to + j * inner] = l;
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

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// Copy and add over short runs (an image row of 10-30 floats in im2col and col2im), inlined into the
/// caller: a call into the runtime's memmove or TensorPrimitives per row costs as much as the row.
/// Each element is copied, or added once, exactly as the library routines would.
/// </summary>
internal static class ShortRuns
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Copy(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (destination.Length < source.Length) throw new ArgumentException("ShortRuns.Copy: destination shorter than source");
        fixed (float* s = source, d = destination) Copy(s, d, source.Length);
    }

    /// <summary>destination += source, element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Add(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (destination.Length < source.Length) throw new ArgumentException("ShortRuns.Add: destination shorter than source");
        fixed (float* s = source, d = destination) Add(s, d, source.Length);
    }

    /// <summary>
    /// Copies <paramref name="n"/> floats between buffers that do not overlap. From 8 floats on, the
    /// last vector overlaps the one before it (writing a few floats twice, with the same values), so a
    /// run of 8-32 floats is two loads and two stores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Copy(float* s, float* d, int n)
    {
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            int i = 0;
            for (; i + 16 < n; i += 16) Vector512.Store(Vector512.Load(s + i), d + i);
            Vector512.Store(Vector512.Load(s + n - 16), d + n - 16);
        }
        else if (n >= 8)
        {
            int i = 0;
            for (; i + 8 < n; i += 8) Vector256.Store(Vector256.Load(s + i), d + i);
            Vector256.Store(Vector256.Load(s + n - 8), d + n - 8);
        }
        else
        {
            for (int i = 0; i < n; i++) d[i] = s[i];
        }
    }

    /// <summary>d[i] += s[i] for <paramref name="n"/> floats of buffers that do not overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Add(float* s, float* d, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) Vector512.Store(Vector512.Load(d + i) + Vector512.Load(s + i), d + i);
        for (; i + 8 <= n; i += 8) Vector256.Store(Vector256.Load(d + i) + Vector256.Load(s + i), d + i);
        for (; i < n; i++) d[i] += s[i];
    }
}

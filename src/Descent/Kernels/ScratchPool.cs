namespace Descent.Kernels;

/// <summary>
/// Per-thread recycling of float buffers, keyed by exact length: a training step asks for the same
/// sizes every time, so exact buckets reach a steady state that allocates nothing. Kernels rent their
/// scratch here (im2col columns, per-thread partial sums) and give it back in a pair around the work;
/// the core's tensor buffers recycle through the same free lists.
/// </summary>
internal static class ScratchPool
{
    /// <summary>Free buffers kept per thread, in floats (64 MiB); beyond this, returned buffers go to the GC.</summary>
    internal const long MaxPooledFloats = 16L << 20;

    [ThreadStatic] private static Dictionary<int, Stack<float[]>>? t_free;
    [ThreadStatic] private static long t_pooledFloats;
    [ThreadStatic] private static long t_fresh;

    /// <summary>Floats held in this thread's free lists.</summary>
    internal static long PooledFloats => t_pooledFloats;

    /// <summary>Buffers this thread's <see cref="Take"/> had to allocate because none was free (a steady step should add none).</summary>
    internal static long FreshBuffers => t_fresh;

    /// <summary>
    /// A buffer of exactly <paramref name="length"/> floats with unspecified contents, for scratch that
    /// the caller overwrites before reading and gives back with <see cref="Return"/>.
    /// </summary>
    internal static float[] Rent(int length) => length == 0 ? [] : Take(length, clear: false);

    /// <summary>Gives a buffer back; the caller must not touch it afterwards.</summary>
    internal static void Return(float[] buffer)
    {
        if (buffer.Length == 0 || t_pooledFloats + buffer.Length > MaxPooledFloats) return;
        var free = t_free ??= new Dictionary<int, Stack<float[]>>();
        if (!free.TryGetValue(buffer.Length, out var stack)) free[buffer.Length] = stack = new Stack<float[]>();
        stack.Push(buffer);
        t_pooledFloats += buffer.Length;
    }

    /// <summary>A pooled buffer of <paramref name="length"/> floats if one is free, else a new one; zeroed when <paramref name="clear"/>.</summary>
    internal static float[] Take(int length, bool clear)
    {
        if (t_free is { } free && free.TryGetValue(length, out var stack) && stack.TryPop(out var buffer))
        {
            t_pooledFloats -= length;
            if (clear) Array.Clear(buffer);
            return buffer;
        }
        t_fresh++;
        return clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
    }
}

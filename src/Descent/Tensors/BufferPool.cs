namespace Descent;

/// <summary>
/// Per-thread recycling of float buffers, keyed by exact length: a training step asks for the same
/// sizes every time, so exact buckets reach a steady state that allocates nothing, and every rented
/// buffer is exactly as long as the tensor over it. Two uses:
/// <list type="bullet">
/// <item>Kernel scratch (im2col columns, GEMM-sized temporaries): <see cref="RentScratch"/> and
/// <see cref="Return"/> in a pair around the kernel call.</item>
/// <item>The backward arena: while <see cref="Engine.Backward"/> runs, every tensor the engine and the
/// backward closures create takes its buffer from here and is tracked; when Backward ends, all of them
/// come back. Nothing created inside the arena can outlive it: closures run under NoGrad (no node can
/// capture one), leaf gradients are allocated outside the arena, and pending gradients are dropped.</item>
/// </list>
/// Buffers made before the arena opened (forward activations, the caller's gradient) are never
/// tracked, so a closure that hands back a saved forward tensor cannot get it recycled.
/// </summary>
internal static class BufferPool
{
    /// <summary>Free buffers kept per thread, in floats (64 MiB); beyond this, returned buffers go to the GC.</summary>
    internal const long MaxPooledFloats = 16L << 20;

    /// <summary>
    /// Below this many floats a fresh array is cheaper than a pool round trip (lookup, pop, clear, push):
    /// the GC's bump allocation of a few hundred bytes costs less, and such buffers add little pressure.
    /// </summary>
    internal const int MinPooledLength = 256;

    [ThreadStatic] private static Dictionary<int, Stack<float[]>>? t_free;
    [ThreadStatic] private static long t_pooledFloats;
    [ThreadStatic] private static List<float[]>? t_arena;
    [ThreadStatic] private static int t_arenaDepth;

    /// <summary>Floats held in this thread's free lists.</summary>
    internal static long PooledFloats => t_pooledFloats;

    /// <summary>Whether a backward arena is open on this thread.</summary>
    internal static bool InArena => t_arenaDepth > 0;

    /// <summary>A zero-filled buffer for a new tensor: from the pool and tracked inside an arena, else a fresh array.</summary>
    internal static float[] ForTensor(int length)
    {
        if (length < MinPooledLength || t_arenaDepth == 0) return new float[length];
        var buffer = Take(length, clear: true);
        t_arena!.Add(buffer);
        return buffer;
    }

    /// <summary>
    /// Like <see cref="ForTensor"/> but with unspecified contents, for a kernel that writes every
    /// element before anyone reads one (skipping the clear halves the memory traffic of a big elementwise op).
    /// </summary>
    internal static float[] ForTensorUninitialized(int length)
    {
        if (length < MinPooledLength) return new float[length];
        if (t_arenaDepth == 0) return GC.AllocateUninitializedArray<float>(length);
        var buffer = Take(length, clear: false);
        t_arena!.Add(buffer);
        return buffer;
    }

    /// <summary>
    /// A buffer of exactly <paramref name="length"/> floats with unspecified contents, for scratch that
    /// the caller overwrites before reading and gives back with <see cref="Return"/>.
    /// </summary>
    internal static float[] RentScratch(int length) => length == 0 ? [] : Take(length, clear: false);

    /// <summary>Gives a buffer from <see cref="RentScratch"/> back; the caller must not touch it afterwards.</summary>
    internal static void Return(float[] buffer)
    {
        if (buffer.Length == 0 || t_pooledFloats + buffer.Length > MaxPooledFloats) return;
        var free = t_free ??= new Dictionary<int, Stack<float[]>>();
        if (!free.TryGetValue(buffer.Length, out var stack)) free[buffer.Length] = stack = new Stack<float[]>();
        stack.Push(buffer);
        t_pooledFloats += buffer.Length;
    }

    /// <summary>Opens a backward arena (arenas nest; the outermost one returns everything).</summary>
    internal static void EnterArena()
    {
        if (t_arenaDepth++ == 0) t_arena ??= new List<float[]>();
    }

    /// <summary>Closes the arena; the outermost close returns every buffer tracked since it opened.</summary>
    internal static void ExitArena()
    {
        if (--t_arenaDepth > 0) return;
        var arena = t_arena!;
        foreach (var buffer in arena) Return(buffer);
        arena.Clear();
    }

    private static float[] Take(int length, bool clear)
    {
        if (t_free is { } free && free.TryGetValue(length, out var stack) && stack.TryPop(out var buffer))
        {
            t_pooledFloats -= length;
            if (clear) Array.Clear(buffer);
            return buffer;
        }
        return clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
    }
}

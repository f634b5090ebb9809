using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Descent.Kernels;

/// <summary>
/// Per-thread recycling of float buffers, keyed by exact length: a training step asks for the same
/// sizes every time, so exact buckets reach a steady state that allocates nothing. Kernels rent their
/// scratch here (im2col columns, per-thread partial sums) and give it back in a pair around the work;
/// the core's tensor buffers recycle through the same free lists.
/// </summary>
/// <remarks>
/// Bounded and evicting: a thread keeps at most <see cref="MaxPooledFloats"/> floats, and a buffer given back
/// when that is full makes room by dropping the free buffers of the lengths least recently asked for or given
/// back (to the GC). Without eviction, sizes a program has stopped using (a few big products once) would fill
/// the pool for good, and every later step would draw fresh buffers; with it, they go as soon as the sizes in
/// use need the room, while a steady step, whose own sizes are always the most recent, never evicts its own.
/// </remarks>
internal static class ScratchPool
{
    /// <summary>Free buffers kept per thread, in floats (64 MiB); past it the least recently used lengths are dropped.</summary>
    internal const long MaxPooledFloats = 16L << 20;

    /// <summary>The free buffers of one length, and when that length was last asked for or given back.</summary>
    private sealed class Bucket
    {
        public readonly Stack<float[]> Free = new();
        public long LastUse;
    }

    [ThreadStatic] private static Dictionary<int, Bucket>? t_free;
    [ThreadStatic] private static long t_pooledFloats;
    [ThreadStatic] private static long t_fresh;
    [ThreadStatic] private static long t_evicted;
    // Counts Take and Return calls: the recency of a length, without reading a clock.
    [ThreadStatic] private static long t_uses;

    /// <summary>Floats held in this thread's free lists.</summary>
    internal static long PooledFloats => t_pooledFloats;

    /// <summary>Buffers this thread's <see cref="Take"/> had to allocate because none was free (a steady step should add none).</summary>
    internal static long FreshBuffers => t_fresh;

    /// <summary>Free buffers this thread dropped to make room for more recently used lengths.</summary>
    internal static long EvictedBuffers => t_evicted;

    /// <summary>
    /// A buffer of exactly <paramref name="length"/> floats with unspecified contents, for scratch that
    /// the caller overwrites before reading and gives back with <see cref="Return"/>.
    /// </summary>
    internal static float[] Rent(int length) => length == 0 ? [] : Take(length, clear: false);

    /// <summary>Gives a buffer back; the caller must not touch it afterwards.</summary>
    internal static void Return(float[] buffer)
    {
        int length = buffer.Length;
        if (length == 0 || length > MaxPooledFloats) return;
        var free = t_free ??= new Dictionary<int, Bucket>();
        if (!free.TryGetValue(length, out var bucket)) free[length] = bucket = new Bucket();
        bucket.LastUse = ++t_uses;
        if (t_pooledFloats + length > MaxPooledFloats && !MakeRoom(free, length, bucket)) return;
        bucket.Free.Push(buffer);
        t_pooledFloats += length;
    }

    /// <summary>
    /// Floats that a buffer from <see cref="TakeAligned"/> holds beyond the length asked for: room to start the
    /// run at a 64-byte boundary (<see cref="AlignedOffset"/>) wherever the array lies.
    /// </summary>
    internal const int AlignmentPad = 16;

    /// <summary>
    /// A buffer of <paramref name="length"/> + <see cref="AlignmentPad"/> floats whose run of <paramref name="length"/>
    /// from <see cref="AlignedOffset"/> starts on a cache line: a new one is pinned, so the GC never moves it off the
    /// boundary. A 512-bit load or store that straddles two lines costs two accesses; a product's rows of C stored
    /// that way made 768 x 384 x 128 with its bias 5-9 % slower on a Xeon, model 207.
    /// </summary>
    internal static float[] TakeAligned(int length, bool clear) => TakeCore(length + AlignmentPad, clear, pinned: true);

    /// <summary>Where the first cache-line boundary of <paramref name="buffer"/>'s data is, in floats (0-15).</summary>
    internal static unsafe int AlignedOffset(float[] buffer) =>
        (int)((-(nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer)) & 63) / sizeof(float));

    /// <summary>A pooled buffer of <paramref name="length"/> floats if one is free, else a new one; zeroed when <paramref name="clear"/>.</summary>
    internal static float[] Take(int length, bool clear) => TakeCore(length, clear, pinned: false);

    private static float[] TakeCore(int length, bool clear, bool pinned)
    {
        if (t_free is { } free && free.TryGetValue(length, out var bucket))
        {
            bucket.LastUse = ++t_uses;
            if (bucket.Free.TryPop(out var buffer))
            {
                t_pooledFloats -= length;
                if (clear) Array.Clear(buffer);
                return buffer;
            }
        }
        t_fresh++;
        if (pinned) return clear ? GC.AllocateArray<float>(length, pinned: true) : GC.AllocateUninitializedArray<float>(length, pinned: true);
        return clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
    }

    /// <summary>
    /// Drops the free buffers of the least recently used lengths other than <paramref name="keep"/>'s until
    /// <paramref name="length"/> more floats fit; false when even that leaves no room (the buffer is then dropped).
    /// </summary>
    private static bool MakeRoom(Dictionary<int, Bucket> free, int length, Bucket keep)
    {
        while (t_pooledFloats + length > MaxPooledFloats)
        {
            int oldest = 0;
            Bucket? victim = null;
            foreach (var (size, bucket) in free)
            {
                if (bucket == keep || bucket.Free.Count == 0 || (victim != null && bucket.LastUse >= victim.LastUse)) continue;
                oldest = size;
                victim = bucket;
            }
            if (victim == null) return false;
            t_pooledFloats -= (long)oldest * victim.Free.Count;
            t_evicted += victim.Free.Count;
            free.Remove(oldest);
        }
        return true;
    }
}

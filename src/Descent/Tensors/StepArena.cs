using System.Runtime.InteropServices;
using Descent.Kernels;

namespace Descent;

/// <summary>
/// The machinery behind <see cref="StepScope"/>: per thread, the buffers of tensors made while a scope is
/// open, each with a weak handle to the tensor that owns it, handed back to <see cref="ScratchPool"/> once
/// the garbage collector has shown that owner unreachable.
/// </summary>
/// <remarks>
/// Why the GC decides, and not the scope: a tensor made in a step can escape it in ways no library code
/// sees (returned, kept in a list, captured by a callback, held in a metric), and recycling a buffer that
/// user code still reads would silently corrupt its values. Only the GC knows what is reachable, so a buffer
/// goes back to the pool only after a collection cleared the weak handle to its owner. Views (Reshape,
/// View, Detach, a row picked by the indexer, a <c>Parameter</c> over a tensor) keep their owner alive
/// through <see cref="Tensor.Base"/>, so "owner unreachable" means "no tensor over this buffer is
/// reachable". What the GC cannot see is a <see cref="Span{T}"/> taken from a tensor and used after the
/// tensor itself became unreachable and a scope ended; <see cref="StepScope"/> documents that limit.
///
/// At a scope's end nothing has been collected yet, so the step's buffers wait in a pending list; each
/// later end scans it only when a collection has run since the last scan. The steady state needs a
/// collection every few steps: the GC's own ones come rarely once the big buffers are recycled, so one is
/// forced (generation 1, where a step's short-lived tensors live) when pending bytes pass
/// <see cref="ForceCollectBytes"/>. A small step (the tutorial's, a 1-element add) tracks nothing: buffers
/// under <see cref="BufferPool.MinStepPooledLength"/> floats are never pooled, so it never forces a collection.
/// An owner that reached generation 2 (optimizer state made in the first step, a tensor kept for good)
/// is released from tracking: only a full collection could show it dead, and forcing those would cost more
/// than the buffer is worth, so its buffer is left to the GC like any other array.
///
/// Handles are reused (a freed slot gets a new target), so tracking allocates nothing in a steady step.
/// </remarks>
internal static class StepArena
{
    /// <summary>Pending bytes past which a scope's end forces a generation-1 collection.</summary>
    internal const long ForceCollectBytes = 16L << 20;

    private struct Entry
    {
        public GCHandle Owner;
        public float[] Buffer;
    }

    [ThreadStatic] private static int t_depth;
    [ThreadStatic] private static List<Entry>? t_pending;
    [ThreadStatic] private static Stack<GCHandle>? t_freeHandles;
    [ThreadStatic] private static long t_pendingBytes;
    [ThreadStatic] private static int t_scannedAtCollection;
    [ThreadStatic] private static long t_recycled, t_released, t_forced;

    /// <summary>Whether a step scope is open on this thread.</summary>
    internal static bool IsOpen => t_depth > 0;

    /// <summary>The depth after opening (scopes nest; only the outermost end recycles).</summary>
    internal static int Enter()
    {
        t_pending ??= new List<Entry>();
        return ++t_depth;
    }

    /// <summary>Closes the scope opened at <paramref name="depth"/>.</summary>
    internal static void Exit(int depth)
    {
        if (depth != t_depth)
            throw new InvalidOperationException($"StepScope: scopes must end in the reverse order they were opened, on the thread that opened them; " +
                $"ending the scope at depth {depth} while {t_depth} are open on this thread");
        if (--t_depth > 0) return;
        Recycle();
    }

    /// <summary>Tracks the buffer <paramref name="owner"/> was made over (its whole storage, made inside the scope).</summary>
    internal static void Track(Tensor owner)
    {
        var handles = t_freeHandles;
        var handle = handles is { Count: > 0 } ? handles.Pop() : GCHandle.Alloc(null, GCHandleType.Weak);
        handle.Target = owner;
        t_pending!.Add(new Entry { Owner = handle, Buffer = owner.Storage });
        t_pendingBytes += (long)owner.Storage.Length * sizeof(float);
    }

    private static void Recycle()
    {
        var pending = t_pending!;
        if (pending.Count == 0) return;
        if (t_pendingBytes >= ForceCollectBytes && GC.CollectionCount(0) == t_scannedAtCollection)
        {
            GC.Collect(1, GCCollectionMode.Forced, blocking: true);
            t_forced++;
        }
        int collections = GC.CollectionCount(0);
        if (collections == t_scannedAtCollection) return;
        t_scannedAtCollection = collections;
        var handles = t_freeHandles ??= new Stack<GCHandle>();
        int kept = 0;
        for (int i = 0; i < pending.Count; i++)
        {
            var entry = pending[i];
            var owner = entry.Owner.Target;
            if (owner != null && GC.GetGeneration(owner) < 2)
            {
                pending[kept++] = entry;
                continue;
            }
            entry.Owner.Target = null;
            handles.Push(entry.Owner);
            t_pendingBytes -= (long)entry.Buffer.Length * sizeof(float);
            if (owner == null)
            {
                ScratchPool.Return(entry.Buffer);
                t_recycled++;
            }
            else
            {
                t_released++;
            }
        }
        pending.RemoveRange(kept, pending.Count - kept);
    }

    /// <summary>This thread's counters, for tests and measurements: buffers recycled, released to the GC, forced collections, pending.</summary>
    internal static (long Recycled, long Released, long ForcedCollections, int Pending, long PendingBytes) Counters =>
        (t_recycled, t_released, t_forced, t_pending?.Count ?? 0, t_pendingBytes);
}

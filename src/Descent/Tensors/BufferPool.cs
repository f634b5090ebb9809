using Descent.Kernels;

namespace Descent;

/// <summary>
/// Per-thread recycling of float buffers for tensors, on the kernels' <see cref="ScratchPool"/> (exact-length
/// free lists), so every rented buffer is exactly as long as the tensor over it, except that a tensor of
/// <see cref="MinAlignedLength"/> floats or more that a kernel fills whole gets a few floats more and starts past
/// them, on a cache line (<see cref="ScratchPool.TakeAligned"/>). Three uses:
/// <list type="bullet">
/// <item>Kernel scratch (im2col columns, GEMM-sized temporaries): <see cref="RentScratch"/> and
/// <see cref="Return"/> in a pair around the kernel call.</item>
/// <item>The backward arena: while <see cref="Engine.Backward"/> runs, every tensor the engine and the
/// backward closures create takes its buffer from here and is tracked; when Backward ends, all of them
/// come back. Nothing created inside the arena can outlive it: closures run under NoGrad (no node can
/// capture one), leaf gradients are allocated outside the arena, and pending gradients are dropped.
/// The tensor objects that kernels fill whole (<see cref="Tensor.Uninitialized"/>: a product's input gradient,
/// an activation's, a loss's) come back too, with their buffers (<see cref="ArenaTensor"/>), so a steady
/// backward makes no objects either; this rests on the same rule, which these tensors were already held to,
/// since a tensor that outlived Backward would read a recycled buffer whether or not its object was reused.</item>
/// <item>The step arena (<see cref="StepArena"/>): while a <see cref="StepScope"/> is open (and no backward
/// arena), every new tensor takes its buffer from here and is tracked by its owner; a buffer comes back
/// only once the GC has shown that no tensor over it is reachable, so tensors may escape the step.</item>
/// </list>
/// Buffers made before the backward arena opened (forward activations, the caller's gradient) are never
/// tracked by it, so a closure that hands back a saved forward tensor cannot get it recycled when Backward ends.
/// </summary>
internal static class BufferPool
{
    /// <inheritdoc cref="ScratchPool.MaxPooledFloats"/>
    internal const long MaxPooledFloats = ScratchPool.MaxPooledFloats;

    /// <summary>
    /// Below this many floats a fresh array is cheaper than a pool round trip (lookup, pop, clear, push):
    /// the GC's bump allocation of a few hundred bytes costs less, and such buffers add little pressure.
    /// </summary>
    internal const int MinPooledLength = 256;

    /// <summary>
    /// The same threshold inside a <see cref="StepScope"/>, lower: a step's batch-sized vectors (a batch's class
    /// targets, a loss's per-example statistics) recur every step and would otherwise be most of what a steady
    /// step asks the GC for, while a step is long enough that tracking them costs nothing measurable. A
    /// one-element tensor (a loss, the tutorial's parameters) stays below it.
    /// </summary>
    internal const int MinStepPooledLength = 32;

    [ThreadStatic] private static List<float[]>? t_arena;
    [ThreadStatic] private static List<Tensor>? t_arenaTensors;
    [ThreadStatic] private static Stack<Tensor>? t_freeTensors;
    [ThreadStatic] private static int t_arenaDepth;

    /// <summary>Retired arena tensor objects kept per thread for reuse; a backward that makes more leaves the rest to the GC.</summary>
    internal const int MaxFreeTensors = 256;

    /// <inheritdoc cref="ScratchPool.PooledFloats"/>
    internal static long PooledFloats => ScratchPool.PooledFloats;

    /// <summary>Whether a backward arena is open on this thread.</summary>
    internal static bool InArena => t_arenaDepth > 0;

    /// <summary>A zero-filled buffer for a new tensor: from the pool and tracked inside an arena, else a fresh array.</summary>
    internal static float[] ForTensor(int length)
    {
        if (length < MinStepPooledLength) return new float[length];
        if (t_arenaDepth > 0 && length >= MinPooledLength)
        {
            var buffer = ScratchPool.Take(length, clear: true);
            t_arena!.Add(buffer);
            return buffer;
        }
        return t_arenaDepth == 0 && StepArena.IsOpen ? ScratchPool.Take(length, clear: true) : new float[length];
    }

    /// <summary>
    /// Hands the buffer of a tensor just made over <see cref="ForTensor"/> (or its uninitialized twin) to the
    /// open step scope, which recycles it once the tensor is unreachable. Buffers of the backward arena are
    /// already tracked by it, and small ones were never pooled.
    /// </summary>
    internal static void Adopt(Tensor owner)
    {
        if (owner.Storage.Length >= MinStepPooledLength && t_arenaDepth == 0 && StepArena.IsOpen) StepArena.Track(owner);
    }

    /// <summary>
    /// Like <see cref="ForTensor"/> but with unspecified contents, for a kernel that writes every
    /// element before anyone reads one (skipping the clear halves the memory traffic of a big elementwise op).
    /// </summary>
    /// <remarks>A pooled buffer of <see cref="MinAlignedLength"/> floats or more is padded, and the tensor's data starts at <paramref name="offset"/>, on a cache line.</remarks>
    internal static float[] ForTensorUninitialized(int length, out int offset)
    {
        offset = 0;
        if (length < MinStepPooledLength) return new float[length];
        if (t_arenaDepth == 0)
            return StepArena.IsOpen ? TakeForTensor(length, out offset) : GC.AllocateUninitializedArray<float>(length);
        if (length < MinPooledLength) return new float[length];
        var buffer = TakeForTensor(length, out offset);
        t_arena!.Add(buffer);
        return buffer;
    }

    /// <summary>
    /// From this many floats up, a pooled buffer that a kernel fills whole (a product's output, a gradient) starts on a
    /// cache line (<see cref="ScratchPool.TakeAligned"/>): the kernels' 512-bit rows then never straddle two lines. Below
    /// it the 64 bytes of padding would be a noticeable share of the buffer.
    /// </summary>
    internal const int MinAlignedLength = 1024;

    /// <summary>
    /// A parameter's gradient buffer, made once and kept across steps, never pooled: from <see cref="MinAlignedLength"/>
    /// floats up on a cache line in a pinned, padded array, like the pooled buffers, since a weight gradient is a
    /// product's output (C) every step.
    /// </summary>
    internal static Tensor LeafGradient(int[] shape, int length)
    {
        if (!Aligns(length)) return new Tensor(GC.AllocateUninitializedArray<float>(length), 0, shape);
        var buffer = GC.AllocateUninitializedArray<float>(length + ScratchPool.AlignmentPad, pinned: true);
        return new Tensor(buffer, ScratchPool.AlignedOffset(buffer), shape);
    }

    // The padding must still fit in an array for the biggest tensors.
    private static bool Aligns(int length) => length >= MinAlignedLength && length <= Array.MaxLength - ScratchPool.AlignmentPad;

    private static float[] TakeForTensor(int length, out int offset)
    {
        if (!Aligns(length))
        {
            offset = 0;
            return ScratchPool.Take(length, clear: false);
        }
        var buffer = ScratchPool.TakeAligned(length, clear: false);
        offset = ScratchPool.AlignedOffset(buffer);
        return buffer;
    }

    /// <summary>
    /// Inside a backward arena, a tensor of <paramref name="shape"/> (<paramref name="length"/> elements, at least
    /// <see cref="MinPooledLength"/>) over an uninitialized pooled buffer, both object and buffer the arena's and
    /// recycled when it closes; otherwise null, and the caller makes the tensor as usual.
    /// </summary>
    internal static Tensor? ArenaTensor(int length, int[] shape)
    {
        if (t_arenaDepth == 0 || length < MinPooledLength) return null;
        var buffer = TakeForTensor(length, out int offset);
        t_arena!.Add(buffer);
        var tensor = t_freeTensors is { Count: > 0 } free ? free.Pop().Reuse(buffer, offset, shape) : new Tensor(buffer, offset, shape);
        t_arenaTensors!.Add(tensor);
        return tensor;
    }

    /// <inheritdoc cref="ScratchPool.Rent"/>
    internal static float[] RentScratch(int length) => ScratchPool.Rent(length);

    /// <inheritdoc cref="ScratchPool.Return"/>
    internal static void Return(float[] buffer) => ScratchPool.Return(buffer);

    /// <summary>Opens a backward arena (arenas nest; the outermost one returns everything).</summary>
    internal static void EnterArena()
    {
        if (t_arenaDepth++ != 0) return;
        t_arena ??= new List<float[]>();
        t_arenaTensors ??= new List<Tensor>();
    }

    /// <summary>Closes the arena; the outermost close returns every buffer tracked since it opened.</summary>
    internal static void ExitArena()
    {
        if (--t_arenaDepth > 0) return;
        var arena = t_arena!;
        foreach (var buffer in arena) ScratchPool.Return(buffer);
        arena.Clear();
        var tensors = t_arenaTensors!;
        var free = t_freeTensors ??= new Stack<Tensor>();
        foreach (var tensor in tensors)
        {
            tensor.Retire();
            if (free.Count < MaxFreeTensors) free.Push(tensor);
        }
        tensors.Clear();
    }
}

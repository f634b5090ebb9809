namespace Descent;

/// <summary>
/// Shape arrays shared by every tensor of the same shape that an op makes on this thread, so that an op run
/// every step (a Linear's output, a loss's saved statistics) makes no new array once its shapes are known.
/// </summary>
/// <remarks>
/// Sharing is safe because a tensor never writes its shape array and never hands it out: <see cref="Tensor.Shape"/>
/// returns a copy, and every op that derives a shape clones before changing it (the same rule lets
/// <c>TensorDataset</c> share its batch shapes). Only arrays made here are shared, never one a caller passed in,
/// which the caller might still change. The cache is a small ring per thread: a step uses a handful of shapes, and
/// a shape that falls out of the ring only costs a new array the next time.
/// </remarks>
internal static class SharedShapes
{
    private const int Slots = 16;

    [ThreadStatic] private static int[][]? t_ring;
    [ThreadStatic] private static int t_next;

    /// <summary><paramref name="shape"/> with its last dimension set to <paramref name="last"/>: itself when it already is, else a shared array.</summary>
    internal static int[] WithLast(int[] shape, int last)
    {
        if (shape[^1] == last) return shape;
        Span<int> dims = shape.Length <= 16 ? stackalloc int[shape.Length] : new int[shape.Length];
        shape.CopyTo(dims);
        dims[^1] = last;
        return Of(dims);
    }

    /// <summary>The one-dimensional shape [<paramref name="length"/>], shared.</summary>
    internal static int[] Vector(int length) => Of([length]);

    /// <summary>A shared array holding <paramref name="dims"/>; callers must never write into it.</summary>
    internal static int[] Of(ReadOnlySpan<int> dims)
    {
        var ring = t_ring ??= new int[Slots][];
        for (int i = 0; i < ring.Length; i++)
            if (ring[i] is { } shape && dims.SequenceEqual(shape)) return shape;
        var made = dims.ToArray();
        ring[t_next] = made;
        t_next = (t_next + 1) % Slots;
        return made;
    }
}

using Descent.Kernels;

namespace Descent;

/// <summary>
/// Helpers for tensor shapes. Shapes are plain <c>int[]</c> in row-major order, as in PyTorch's
/// <c>torch.Size</c>; this class names, checks and prints them.
/// </summary>
/// <example><code>Shape.Format([2, 3]) // "[2, 3]"</code></example>
public static class Shape
{
    /// <summary>Number of elements of a shape (1 for a scalar, whose shape is empty).</summary>
    public static int Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
            if (n > Array.MaxLength) ThrowTooLarge(shape);
        }
        return (int)n;
    }

    // Out of line, so that Numel (which Tensor.Numel calls on every read) stays small enough to inline.
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowTooLarge(ReadOnlySpan<int> shape) =>
        throw new ArgumentException($"Shape {Format(shape)} has more elements than an array can hold.");

    /// <summary>Prints a shape the way PyTorch error messages do: <c>[2, 3]</c>.</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>Whether two shapes are equal element by element.</summary>
    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>Row-major (contiguous) strides of a shape.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape) => Strided.RowMajor(shape);

    /// <summary>Checks a shape given by a user: every dimension must be non-negative.</summary>
    public static int[] Validate(string op, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"{op}: dimensions must be non-negative; got {Format(shape)}");
        Numel(shape);
        return (int[])shape.Clone();
    }

    /// <summary>Turns a possibly negative dimension index into 0..rank-1, or throws naming the op.</summary>
    public static int NormalizeDim(string op, int dim, int rank)
    {
        int r = Math.Max(rank, 1);
        if (dim < -r || dim >= r)
            throw new ArgumentOutOfRangeException(nameof(dim), $"{op}: dimension {dim} is out of range for a tensor of rank {rank} (expected {-r}..{r - 1})");
        return dim < 0 ? dim + r : dim;
    }

    /// <summary>
    /// NumPy broadcasting: aligns shapes from the right; each pair of dimensions must be equal or one of them 1.
    /// </summary>
    public static int[] Broadcast(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        if (a.SequenceEqual(b)) return a.ToArray();
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes cannot be broadcast (dimension {i} is {da} vs {db}); got {Format(a)} and {Format(b)}");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>
    /// Strides for reading a tensor of <paramref name="shape"/> as if it had <paramref name="target"/>'s
    /// shape: broadcast dimensions get stride 0.
    /// </summary>
    internal static int[] BroadcastStrides(ReadOnlySpan<int> shape, ReadOnlySpan<int> target) => Strided.Broadcast(shape, target);
}

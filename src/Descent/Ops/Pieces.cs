namespace Descent;

// Ops that cut a tensor into pieces along one dimension: chunk and split.
public partial class Tensor
{
    /// <summary>
    /// Cuts the tensor into at most <paramref name="chunks"/> pieces along <paramref name="dim"/>, like
    /// <c>torch.chunk</c>: every piece but the last has ceil(size / chunks) elements along the dimension,
    /// so fewer than <paramref name="chunks"/> pieces may come back (a size of 6 in 4 chunks gives 2, 2, 2).
    /// Each piece is a copy with its own gradient path.
    /// <example><c>qkv.Chunk(3, dim: -1)</c> cuts [N, 3E] into three [N, E].</example>
    /// </summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        int d = PieceDim("Chunk", dim);
        if (chunks <= 0)
            throw new ArgumentException($"Chunk: chunks must be positive; got {chunks} for shape {Descent.Shape.Format(_shape)}");
        int size = _shape[d];
        // PyTorch keeps `chunks` empty pieces for an empty dimension rather than one.
        if (size == 0) return Split(new int[chunks], d);
        return SplitEvenly("Chunk", (size + chunks - 1) / chunks, d);
    }

    /// <summary>
    /// Cuts the tensor along <paramref name="dim"/> into pieces of <paramref name="splitSize"/> elements,
    /// the last one smaller when the size does not divide evenly, like <c>torch.split(x, split_size)</c>.
    /// Each piece is a copy with its own gradient path.
    /// <example><c>x.Split(2, dim: 1)</c> on shape [3, 5] gives [3, 2], [3, 2] and [3, 1].</example>
    /// </summary>
    public Tensor[] Split(int splitSize, int dim = 0) => SplitEvenly("Split", splitSize, PieceDim("Split", dim));

    /// <summary>
    /// Cuts the tensor along <paramref name="dim"/> into pieces of the given <paramref name="sizes"/>, which
    /// must add up to the dimension's size, like <c>torch.split(x, [sizes])</c>.
    /// Each piece is a copy with its own gradient path.
    /// <example><c>x.Split([1, 3], dim: 0)</c> on shape [4, 2] gives [1, 2] and [3, 2].</example>
    /// </summary>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int d = PieceDim("Split", dim);
        long total = 0;
        foreach (int s in sizes) total += s;
        if (sizes.Any(s => s < 0) || total != _shape[d])
            throw new ArgumentException($"Split: sizes must be non-negative and add up to {_shape[d]}, the size of dimension {d} of shape {Descent.Shape.Format(_shape)}; got [{string.Join(", ", sizes)}]");
        var pieces = new Tensor[sizes.Length];
        for (int i = 0, start = 0; i < sizes.Length; start += sizes[i], i++) pieces[i] = Narrow(d, start, sizes[i]);
        return pieces;
    }

    private Tensor[] SplitEvenly(string op, int splitSize, int d)
    {
        int size = _shape[d];
        if (splitSize < 0 || (splitSize == 0 && size != 0))
            throw new ArgumentException($"{op}: the piece size must be positive (0 only for an empty dimension); got {splitSize} for dimension {d} of shape {Descent.Shape.Format(_shape)}");
        int count = splitSize == 0 ? 1 : Math.Max((size + splitSize - 1) / splitSize, 1);
        var sizes = new int[count];
        for (int i = 0; i < count; i++) sizes[i] = Math.Min(splitSize, size - i * splitSize);
        return Split(sizes, d);
    }

    private int PieceDim(string op, int dim)
    {
        if (Rank == 0) throw new ArgumentException($"{op}: expects a tensor of at least one dimension; got shape []");
        return Descent.Shape.NormalizeDim(op, dim, Rank);
    }
}

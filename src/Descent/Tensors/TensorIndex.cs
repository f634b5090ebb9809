namespace Descent;

/// <summary>
/// One entry of a tensor index, as one item between the brackets of PyTorch's <c>x[...]</c>: an integer
/// (<c>0</c>, <c>-1</c>), an index from the end (<c>^1</c>) or a range (<c>1..3</c>, <c>..</c>, <c>..^1</c>).
/// It exists so that the indexer of <see cref="Tensor"/>, <see cref="IntTensor"/> and <see cref="BoolTensor"/>
/// can take any mix of the three in C#'s own syntax; it converts implicitly from each and is rarely named.
/// An integer or <see cref="System.Index"/> removes its dimension; a range keeps it, clamped as in Python.
/// </summary>
/// <example><code>
/// var x = Tensor.Arange(24).Reshape(2, 3, 4);
/// var last = x[.., ^1, ..];   // x[:, -1, :] → shape [2, 4]
/// var rows = x[0, 1..3];      // x[0, 1:3]   → shape [2, 4]
/// TensorIndex[] same = [.., ^1];
/// var again = x[same];        // the same as x[.., ^1]
/// var tail = x[TensorIndex.Ellipsis, ^1];            // x[..., -1]    → shape [2, 3]
/// var wide = x[.., TensorIndex.NewAxis, 0];          // x[:, None, 0] → shape [2, 1, 4]
/// </code></example>
public readonly struct TensorIndex
{
    private enum Kind : byte { Integer, FromIndex, Range, Ellipsis, NewAxis }

    private readonly Kind _kind;
    private readonly long _integer;
    private readonly Index _index;
    private readonly Range _range;

    private TensorIndex(Kind kind, long integer, Index index, Range range) =>
        (_kind, _integer, _index, _range) = (kind, integer, index, range);

    /// <summary>An integer index; negative counts from the end, as in Python.</summary>
    public static implicit operator TensorIndex(int index) => new(Kind.Integer, index, default, default);

    /// <summary>An int64 index, as <see cref="IntTensor"/> holds them; negative counts from the end.</summary>
    public static implicit operator TensorIndex(long index) => new(Kind.Integer, index, default, default);

    /// <summary>An index that may count from the end (<c>^1</c> is the last element).</summary>
    public static implicit operator TensorIndex(Index index) => new(Kind.FromIndex, 0, index, default);

    /// <summary>A range of elements (<c>start..end</c>, end exclusive), clamped to the dimension as in Python.</summary>
    public static implicit operator TensorIndex(Range range) => new(Kind.Range, 0, default, range);

    /// <summary>
    /// Every dimension not named by the other entries, kept whole: PyTorch's <c>...</c>, so <c>x[TensorIndex.Ellipsis, ^1]</c>
    /// is <c>x[..., -1]</c> for a tensor of any rank. At most one per index.
    /// </summary>
    public static TensorIndex Ellipsis { get; } = new(Kind.Ellipsis, 0, default, default);

    /// <summary>A new dimension of size 1 at this place, taking none of the tensor's: PyTorch's <c>None</c>, as in <c>x[:, None]</c>.</summary>
    public static TensorIndex NewAxis { get; } = new(Kind.NewAxis, 0, default, default);

    /// <summary>True for a range, which keeps its dimension; false for a single index, which removes it.</summary>
    internal bool IsRange => _kind == Kind.Range;

    internal bool IsEllipsis => _kind == Kind.Ellipsis;

    internal bool IsNewAxis => _kind == Kind.NewAxis;

    /// <summary>Where this entry falls in dimension <paramref name="dim"/> of <paramref name="shape"/>: the first index and the count.</summary>
    internal (int Start, int Count) Resolve(string op, int[] shape, int dim)
    {
        int size = shape[dim];
        if (_kind == Kind.Range)
        {
            int s = Math.Clamp(Position(_range.Start, size), 0, size), e = Math.Clamp(Position(_range.End, size), 0, size);
            return (s, Math.Max(0, e - s));
        }
        long i = _kind == Kind.Integer ? (_integer < 0 ? _integer + size : _integer) : Position(_index, size);
        if (i < 0 || i >= size)
            throw new ArgumentOutOfRangeException("indices", $"{op}: index {this} is out of range for dimension {dim} of size {size} in shape {Shape.Format(shape)}");
        return ((int)i, 1);
    }

    // Index.Value is at most int.MaxValue, so the subtraction cannot overflow; clamping happens afterwards.
    private static int Position(Index index, int size) => index.IsFromEnd ? size - index.Value : index.Value;

    /// <summary>The entry as C# writes it: <c>2</c>, <c>^1</c>, <c>1..^1</c>.</summary>
    public override string ToString() => _kind switch
    {
        Kind.Integer => _integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Kind.FromIndex => _index.ToString(),
        Kind.Ellipsis => "Ellipsis",
        Kind.NewAxis => "NewAxis",
        _ => (_range.Start.Equals(Index.Start) ? "" : _range.Start.ToString()) + ".." + (_range.End.Equals(Index.End) ? "" : _range.End.ToString()),
    };
}

namespace Descent;

/// <summary>
/// A float32 n-dimensional array with reverse-mode automatic differentiation, modelled on
/// <c>torch.Tensor</c>. Storage is contiguous and row-major; <see cref="Reshape"/> and
/// <see cref="View"/> share it. No <c>Dispose</c> is needed: tensors live in managed memory.
/// </summary>
/// <example><code>
/// var a = Tensor.Scalar(1f).RequireGrad();
/// var loss = (a * 3f - 2f).Pow(2);
/// loss.Backward();
/// Console.WriteLine(a.Grad); // tensor(6.)
/// </code></example>
public partial class Tensor
{
    // Not readonly only so that the backward arena can reuse a tensor object it made (Reuse, Retire); nothing else
    // writes them after construction.
    private int[] _shape;
    private bool _requiresGrad;

    internal float[] Storage;
    internal int Offset;

    /// <summary>
    /// The tensor that owns the storage when this one is a view of it (PyTorch's <c>_base</c>), else null.
    /// A view holds its owner so that a <see cref="StepScope"/>, which recycles a buffer once its owner is
    /// unreachable, never recycles one that a view still reads.
    /// </summary>
    internal readonly Tensor? Base;

    /// <summary>A tensor over a buffer nobody else holds (new, or the caller's own array), as its owner.</summary>
    internal Tensor(float[] storage, int offset, int[] shape) : this(storage, offset, shape, lengthChecked: false)
    {
    }

    /// <summary>The same, skipping the element count's check when the caller has just made it (<see cref="MemoryGuard.TensorElements"/>).</summary>
    private Tensor(float[] storage, int offset, int[] shape, bool lengthChecked)
    {
        Storage = storage;
        Offset = offset;
        _shape = shape;
        // Validates the element count once, as the stored count did; Numel recomputes it from the shape.
        if (!lengthChecked) _ = Descent.Shape.Numel(shape);
    }

    /// <summary>A view: <paramref name="source"/>'s storage from <paramref name="offset"/>, keeping its owner alive.</summary>
    internal Tensor(Tensor source, int offset, int[] shape) : this(source.Storage, offset, shape)
    {
        Base = source.Base ?? source;
    }

    /// <summary>
    /// A new zero-filled tensor of the given shape (internal: callers fill it). Inside Backward its
    /// buffer comes from the backward arena, inside a <see cref="StepScope"/> from the step's pool
    /// (<see cref="BufferPool"/>), and is recycled when it ends.
    /// </summary>
    internal Tensor(int[] shape) : this(BufferPool.ForTensor(MemoryGuard.TensorElements(shape)), 0, shape)
    {
        BufferPool.Adopt(this);
    }

    /// <summary>
    /// A new tensor whose contents are unspecified: only for a kernel that overwrites every element. Inside
    /// Backward a big one is the backward arena's, object and buffer, recycled when Backward ends (<see cref="BufferPool.ArenaTensor"/>).
    /// </summary>
    internal static Tensor Uninitialized(int[] shape)
    {
        int length = MemoryGuard.TensorElements(shape);
        // The length test first, inline: a tiny op's result (a loss, the tutorial's numbers) never comes from the arena,
        // and skips the call.
        if (length >= BufferPool.MinPooledLength && BufferPool.ArenaTensor(length, shape) is { } arenaTensor) return arenaTensor;
        var buffer = BufferPool.ForTensorUninitialized(length, out int offset);
        var t = new Tensor(buffer, offset, shape, lengthChecked: true);
        BufferPool.Adopt(t);
        return t;
    }

    /// <summary>Makes this retired arena tensor the owner of <paramref name="storage"/> from <paramref name="offset"/> with <paramref name="shape"/>, as if new.</summary>
    internal Tensor Reuse(float[] storage, int offset, int[] shape)
    {
        Storage = storage;
        Offset = offset;
        _shape = shape;
        return this;
    }

    /// <summary>
    /// Empties an arena tensor when Backward ends: no storage, shape [0], no gradient, no graph. Nothing reachable
    /// holds it then (the arena's rule), and emptying it means it pins no buffer while it waits to be reused.
    /// </summary>
    internal void Retire()
    {
        Storage = [];
        Offset = 0;
        _shape = s_retiredShape;
        _requiresGrad = false;
        _grad = null;
        _gradZeroPending = false;
        GradFn = null;
    }

    private static readonly int[] s_retiredShape = [0];

    /// <summary>A tensor owning a buffer that came from <see cref="BufferPool.ForTensor"/>, tracked as a new tensor's would be.</summary>
    internal static Tensor OverPooledBuffer(float[] buffer, int[] shape)
    {
        var t = new Tensor(buffer, 0, shape);
        BufferPool.Adopt(t);
        return t;
    }

    /// <summary>The dimensions of this tensor (a copy; a scalar has an empty shape).</summary>
    public int[] Shape => (int[])_shape.Clone();

    internal int[] ShapeRef => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Size of one dimension; negative indices count from the end.</summary>
    public int Size(int dim)
    {
        if (Rank == 0) throw new ArgumentOutOfRangeException(nameof(dim), $"Size: dimension {dim} was asked of a tensor with no dimensions");
        return _shape[Descent.Shape.NormalizeDim("Size", dim, Rank)];
    }

    /// <summary>Number of elements.</summary>
    // Computed, not stored: without the field a tensor object is 64 bytes rather than 72, and a training step makes
    // a dozen or more of them; the product over a handful of dimensions costs a few instructions.
    public int Numel => Descent.Shape.Numel(_shape);

    /// <summary>The elements, in row-major order, as a read-only span over the storage.</summary>
    public ReadOnlySpan<float> Data => Storage.AsSpan(Offset, Numel);

    /// <summary>The elements as a writable span; writing bypasses autograd, like PyTorch's <c>.data</c>.</summary>
    public Span<float> DataSpan => Storage.AsSpan(Offset, Numel);

    /// <summary>Whether operations on this tensor are recorded for <see cref="Backward"/>.</summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!value && GradFn != null)
                throw new InvalidOperationException("RequiresGrad: cannot turn off grad on a tensor computed by an op; use Detach() instead.");
            _requiresGrad = value;
        }
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor, for fluent creation.</summary>
    public Tensor RequireGrad(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    private Tensor? _grad;

    // Set by ZeroGrad: the gradient's buffer is logically zero but not yet cleared. The next backward
    // pass writes its first gradient over it (instead of clearing it and then adding), which saves two
    // passes over every parameter-sized buffer a step; anyone who reads Grad first gets it cleared.
    private bool _gradZeroPending;

    /// <summary>The accumulated gradient of a leaf tensor after <see cref="Backward"/>, or null.</summary>
    public Tensor? Grad
    {
        get
        {
            if (_gradZeroPending)
            {
                _gradZeroPending = false;
                _grad!.DataSpan.Clear();
            }
            return _grad;
        }
        set
        {
            _grad = value;
            _gradZeroPending = false;
        }
    }

    /// <summary>
    /// For the engine: the gradient buffer without clearing a pending zero, and whether it is logically
    /// zero (so the caller must write every element rather than add). Marks it written.
    /// </summary>
    internal Tensor? TakeGradForWriting(out bool logicallyZero)
    {
        logicallyZero = _gradZeroPending;
        _gradZeroPending = false;
        return _grad;
    }

    /// <summary>The node that computed this tensor, or null for a leaf.</summary>
    public Node? GradFn { get; internal set; }

    /// <summary>True for tensors created by the user rather than computed by a recorded op.</summary>
    public bool IsLeaf => GradFn == null;

    /// <summary>The value of a one-element tensor.</summary>
    public float Item()
    {
        if (Numel != 1) throw new InvalidOperationException($"Item: only one-element tensors can be converted to a number; got shape {Descent.Shape.Format(_shape)}");
        return Storage[Offset];
    }

    /// <summary>A copy of the elements in row-major order.</summary>
    public float[] ToArray() => Data.ToArray();

    /// <summary>A tensor sharing this one's storage but cut from the autograd graph.</summary>
    public Tensor Detach() => new(this, Offset, _shape);

    /// <summary>A copy with its own storage; gradients flow back to this tensor.</summary>
    public Tensor Clone()
    {
        var result = new Tensor(_shape);
        Data.CopyTo(result.DataSpan);
        return Graph.RecordNoArrays(result, "Clone", this, static (_, g) => g);
    }

    /// <summary>
    /// Sets the gradient to zero, keeping its buffer, as <c>x.grad.zero_()</c> does. The clearing is
    /// deferred: the next backward pass overwrites the buffer, and reading <see cref="Grad"/> before
    /// then clears it, so the gradient always reads as zero (a reference to the gradient tensor taken
    /// before this call may show the old values until then).
    /// </summary>
    public void ZeroGrad()
    {
        if (_grad != null) _gradZeroPending = true;
    }

    /// <summary>Fills this tensor in place with a value; not recorded by autograd.</summary>
    public Tensor Fill(float value)
    {
        DataSpan.Fill(value);
        return this;
    }

    /// <summary>Copies another tensor's values into this one in place; not recorded by autograd.</summary>
    public Tensor CopyFrom(Tensor source)
    {
        if (!Descent.Shape.Equal(_shape, source._shape))
            throw new ArgumentException($"CopyFrom: shapes must match; got {Descent.Shape.Format(_shape)} and {Descent.Shape.Format(source._shape)}");
        source.Data.CopyTo(DataSpan);
        return this;
    }

    /// <inheritdoc/>
    public override string ToString() => TensorFormatter.Format(this);
}

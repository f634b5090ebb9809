namespace Descent.Data;

/// <summary>
/// A collection of (input, target) examples, like <c>torch.utils.data.Dataset</c>. Subclasses give
/// one example; <see cref="GetBatch"/> gathers many, and tensor-backed sets override it to copy rows
/// in one pass.
/// </summary>
public abstract class Dataset
{
    /// <summary>Number of examples.</summary>
    public abstract int Count { get; }

    /// <summary>The example at <paramref name="index"/>: its input and target, without a batch dimension.</summary>
    public abstract (Tensor Input, Tensor Target) Get(int index);

    /// <summary>The examples at <paramref name="indices"/> stacked along a new first dimension.</summary>
    public virtual (Tensor Input, Tensor Target) GetBatch(ReadOnlySpan<int> indices)
    {
        var inputs = new Tensor[indices.Length];
        var targets = new Tensor[indices.Length];
        for (int i = 0; i < indices.Length; i++) (inputs[i], targets[i]) = Get(indices[i]);
        using var _ = Autograd.NoGrad();
        return (Tensor.Stack(inputs), Tensor.Stack(targets));
    }

    /// <summary>Throws naming the dataset when an index is outside 0..Count-1.</summary>
    protected void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"{GetType().Name}: index {index} is out of range for {Count} examples");
    }
}

/// <summary>
/// A dataset over two tensors whose first dimension indexes examples, like <c>TensorDataset</c>.
/// </summary>
/// <example><code>
/// var data = new TensorDataset(x, y);          // x [N, 784], y [N]
/// var loader = new DataLoader(data, batchSize: 64, shuffle: true, generator: new Generator(0));
/// </code></example>
public sealed class TensorDataset : Dataset
{
    /// <summary>Wraps inputs and targets; both must have the same first dimension.</summary>
    public TensorDataset(Tensor inputs, Tensor targets)
    {
        if (inputs.Rank == 0 || targets.Rank == 0 || inputs.Size(0) != targets.Size(0))
            throw new ArgumentException($"TensorDataset: inputs and targets must have the same first dimension; got {Shape.Format(inputs.Shape)} and {Shape.Format(targets.Shape)}");
        Inputs = inputs.Detach();
        Targets = targets.Detach();
    }

    /// <summary>All inputs, examples along the first dimension.</summary>
    public Tensor Inputs { get; }

    /// <summary>All targets, examples along the first dimension.</summary>
    public Tensor Targets { get; }

    /// <inheritdoc/>
    public override int Count => Inputs.Size(0);

    /// <inheritdoc/>
    public override (Tensor Input, Tensor Target) Get(int index)
    {
        CheckIndex(index);
        return (Row(Inputs, index), Row(Targets, index));
    }

    /// <inheritdoc/>
    public override (Tensor Input, Tensor Target) GetBatch(ReadOnlySpan<int> indices) =>
        (Gather(Inputs, indices, ref _inputBatchShape), Gather(Targets, indices, ref _targetBatchShape));

    // The last batch shapes made, shared by every batch of that size: a tensor never writes its shape array, and
    // a loader asks for the same size every step, so a steady step makes no shape arrays.
    private int[]? _inputBatchShape, _targetBatchShape;

    private static Tensor Row(Tensor t, int index)
    {
        var shape = t.Shape[1..];
        int n = Shape.Numel(shape);
        return Tensor.Create(t.Data.Slice(index * n, n).ToArray(), shape);
    }

    private Tensor Gather(Tensor t, ReadOnlySpan<int> indices, ref int[]? cachedShape)
    {
        int n = Shape.Numel(t.ShapeRef.AsSpan(1));
        long bytes = 4L * indices.Length * n;
        // Checked only where MemoryGuard checks at all, so a steady step does not format the message.
        if (bytes >= MemoryGuard.CheckedBytes)
            MemoryGuard.Require(bytes, $"a batch of {indices.Length} examples of shape {Shape.Format(t.ShapeRef[1..])}");
        foreach (int index in indices) CheckIndex(index);
        var shape = cachedShape is { } cached && cached[0] == indices.Length ? cached : BatchShape(t.ShapeRef, indices.Length);
        cachedShape = shape;
        // Every row is written below; inside a StepScope the buffer is the step's to recycle.
        var batch = Tensor.Uninitialized(shape);
        var src = t.Data;
        var data = batch.DataSpan;
        for (int i = 0; i < indices.Length; i++) src.Slice(indices[i] * n, n).CopyTo(data.Slice(i * n, n));
        return batch;
    }

    private static int[] BatchShape(int[] shape, int examples)
    {
        var batch = (int[])shape.Clone();
        batch[0] = examples;
        return batch;
    }
}

/// <summary>A view of some examples of another dataset, as returned by <see cref="Splits"/>.</summary>
public sealed class Subset : Dataset
{
    private readonly int[] _indices;

    /// <summary>The examples of <paramref name="source"/> at <paramref name="indices"/>, in that order.</summary>
    public Subset(Dataset source, int[] indices)
    {
        Source = source;
        foreach (int i in indices)
            if ((uint)i >= (uint)source.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Subset: index {i} is out of range for {source.Count} examples");
        _indices = (int[])indices.Clone();
    }

    /// <summary>The dataset this one selects from.</summary>
    public Dataset Source { get; }

    /// <summary>The selected indices into <see cref="Source"/>.</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <inheritdoc/>
    public override int Count => _indices.Length;

    /// <inheritdoc/>
    public override (Tensor Input, Tensor Target) Get(int index)
    {
        CheckIndex(index);
        return Source.Get(_indices[index]);
    }

    /// <inheritdoc/>
    public override (Tensor Input, Tensor Target) GetBatch(ReadOnlySpan<int> indices)
    {
        var mapped = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            CheckIndex(indices[i]);
            mapped[i] = _indices[indices[i]];
        }
        return Source.GetBatch(mapped);
    }
}

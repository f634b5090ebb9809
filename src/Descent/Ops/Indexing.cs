using System.Runtime.CompilerServices;

namespace Descent;

// Indexing with C#'s syntax and PyTorch's meaning: x[.., ^1] is x[:, -1]. Reads are differentiable and share
// storage whenever the selection is one run of it; writes go around autograd, like the in-place ops.
public partial class Tensor
{
    /// <summary>
    /// The sub-tensor picked by one entry per leading dimension, as PyTorch's <c>x[...]</c>: an integer or
    /// <c>^n</c> removes its dimension, a range (<c>1..3</c>, <c>..</c>, <c>..^1</c>) keeps it, clamped as in
    /// Python, and dimensions without an entry are kept whole; indexing every dimension gives a 0-d tensor (read
    /// it with <see cref="Item"/>, or use <see cref="At"/>). The result shares storage when the selection is one
    /// consecutive run of it (a leading integer, a range of rows), and is a copy otherwise; either way the
    /// gradient flows back into the selected positions. Setting writes the value (broadcast to the selection)
    /// into this tensor in place, outside autograd; to write a number, use <see cref="IndexPut(float, TensorIndex[])"/>.
    /// </summary>
    /// <example><code>
    /// var x = Tensor.Arange(12).Reshape(3, 4);
    /// var row = x[0];             // x[0]       → [0, 1, 2, 3], a view
    /// var col = x[.., ^1];        // x[:, -1]   → [3, 7, 11]
    /// var body = x[1..3, ..^1];   // x[1:3, :-1] → shape [2, 3]
    /// x[.., 0] = Tensor.Zeros(3); // x[:, 0] = 0
    /// </code></example>
    [IndexerName("Index")]
    public Tensor this[params TensorIndex[] indices]
    {
        get => IndexGet(indices);
        set => IndexPut(value, indices);
    }

    private Tensor IndexGet(TensorIndex[] indices)
    {
        var plan = IndexPlan.Resolve("Index", _shape, indices);
        Tensor result;
        if (plan.IsView) result = new Tensor(this, Offset + plan.BlockOffsets[0], plan.Shape);
        else
        {
            result = Uninitialized(plan.Shape);
            plan.Gather<float>(Data, result.DataSpan);
        }
        var inShape = _shape;
        return Graph.RecordNoArrays(result, "Index", this, (_, g) => IndexGrad(plan, inShape, g));
    }

    /// <summary>
    /// The gradient of an index read: <paramref name="g"/> at the selected positions and zero elsewhere. A view
    /// covering the whole source hands back <paramref name="g"/> itself, reshaped; any other view writes each
    /// element once (its run copied, only the rest cleared), where zeroing everything first wrote the run twice.
    /// </summary>
    private static Tensor IndexGrad(IndexPlan plan, int[] inShape, Tensor g)
    {
        if (!plan.IsView)
        {
            var scattered = new Tensor(inShape);
            plan.Scatter<float>(g.Data, scattered.DataSpan);
            return scattered;
        }
        int start = plan.BlockOffsets[0], length = plan.BlockLength;
        if (start == 0 && length == Descent.Shape.Numel(inShape)) return new Tensor(g, g.Offset, inShape);
        var grad = Uninitialized(inShape);
        var span = grad.DataSpan;
        span[..start].Clear();
        g.Data.CopyTo(span.Slice(start, length));
        span[(start + length)..].Clear();
        return grad;
    }

    /// <summary>
    /// Writes <paramref name="value"/>, broadcast to the selection, into the elements picked by
    /// <paramref name="indices"/> (as the indexer reads them), in place and outside autograd; returns this.
    /// Like the other in-place ops it refuses a tensor that requires grad while autograd records, and it
    /// refuses a value that requires grad then too, whose gradient the write would silently lose.
    /// </summary>
    /// <example><code>
    /// var x = Tensor.Zeros(2, 3);
    /// x.IndexPut(Tensor.FromArray([1f, 2f, 3f], [3]), 1);   // x[1] = [1, 2, 3]
    /// x[.., 0] = Tensor.Full([2], 9f);                      // x[:, 0] = 9, through the indexer
    /// </code></example>
    public Tensor IndexPut(Tensor value, params TensorIndex[] indices)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckInPlace("IndexPut");
        if (value.RequiresGrad && Autograd.IsEnabled)
            throw new InvalidOperationException("IndexPut: the value requires grad, and writing into a tensor is not recorded, so its gradient would be lost; pass value.Detach() or wrap the write in Autograd.NoGrad().");
        var plan = IndexPlan.Resolve("IndexPut", _shape, indices);
        plan.Scatter(plan.Broadcast("IndexPut", value.Storage, value.Offset, value._shape, Storage), DataSpan);
        return this;
    }

    /// <summary>
    /// Sets the elements picked by <paramref name="indices"/> (as the indexer reads them) to <paramref name="value"/>,
    /// like PyTorch's <c>x[:, 0] = 1.0</c>, in place and outside autograd; returns this.
    /// </summary>
    /// <example><code>
    /// var x = Tensor.Ones(3, 3);
    /// x.IndexPut(0f, .., 0);   // x[:, 0] = 0
    /// </code></example>
    public Tensor IndexPut(float value, params TensorIndex[] indices)
    {
        CheckInPlace("IndexPut");
        IndexPlan.Resolve("IndexPut", _shape, indices).Fill(value, DataSpan);
        return this;
    }

    /// <summary>
    /// The element at one index per dimension (negative counts from the end), as a reference: read it as a
    /// number or assign through it. Writing bypasses autograd, like <see cref="DataSpan"/>. This is the number
    /// that <c>x[i, j].item()</c> gives in PyTorch, without making a tensor; <c>x[i, j]</c> here gives the 0-d tensor.
    /// </summary>
    /// <example><code>
    /// var x = Tensor.Arange(6).Reshape(2, 3);
    /// float last = x.At(1, -1);   // 5
    /// x.At(0, 0) = 7f;
    /// </code></example>
    public ref float At(params int[] indices) => ref Storage[Offset + IndexPlan.Element("At", _shape, indices)];
}

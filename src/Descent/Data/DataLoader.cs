namespace Descent.Data;

/// <summary>
/// Iterates a dataset in mini-batches, like <c>torch.utils.data.DataLoader</c>: optional shuffling
/// from a seeded <see cref="Generator"/> (a new order each epoch, the same sequence of orders for the
/// same seed) and optional dropping of a last, smaller batch.
/// </summary>
/// <example><code>
/// foreach (var (x, y) in new DataLoader(train, batchSize: 32, shuffle: true, generator: new Generator(1)))
/// {
///     var loss = lossFn.Forward(model.Forward(x), y);
/// }
/// </code></example>
public sealed class DataLoader : IEnumerable<(Tensor Input, Tensor Target)>
{
    /// <summary>Creates a loader; <paramref name="generator"/> drives shuffling (the default generator if null).</summary>
    public DataLoader(Dataset dataset, int batchSize = 1, bool shuffle = false, bool dropLast = false, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"DataLoader: batchSize must be positive; got {batchSize}");
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        Generator = generator ?? Descent.Generator.Default;
    }

    /// <summary>The dataset iterated.</summary>
    public Dataset Dataset { get; }

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch visits the examples in a fresh random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a last batch smaller than <see cref="BatchSize"/> is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>The generator that orders the examples.</summary>
    public Generator Generator { get; }

    /// <summary>Number of batches in one epoch.</summary>
    // In long: a batch size near int.MaxValue would overflow the rounding up to a negative count.
    public int Count => DropLast ? Dataset.Count / BatchSize : (int)(((long)Dataset.Count + BatchSize - 1) / BatchSize);

    /// <summary>One epoch of batches; each enumeration draws a new order when shuffling.</summary>
    public IEnumerator<(Tensor Input, Tensor Target)> GetEnumerator()
    {
        int n = Dataset.Count;
        int[] order = Shuffle ? Generator.Permutation(n) : Enumerable.Range(0, n).ToArray();
        int batches = Count;
        for (int b = 0; b < batches; b++)
        {
            int start = b * BatchSize;
            int size = Math.Min(BatchSize, n - start);
            yield return Batch(order.AsSpan(start, size));
        }
    }

    // Made inside a step scope of its own, so a batch's buffers are pooled and recycled once nothing reachable
    // uses them, whether or not the caller's loop opens a scope before drawing (Learner.Fit does; the usual
    // foreach with a scope in its body draws before it). Inside the caller's scope it simply nests.
    private (Tensor Input, Tensor Target) Batch(ReadOnlySpan<int> indices)
    {
        using var scope = new StepScope();
        return Dataset.GetBatch(indices);
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

using Descent.Kernels;

namespace Descent;

// The embedding lookup behind Functional.Embedding: rows of a table by already-checked row numbers, with
// PyTorch's padding_idx (no gradient into that row) and max_norm (renormalise the looked-up rows first).
internal static class EmbeddingLookup
{
    /// <summary>
    /// Rows <paramref name="rows"/> of the [num_embeddings, dim] <paramref name="weight"/>, shaped
    /// <paramref name="outShape"/>; lookups of <paramref name="paddingRow"/> (-1 for none) pass no gradient back.
    /// </summary>
    public static Tensor Rows(Tensor weight, int[] rows, int paddingRow, int[] outShape)
    {
        int dim = weight.Size(1);
        var result = Tensor.Uninitialized(outShape);
        EmbeddingKernel.Lookup(weight.Data, dim, rows, result.DataSpan);
        var shape = weight.ShapeRef;
        return Graph.RecordNoArrays(result, "EmbeddingBackward0", weight, (_, g) =>
        {
            var grad = new Tensor(shape);
            EmbeddingKernel.Backward(g.Data, dim, rows, paddingRow, grad.DataSpan);
            return grad;
        });
    }

    /// <summary>
    /// PyTorch's <c>embedding_renorm_</c>, in place and unrecorded (it runs under no-grad there): each distinct
    /// looked-up row whose <paramref name="normType"/>-norm exceeds <paramref name="maxNorm"/> is scaled down to it.
    /// </summary>
    public static void Renorm(Tensor weight, int[] rows, double maxNorm, double normType) =>
        EmbeddingKernel.Renorm(weight.DataSpan, weight.Size(1), rows, maxNorm, normType);
}

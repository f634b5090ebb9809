namespace Descent.Kernels;

/// <summary>
/// The loops of an embedding lookup with PyTorch's options: copying rows out of a [rows, dim] table, adding
/// the gradient back into the rows except the padding row, and renormalising looked-up rows in place.
/// Scalar and in index order, so accumulation into a repeated row is deterministic.
/// </summary>
internal static class EmbeddingKernel
{
    /// <summary>Copies row <c>rows[i]</c> of <paramref name="table"/> to row i of <paramref name="output"/>.</summary>
    public static void Lookup(ReadOnlySpan<float> table, int dim, ReadOnlySpan<int> rows, Span<float> output)
    {
        for (int i = 0; i < rows.Length; i++)
            table.Slice(rows[i] * dim, dim).CopyTo(output.Slice(i * dim, dim));
    }

    /// <summary>
    /// Adds row i of <paramref name="gradOutput"/> into row <c>rows[i]</c> of <paramref name="gradTable"/>,
    /// skipping every lookup of <paramref name="paddingRow"/> (-1 for none), which so gets no gradient.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> gradOutput, int dim, ReadOnlySpan<int> rows, int paddingRow, Span<float> gradTable)
    {
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i] == paddingRow) continue;
            var row = gradTable.Slice(rows[i] * dim, dim);
            System.Numerics.Tensors.TensorPrimitives.Add(row, gradOutput.Slice(i * dim, dim), row);
        }
    }

    /// <summary>
    /// PyTorch's <c>embedding_renorm_</c>: each distinct row in <paramref name="rows"/> whose p-norm
    /// (<paramref name="normType"/>, ∞ for the largest magnitude) exceeds <paramref name="maxNorm"/> is scaled
    /// by maxNorm / (norm + 1e-7) in place; the others are left alone.
    /// </summary>
    public static void Renorm(Span<float> table, int dim, ReadOnlySpan<int> rows, double maxNorm, double normType)
    {
        var seen = new HashSet<int>();
        foreach (int r in rows)
        {
            if (!seen.Add(r)) continue;
            var row = table.Slice(r * dim, dim);
            double norm = Norm(row, normType);
            if (norm > maxNorm)
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, (float)(maxNorm / (norm + 1e-7)), row);
        }
    }

    private static double Norm(ReadOnlySpan<float> row, double p)
    {
        if (double.IsPositiveInfinity(p))
            return row.IsEmpty ? 0 : Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(row));
        double sum = 0;
        foreach (float v in row) sum += p == 2 ? (double)v * v : Math.Pow(Math.Abs(v), p);
        return p == 2 ? Math.Sqrt(sum) : Math.Pow(sum, 1 / p);
    }
}

using Descent.Kernels;

namespace Descent;

// Lower and upper triangles of (batches of) matrices: the masks of causal attention.
public partial class Tensor
{
    /// <summary>
    /// The lower triangle of the last two dimensions (batched over the others): element (i, j) is kept where
    /// j − i ≤ <paramref name="diagonal"/> and zeroed elsewhere, as <c>torch.tril</c>. 0 is the main
    /// diagonal, positive values reach above it, negative below. The gradient is masked the same way.
    /// </summary>
    /// <example><code>
    /// var causal = Tensor.Ones(4, 4).Tril();                 // 1 on and below the diagonal
    /// var masked = Tensor.Where(causal, scores, Tensor.Scalar(float.NegativeInfinity));
    /// </code></example>
    public Tensor Tril(int diagonal = 0) => Triangle("Tril", diagonal, lower: true);

    /// <summary>
    /// The upper triangle of the last two dimensions: element (i, j) is kept where j − i ≥
    /// <paramref name="diagonal"/>, as <c>torch.triu</c>; see <see cref="Tril"/>.
    /// </summary>
    /// <example><code>var future = Tensor.Ones(4, 4).Triu(1); // 1 strictly above the diagonal</code></example>
    public Tensor Triu(int diagonal = 0) => Triangle("Triu", diagonal, lower: false);

    private Tensor Triangle(string op, int diagonal, bool lower)
    {
        if (Rank < 2) throw new ArgumentException($"{op}: input must have at least 2 dimensions; got {Descent.Shape.Format(_shape)}");
        int rows = _shape[^2], cols = _shape[^1];
        int batch = rows * cols == 0 ? 0 : Numel / (rows * cols);
        var result = Uninitialized(_shape);
        TriangleKernel.Run(Data, batch, rows, cols, diagonal, lower, result.DataSpan);
        var shape = _shape;
        return Graph.Record(result, op, [this], g =>
        {
            var grad = Uninitialized(shape);
            TriangleKernel.Run(g.Data, batch, rows, cols, diagonal, lower, grad.DataSpan);
            return [grad];
        });
    }
}

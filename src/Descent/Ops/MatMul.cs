using Descent.Kernels;

namespace Descent;

// Matrix products: 2-D, batched with broadcast batch dimensions, and 1-D operands as in `torch.matmul`.
//
// Transposed operands go through flags, not views. Attention multiplies by a transpose on every step
// (q·kᵀ forward; g·vᵀ and attnᵀ·g backward), and the GEMM already reads either operand transposed
// in its packing, so `q.MatMul(k, transposeB: true)` costs about what `q.MatMul(k)` would. A lazy
// transposed view (`Transpose` remembering its source until some other op reads it) would let the
// PyTorch spelling `q.MatMul(k.Transpose(-2, -1))` skip the copy too, but every reader of `Data`,
// every in-place op on the source or the view, and the graph node of `Transpose` would have to know
// about it: storage here is contiguous by contract (DESIGN.md), and one missed reader gives wrong
// values silently. Flags keep that contract and are what the library's own layers can call.
public partial class Tensor
{
    /// <summary>
    /// Matrix product. 1-D operands are treated as a row (left) or column (right) vector and that
    /// dimension is removed from the result; leading (batch) dimensions broadcast.
    /// <example><c>var y = x.MatMul(w.T);   // [batch, in] · [in, out]</c></example>
    /// </summary>
    public Tensor MatMul(Tensor other) => MatMul(other, transposeA: false, transposeB: false);

    /// <summary>
    /// Matrix product of this tensor and <paramref name="other"/> with either one's last two dimensions
    /// swapped first, as <c>torch.matmul(a.mT, b.mT)</c> with the flags deciding which is swapped, but
    /// without copying the transposed operand: the flags go through to the GEMM, forward and backward.
    /// Batch dimensions broadcast as in <see cref="MatMul(Tensor)"/>; a transposed operand needs at least
    /// two dimensions, and a 1-D operand that is not transposed is a row or column vector as there.
    /// <example><code>
    /// var scores = q.MatMul(k, transposeB: true);   // [B, H, T, d] · [B, H, T, d]ᵀ → [B, H, T, T]
    /// var grad = x.MatMul(g, transposeA: true);     // xᵀ · g
    /// </code></example>
    /// </summary>
    /// <param name="other">The right operand.</param>
    /// <param name="transposeA">Use this tensor with its last two dimensions swapped.</param>
    /// <param name="transposeB">Use <paramref name="other"/> with its last two dimensions swapped.</param>
    public Tensor MatMul(Tensor other, bool transposeA = false, bool transposeB = false)
    {
        if (Rank == 0 || other.Rank == 0)
            throw new ArgumentException($"MatMul: both operands need at least one dimension; got {Descent.Shape.Format(_shape)} and {Descent.Shape.Format(other._shape)}");
        if ((transposeA && Rank < 2) || (transposeB && other.Rank < 2))
            throw new ArgumentException($"MatMul: a transposed operand needs at least two dimensions; got {Descent.Shape.Format(_shape)} and {Descent.Shape.Format(other._shape)}{Flags(transposeA, transposeB)}");
        if (Rank == 1 && other.Rank == 1)
        {
            if (_shape[0] != other._shape[0])
                throw new ArgumentException($"MatMul: inner dimensions must match; got {Descent.Shape.Format(_shape)} and {Descent.Shape.Format(other._shape)}");
            return Mul(other).Sum();
        }
        if (Rank == 1) return Unsqueeze(0).MatMulBatched(other, false, transposeB, _shape, other._shape).Squeeze(-2);
        if (other.Rank == 1) return MatMulBatched(other.Unsqueeze(1), transposeA, false, _shape, other._shape).Squeeze(-1);
        return MatMulBatched(other, transposeA, transposeB, _shape, other._shape);
    }

    /// <summary>The flags as an error message names them after the shapes.</summary>
    private static string Flags(bool transA, bool transB) =>
        transA && transB ? " with transposeA and transposeB" : transA ? " with transposeA" : transB ? " with transposeB" : "";

    private Tensor MatMulBatched(Tensor other, bool transA, bool transB, int[] userA, int[] userB)
    {
        var a = this;
        // A is stored [.., m, k] or, transposed, [.., k, m]; B [.., k, n] or [.., n, k].
        int m = a._shape[transA ? ^1 : ^2], k = a._shape[transA ? ^2 : ^1];
        int k2 = other._shape[transB ? ^1 : ^2], n = other._shape[transB ? ^2 : ^1];
        if (k != k2)
            throw new ArgumentException($"MatMul: inner dimensions must match; got {Descent.Shape.Format(userA)} and {Descent.Shape.Format(userB)}{Flags(transA, transB)}");
        var batchA = a._shape[..^2];
        var batchB = other._shape[..^2];
        int[] batch;
        try { batch = Descent.Shape.Broadcast("MatMul", batchA, batchB); }
        catch (ArgumentException)
        {
            throw new ArgumentException($"MatMul: batch dimensions must broadcast; got {Descent.Shape.Format(userA)} and {Descent.Shape.Format(userB)}{Flags(transA, transB)}");
        }
        var outShape = batch.Concat(new[] { m, n }).ToArray();
        // Every output (and gradient) buffer below is left unzeroed: the GEMM, not accumulating, writes each
        // element (an empty sum, k = 0, it clears), so zeroing first would be a wasted pass over the output.
        var result = Uninitialized(outShape);
        var (ia, ib) = BatchIndices(batchA, batchB, batch);
        BatchedGemm.Run(transA, transB, m, n, k, a.Data, ia, other.Data, ib, result.DataSpan);

        // C = op(A)·op(B). Each gradient is one GEMM over the stored operands with the flags that
        // read them the right way round, so no transpose is ever materialized; a gradient is shaped
        // like its operand as stored, per output batch, and the engine sums broadcast batches back.
        return Graph.RecordNoArrays(result, "MatMul", a, other, (_, g) =>
        {
            Tensor? ga = null, gb = null;
            var ig = Identity(ia.Length);
            if (a.RequiresGrad)
            {
                if (!transA)
                {
                    // dA = dC · op(B)ᵀ
                    ga = Uninitialized(batch.Concat(new[] { m, k }).ToArray());
                    BatchedGemm.Run(false, !transB, m, k, n, g.Data, ig, other.Data, ib, ga.DataSpan);
                }
                else
                {
                    // dA = (dC · op(B)ᵀ)ᵀ = op(B) · dCᵀ
                    ga = Uninitialized(batch.Concat(new[] { k, m }).ToArray());
                    BatchedGemm.Run(transB, true, k, m, n, other.Data, ib, g.Data, ig, ga.DataSpan);
                }
            }
            if (other.RequiresGrad)
            {
                if (!transB)
                {
                    // dB = op(A)ᵀ · dC
                    gb = Uninitialized(batch.Concat(new[] { k, n }).ToArray());
                    BatchedGemm.Run(!transA, false, k, n, m, a.Data, ia, g.Data, ig, gb.DataSpan);
                }
                else
                {
                    // dB = (op(A)ᵀ · dC)ᵀ = dCᵀ · op(A)
                    gb = Uninitialized(batch.Concat(new[] { n, k }).ToArray());
                    BatchedGemm.Run(true, transA, n, k, m, g.Data, ig, a.Data, ia, gb.DataSpan);
                }
            }
            return (ga, gb);
        });
    }

    /// <summary>0, 1, …, count − 1: the output gradient's own batch index for each product.</summary>
    private static int[] Identity(int count)
    {
        var index = new int[count];
        for (int i = 0; i < count; i++) index[i] = i;
        return index;
    }

    /// <summary>For each batch of the broadcast output, the flat batch index into A and into B.</summary>
    private static (int[] A, int[] B) BatchIndices(int[] batchA, int[] batchB, int[] batch)
    {
        int count = Descent.Shape.Numel(batch);
        var sa = Descent.Shape.BroadcastStrides(batchA, batch);
        var sb = Descent.Shape.BroadcastStrides(batchB, batch);
        var ia = new int[count];
        var ib = new int[count];
        var index = new int[batch.Length];
        for (int t = 0; t < count; t++)
        {
            int oa = 0, ob = 0;
            for (int d = 0; d < batch.Length; d++)
            {
                oa += index[d] * sa[d];
                ob += index[d] * sb[d];
            }
            ia[t] = oa;
            ib[t] = ob;
            for (int d = batch.Length - 1; d >= 0; d--)
            {
                if (++index[d] < batch[d]) break;
                index[d] = 0;
            }
        }
        return (ia, ib);
    }
}

using Descent.Kernels;

namespace Descent;

// Matrix products: 2-D, batched with broadcast batch dimensions, and 1-D operands as in `torch.matmul`.
public partial class Tensor
{
    /// <summary>
    /// Matrix product. 1-D operands are treated as a row (left) or column (right) vector and that
    /// dimension is removed from the result; leading (batch) dimensions broadcast.
    /// <example><c>var y = x.MatMul(w.T);   // [batch, in] · [in, out]</c></example>
    /// </summary>
    public Tensor MatMul(Tensor other)
    {
        if (Rank == 0 || other.Rank == 0)
            throw new ArgumentException($"MatMul: both operands need at least one dimension; got {Descent.Shape.Format(_shape)} and {Descent.Shape.Format(other._shape)}");
        if (Rank == 1 && other.Rank == 1)
        {
            if (_shape[0] != other._shape[0])
                throw new ArgumentException($"MatMul: inner dimensions must match; got {Descent.Shape.Format(_shape)} and {Descent.Shape.Format(other._shape)}");
            return Mul(other).Sum();
        }
        if (Rank == 1) return Unsqueeze(0).MatMulBatched(other, _shape, other._shape).Squeeze(-2);
        if (other.Rank == 1) return MatMulBatched(other.Unsqueeze(1), _shape, other._shape).Squeeze(-1);
        return MatMulBatched(other, _shape, other._shape);
    }

    private Tensor MatMulBatched(Tensor other, int[] userA, int[] userB)
    {
        var a = this;
        int m = a._shape[^2], k = a._shape[^1], k2 = other._shape[^2], n = other._shape[^1];
        if (k != k2)
            throw new ArgumentException($"MatMul: inner dimensions must match; got {Descent.Shape.Format(userA)} and {Descent.Shape.Format(userB)}");
        var batchA = a._shape[..^2];
        var batchB = other._shape[..^2];
        int[] batch;
        try { batch = Descent.Shape.Broadcast("MatMul", batchA, batchB); }
        catch (ArgumentException)
        {
            throw new ArgumentException($"MatMul: batch dimensions must broadcast; got {Descent.Shape.Format(userA)} and {Descent.Shape.Format(userB)}");
        }
        var outShape = batch.Concat(new[] { m, n }).ToArray();
        var result = new Tensor(outShape);
        var (ia, ib) = BatchIndices(batchA, batchB, batch);
        BatchedGemm.Run(false, false, m, n, k, a.Data, ia, other.Data, ib, result.DataSpan);

        return Graph.RecordNoArrays(result, "MatMul", a, other, (_, g) =>
        {
            Tensor? ga = null, gb = null;
            if (a.RequiresGrad)
            {
                // dA = dC · Bᵀ, per output batch; the engine sums broadcast batches back to A's shape.
                ga = new Tensor(batch.Concat(new[] { m, k }).ToArray());
                BatchedGemm.Run(false, true, m, k, n, g.Data, Identity(ia.Length), other.Data, ib, ga.DataSpan);
            }
            if (other.RequiresGrad)
            {
                // dB = Aᵀ · dC
                gb = new Tensor(batch.Concat(new[] { k, n }).ToArray());
                BatchedGemm.Run(true, false, k, n, m, a.Data, ia, g.Data, Identity(ia.Length), gb.DataSpan);
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

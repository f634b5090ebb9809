namespace Descent;

// Gather: picks elements along a dimension by per-position indices (the backward scatters them back).
public partial class Tensor
{
    /// <summary>
    /// Picks values along <paramref name="dim"/> by index, like <c>torch.gather</c>: for dim 1 of a
    /// rank-3 tensor, out[i, j, k] = x[i, index[i, j, k], k]. The index has the input's rank, holds
    /// whole numbers in [0, size of dim), and may be smaller than the input in the other dimensions;
    /// the output has the index's shape. Repeated indices accumulate gradient.
    /// <example><c>logp.Gather(1, classes.Unsqueeze(1)) // each row's log-probability of its class</c></example>
    /// </summary>
    public Tensor Gather(int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Rank != Rank)
            throw new ArgumentException($"Gather: index must have the same rank as the input; got input {Descent.Shape.Format(_shape)} and index {Descent.Shape.Format(index._shape)}");
        int d = Descent.Shape.NormalizeDim("Gather", dim, Rank);
        for (int i = 0; i < Rank; i++)
        {
            if (i != d && index._shape[i] > _shape[i])
                throw new ArgumentException($"Gather: index may not be larger than the input outside dimension {d}, but dimension {i} is {index._shape[i]} vs {_shape[i]}; got input {Descent.Shape.Format(_shape)} and index {Descent.Shape.Format(index._shape)}");
        }
        var sources = GatherSources(d, index);
        var result = new Tensor(index.Shape);
        var src = Data;
        var dst = result.DataSpan;
        for (int p = 0; p < sources.Length; p++) dst[p] = src[sources[p]];
        var inShape = _shape;
        return Graph.RecordNoArrays(result, "Gather", this, (_, g) =>
        {
            var grad = new Tensor(inShape);
            var gs = g.Data;
            var gd = grad.DataSpan;
            for (int p = 0; p < sources.Length; p++) gd[sources[p]] += gs[p];
            return grad;
        });
    }

    /// <summary>The flat input position each index element reads, checking every index on the way.</summary>
    private int[] GatherSources(int d, Tensor index)
    {
        var strides = Descent.Shape.Strides(_shape);
        var idxShape = index._shape;
        var coord = new int[idxShape.Length];
        var values = index.Data;
        var sources = new int[values.Length];
        int size = Rank == 0 ? 1 : _shape[d];
        int offset = 0;  // the input position of coord with coordinate d taken as 0
        for (int p = 0; p < values.Length; p++)
        {
            float v = values[p];
            if (!(v >= 0 && v < size) || v != MathF.Floor(v))
                throw new ArgumentOutOfRangeException(nameof(index), $"Gather: index {v} at position {Descent.Shape.Format(coord)} is out of range for dimension {d} of size {size} (indices must be whole numbers in [0, {size}))");
            sources[p] = offset + (Rank == 0 ? 0 : (int)v * strides[d]);
            // Advance coord like an odometer, keeping offset in step (coordinate d never moves offset).
            for (int k = coord.Length - 1; k >= 0; k--)
            {
                coord[k]++;
                if (k != d) offset += strides[k];
                if (coord[k] < idxShape[k]) break;
                if (k != d) offset -= coord[k] * strides[k];
                coord[k] = 0;
            }
        }
        return sources;
    }
}

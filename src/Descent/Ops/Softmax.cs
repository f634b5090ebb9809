namespace Descent;

// Softmax and log-softmax along a dimension, stable for large logits (max subtracted first).
public partial class Tensor
{
    /// <summary>log(softmax(x)) along <paramref name="dim"/>, computed as x - max - log Σ exp(x - max).</summary>
    public Tensor LogSoftmax(int dim = -1)
    {
        Descent.Shape.NormalizeDim("LogSoftmax", dim, Rank);
        Tensor max;
        using (Autograd.NoGrad()) max = Max(dim, keepDim: true);
        var shifted = this - max;
        return shifted - shifted.Exp().Sum(dim, keepDim: true).Log();
    }

    /// <summary>exp(x) / Σ exp(x) along <paramref name="dim"/>.</summary>
    public Tensor Softmax(int dim = -1)
    {
        Descent.Shape.NormalizeDim("Softmax", dim, Rank);
        return LogSoftmax(dim).Exp();
    }

    /// <summary>log Σ exp(x) along <paramref name="dim"/>, stable for large inputs.</summary>
    public Tensor LogSumExp(int dim, bool keepDim = false)
    {
        Descent.Shape.NormalizeDim("LogSumExp", dim, Rank);
        Tensor max;
        using (Autograd.NoGrad()) max = Max(dim, keepDim: true);
        var result = (this - max).Exp().Sum(dim, keepDim: true).Log() + max;
        return keepDim ? result : result.Squeeze(dim);
    }
}

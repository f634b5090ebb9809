namespace Descent.Nn;

// One-hot encoding of class indices, like torch.nn.functional.one_hot.
public static partial class Functional
{
    /// <summary>
    /// Encodes class indices as one-hot rows, like <c>F.one_hot</c>: the result has the shape of
    /// <paramref name="indices"/> plus a trailing dimension of <paramref name="numClasses"/>, holding 1 at each
    /// index and 0 elsewhere. With <paramref name="numClasses"/> = -1 the count is the largest index plus one.
    /// Use <c>.Float()</c> on the result for a float target.
    /// </summary>
    /// <example><code>
    /// var oneHot = Functional.OneHot(IntTensor.FromArray([0L, 2, 1]));    // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    /// var targets = Functional.OneHot(labels, numClasses: 10).Float();
    /// </code></example>
    public static IntTensor OneHot(IntTensor indices, int numClasses = -1)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var src = indices.Data;
        if (numClasses < -1)
            throw new ArgumentOutOfRangeException(nameof(numClasses), $"OneHot: numClasses must be -1 (inferred) or non-negative; got {numClasses}");
        for (int i = 0; i < src.Length; i++)
        {
            if (src[i] < 0)
                throw new ArgumentException($"OneHot: class values must be non-negative; got {src[i]} at index {i} of shape {Shape.Format(indices.ShapeRef)}");
            if (numClasses >= 0 && src[i] >= numClasses)
                throw new ArgumentException($"OneHot: class values must be smaller than numClasses={numClasses}; got {src[i]} at index {i} of shape {Shape.Format(indices.ShapeRef)}");
        }
        if (numClasses == -1)
        {
            if (src.Length == 0)
                throw new ArgumentException($"OneHot: cannot infer the number of classes from an empty tensor of shape {Shape.Format(indices.ShapeRef)}; pass numClasses");
            long max = 0;
            foreach (long v in src) max = Math.Max(max, v);
            if (max >= Array.MaxLength)
                throw new ArgumentException($"OneHot: class value {max} is too large to infer a number of classes from");
            numClasses = (int)max + 1;
        }
        var result = new IntTensor([.. indices.ShapeRef, numClasses]);
        var dst = result.DataSpan;
        for (int i = 0; i < src.Length; i++) dst[i * numClasses + (int)src[i]] = 1;
        return result;
    }
}

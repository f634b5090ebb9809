namespace Descent.Training;

/// <summary>
/// One batch of a multi-class metric, checked: outputs <c>[N, C]</c> (C ≥ 2, one score per class) and class-index
/// targets <c>[N]</c> or <c>[N, 1]</c>, each a whole number in [0, C).
/// </summary>
internal readonly record struct ClassBatch(int N, int Classes, int[] Targets)
{
    public static ClassBatch Of(string metric, Tensor output, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(target);
        var os = output.Shape;
        var ts = target.Shape;
        bool column = ts.Length == 1 || (ts.Length == 2 && ts[1] == 1);
        if (os.Length != 2 || os[1] < 2 || !column || ts[0] != os[0])
            throw new ArgumentException($"{metric}: expected outputs [N, C] (C >= 2) with class-index targets [N]; got {Shape.Format(os)} and {Shape.Format(ts)}");
        int n = os[0], classes = os[1];
        var t = target.Data;
        var targets = new int[n];
        for (int i = 0; i < n; i++)
        {
            float v = t[i];
            if (!(v >= 0 && v < classes) || v != MathF.Floor(v))
                throw new ArgumentException($"{metric}: targets must be class indices from 0 to {classes - 1}; got {v} at row {i}");
            targets[i] = (int)v;
        }
        return new ClassBatch(n, classes, targets);
    }

    /// <summary>Each row's arg-max class, or -1 for a row holding a NaN (it predicts nothing, so it is never right).</summary>
    public static int[] Predictions(Tensor output, int n, int classes)
    {
        var o = output.Data;
        var predicted = new int[n];
        for (int i = 0; i < n; i++)
        {
            var row = o.Slice(i * classes, classes);
            int best = 0;
            for (int j = 0; j < classes; j++)
            {
                if (float.IsNaN(row[j])) { best = -1; break; }
                if (row[j] > row[best]) best = j;
            }
            predicted[i] = best;
        }
        return predicted;
    }
}

namespace Descent.Data;

/// <summary>
/// Per-feature standardisation (x - mean) / std, fitted on training data only so that validation data
/// cannot leak into it, like scikit-learn's StandardScaler. Features with zero spread are left centred.
/// </summary>
/// <example><code>
/// var scaler = Standardizer.Fit(trainX);
/// var xs = scaler.Transform(validX);
/// </code></example>
public sealed class Standardizer
{
    private Standardizer(float[] mean, float[] std)
    {
        Mean = mean;
        Std = std;
    }

    /// <summary>Per-feature means.</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>Per-feature (population) standard deviations, 1 where a feature is constant.</summary>
    public IReadOnlyList<float> Std { get; }

    /// <summary>Fits means and standard deviations over the first dimension of a [N, features] tensor.</summary>
    public static Standardizer Fit(Tensor inputs)
    {
        if (inputs.Rank != 2 || inputs.Size(0) == 0)
            throw new ArgumentException($"Standardizer.Fit: expects a non-empty [N, features] tensor; got {Shape.Format(inputs.Shape)}");
        int n = inputs.Size(0), f = inputs.Size(1);
        var mean = new double[f];
        var sq = new double[f];
        var d = inputs.Data;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++) mean[j] += d[i * f + j];
        for (int j = 0; j < f; j++) mean[j] /= n;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++)
            {
                double c = d[i * f + j] - mean[j];
                sq[j] += c * c;
            }
        var std = sq.Select(s => Math.Sqrt(s / n)).Select(s => s > 1e-12 ? (float)s : 1f).ToArray();
        return new Standardizer(mean.Select(m => (float)m).ToArray(), std);
    }

    /// <summary>Standardises a [N, features] tensor with the fitted statistics.</summary>
    public Tensor Transform(Tensor inputs)
    {
        if (inputs.Rank != 2 || inputs.Size(1) != Mean.Count)
            throw new ArgumentException($"Standardizer.Transform: expects [N, {Mean.Count}]; got {Shape.Format(inputs.Shape)}");
        using var _ = Autograd.NoGrad();
        return (inputs - Tensor.FromArray(Mean.ToArray())) / Tensor.FromArray(Std.ToArray());
    }

    /// <summary>Maps standardised values back to the original scale.</summary>
    public Tensor InverseTransform(Tensor standardized)
    {
        using var _ = Autograd.NoGrad();
        return standardized * Tensor.FromArray(Std.ToArray()) + Tensor.FromArray(Mean.ToArray());
    }
}

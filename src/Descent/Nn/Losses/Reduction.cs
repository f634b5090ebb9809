namespace Descent.Nn;

/// <summary>How a loss combines its per-element values, like PyTorch's <c>reduction</c> argument.</summary>
public enum Reduction
{
    /// <summary>The average (PyTorch's default); weighted losses with class indices divide by the summed weights instead.</summary>
    Mean,
    /// <summary>The sum of all per-element losses.</summary>
    Sum,
    /// <summary>No reduction: one loss per element (per sample for the classification losses).</summary>
    None,
}

namespace Descent.Nn;

/// <summary>
/// Merges dimensions startDim..endDim into one, like <c>torch.nn.Flatten</c>; the defaults keep the
/// batch dimension, turning [N, C, H, W] into [N, C·H·W].
/// </summary>
/// <example><code>var y = new Flatten().Forward(Tensor.Zeros(2, 3, 4)); // [2, 12]</code></example>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module
{
    /// <summary>First dimension to merge.</summary>
    public int StartDim { get; } = startDim;

    /// <summary>Last dimension to merge (negative counts from the end).</summary>
    public int EndDim { get; } = endDim;

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);
}

namespace Descent.Nn;

/// <summary>
/// A tensor that is a learnable weight of a <see cref="Module"/>: a leaf that requires grad, like
/// <c>torch.nn.Parameter</c>. It shares storage with the tensor it was made from.
/// </summary>
/// <example><code>var w = new Parameter(Tensor.Randn([10, 5], g));</code></example>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="data"/> (sharing its storage) as a parameter.</summary>
    public Parameter(Tensor data, bool requiresGrad = true) : base(data, data.Offset, data.Shape)
    {
        RequiresGrad = requiresGrad;
    }
}

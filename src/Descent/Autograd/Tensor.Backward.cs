namespace Descent;

public partial class Tensor
{
    /// <summary>
    /// Computes the gradient of this tensor with respect to every leaf that requires grad, adding it to
    /// their <see cref="Grad"/> (gradients accumulate until <see cref="ZeroGrad"/>). A scalar needs no
    /// <paramref name="gradient"/>; any other tensor needs one of its own shape. The graph is freed
    /// afterwards unless <paramref name="retainGraph"/> is true.
    /// </summary>
    /// <example><code>
    /// var loss = ((a * x + b) - y).Pow(2).Mean();
    /// loss.Backward();
    /// </code></example>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) => Engine.Backward(this, gradient, retainGraph);
}

namespace Descent.Optim;

/// <summary>
/// The state an optimizer keeps for one parameter (an entry of PyTorch's <c>optimizer.state</c>):
/// a step count and named buffers of the parameter's size.
/// </summary>
public abstract class OptimizerState
{
    /// <summary>
    /// Number of updates applied to this parameter (PyTorch's <c>state["step"]</c>; steps where it had no
    /// gradient do not count). Stays 0 for optimizers whose update does not use it (SGD, Lion), which do not save it either.
    /// </summary>
    public long Step { get; internal set; }

    /// <summary>The buffer stored under a state-dict name such as <c>exp_avg</c>, or null while it does not exist yet.</summary>
    protected internal abstract float[]? Buffer(string name);

    /// <summary>Replaces the buffer stored under <paramref name="name"/> (used when loading a state dict).</summary>
    protected internal abstract void SetBuffer(string name, float[] buffer);
}

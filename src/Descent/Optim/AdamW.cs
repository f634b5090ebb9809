namespace Descent.Optim;

/// <summary>
/// Adam with decoupled weight decay, exactly as <c>torch.optim.AdamW</c>: each step first shrinks the
/// parameters, θ ← θ(1 − γλ), then applies Adam's update without an L2 term in the gradient.
/// </summary>
/// <remarks>
/// The weight decay default is PyTorch's 1e-2. See https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html
/// and <see cref="Adam"/> for the rest of the algorithm.
/// </remarks>
/// <example><code>
/// var opt = new AdamW(model.Parameters(), lr: 3e-4, weightDecay: 0.05);
/// loss.Backward(); opt.Step(); opt.ZeroGrad();
/// </code></example>
public sealed class AdamW : Adam
{
    /// <summary>Creates AdamW over one group of parameters with PyTorch's defaults.</summary>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, eps, weightDecay, amsgrad, maximize) { }

    /// <summary>Creates AdamW over parameter groups; a group's own lr, weight decay or betas win over these.</summary>
    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize, decoupledWeightDecay: true) { }
}

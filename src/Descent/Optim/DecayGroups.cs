using Descent.Nn;

namespace Descent.Optim;

/// <summary>
/// Parameter groups that decay only matrices, nanoGPT's <c>configure_optimizers</c>: every parameter of rank ≥ 2
/// (linear and attention weights, embeddings) in one group with the given weight decay, every other (biases,
/// LayerNorm weights and biases) in a second group with none. Each parameter appears once, a tied one under its
/// first name, as <see cref="Module.Parameters"/> lists it; the groups keep the module's order.
/// </summary>
/// <example><code>
/// var opt = new AdamW(DecayGroups.MatricesOnly(model, weightDecay: 0.1), lr: 1e-3, beta2: 0.99);
/// </code></example>
public static class DecayGroups
{
    /// <summary>[matrices with <paramref name="weightDecay"/>, the rest with 0]; an empty group is still returned.</summary>
    public static ParamGroup[] MatricesOnly(Module module, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "DecayGroups.MatricesOnly: weight decay must be finite and ≥ 0");
        var parameters = module.Parameters().ToList();
        return
        [
            new ParamGroup(parameters.Where(p => p.Rank >= 2), weightDecay: weightDecay),
            new ParamGroup(parameters.Where(p => p.Rank < 2), weightDecay: 0),
        ];
    }
}

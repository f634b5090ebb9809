namespace Descent.Optim;

/// <summary>
/// A set of parameters that share hyper-parameters, like an entry of PyTorch's <c>param_groups</c>.
/// Schedules change <see cref="Lr"/> (and <see cref="Momentum"/> or <see cref="Beta1"/> when they cycle it)
/// between steps.
/// </summary>
public sealed class ParamGroup
{
    /// <summary>Creates a group; unset hyper-parameters take the optimizer's defaults.</summary>
    public ParamGroup(IEnumerable<Tensor> parameters, double? lr = null, double? weightDecay = null)
    {
        Parameters = parameters.ToList();
        if (lr is double l) Lr = l;
        if (weightDecay is double w) WeightDecay = w;
        LrSet = lr.HasValue;
        WeightDecaySet = weightDecay.HasValue;
    }

    /// <summary>The parameters updated together.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Learning rate.</summary>
    public double Lr { get; set; }

    /// <summary>The learning rate the group started with (schedules scale from it, as PyTorch's <c>initial_lr</c>).</summary>
    public double InitialLr { get; set; }

    /// <summary>Weight decay (L2 penalty, or decoupled for AdamW).</summary>
    public double WeightDecay { get; set; }

    /// <summary>Momentum for optimizers that have one (SGD, RMSprop); null otherwise.</summary>
    public double? Momentum { get; set; }

    /// <summary>First-moment decay for Adam-family optimizers and Lion; null otherwise.</summary>
    public double? Beta1 { get; set; }

    /// <summary>Second-moment decay for Adam-family optimizers and Lion; null otherwise.</summary>
    public double? Beta2 { get; set; }

    internal bool LrSet { get; }
    internal bool WeightDecaySet { get; }
}

/// <summary>
/// Base of every optimizer: holds parameter groups, zeroes gradients and applies <see cref="Step"/>
/// under no-grad. Subclasses keep typed per-parameter state and expose it through the state dict.
/// </summary>
/// <example><code>
/// var opt = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
/// loss.Backward(); opt.Step(); opt.ZeroGrad();
/// </code></example>
public abstract class Optimizer
{
    /// <summary>Creates an optimizer over one group of parameters.</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, double lr, double weightDecay)
        : this([new ParamGroup(parameters)], lr, weightDecay) { }

    /// <summary>Creates an optimizer over several groups; groups without their own lr or weight decay take these.</summary>
    protected Optimizer(IEnumerable<ParamGroup> groups, double lr, double weightDecay)
    {
        if (!(lr >= 0)) throw new ArgumentOutOfRangeException(nameof(lr), lr, $"{GetType().Name}: lr must be >= 0; got {lr}");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, $"{GetType().Name}: weightDecay must be >= 0; got {weightDecay}");
        ParamGroups = groups.ToList();
        if (ParamGroups.Count == 0) throw new ArgumentException($"{GetType().Name}: got an empty parameter list");
        foreach (var g in ParamGroups)
        {
            if (!g.LrSet) g.Lr = lr;
            if (!g.WeightDecaySet) g.WeightDecay = weightDecay;
            if (!(g.Lr >= 0)) throw new ArgumentOutOfRangeException(nameof(lr), g.Lr, $"{GetType().Name}: lr must be >= 0; got {g.Lr}");
            if (!(g.WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), g.WeightDecay, $"{GetType().Name}: weightDecay must be >= 0; got {g.WeightDecay}");
            g.InitialLr = g.Lr;
        }
    }

    /// <summary>The parameter groups, in order.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups { get; }

    /// <summary>Number of completed <see cref="Step"/> calls.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Updates every parameter that has a gradient, under no-grad.</summary>
    public void Step()
    {
        using var _ = Autograd.NoGrad();
        StepCount++;
        // Indexed loops here and in ZeroGrad: an interface's foreach would allocate an enumerator every step.
        var groups = ParamGroups;
        for (int i = 0; i < groups.Count; i++) StepGroup(groups[i]);
    }

    /// <summary>Applies one update to <paramref name="parameter"/> given its gradient; runs under no-grad.</summary>
    protected abstract void Update(ParamGroup group, Tensor parameter, Tensor grad);

    /// <summary>
    /// Updates every parameter of <paramref name="group"/> that has a gradient: one <see cref="Update"/> each, or,
    /// where an optimizer overrides it, all of them in one pass of the update kernel.
    /// </summary>
    private protected virtual void StepGroup(ParamGroup group)
    {
        var parameters = group.Parameters;
        for (int i = 0; i < parameters.Count; i++)
            if (parameters[i].Grad is { } grad) Update(group, parameters[i], grad);
    }

    /// <summary>Zeroes every parameter's gradient in place.</summary>
    public void ZeroGrad()
    {
        var groups = ParamGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            var parameters = groups[i].Parameters;
            for (int j = 0; j < parameters.Count; j++) parameters[j].ZeroGrad();
        }
    }

    /// <summary>
    /// The optimizer's state: per-parameter buffers named <c>state.{index}.{buffer}</c> (index counts
    /// parameters across groups, as PyTorch does), hyper-parameters named <c>group.{g}.{name}</c>, and the step count.
    /// </summary>
    public abstract OrderedDictionary<string, Tensor> StateDict();

    /// <summary>Restores a state written by <see cref="StateDict"/>; throws listing what does not fit.</summary>
    public abstract void LoadStateDict(IReadOnlyDictionary<string, Tensor> state);
}

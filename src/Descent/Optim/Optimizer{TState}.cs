using Descent.Kernels;

namespace Descent.Optim;

/// <summary>
/// An optimizer with typed per-parameter state of type <typeparamref name="TState"/>, created on a
/// parameter's first update (as PyTorch does lazily) and saved under <c>state.{index}.{name}</c>.
/// </summary>
public abstract partial class Optimizer<TState> : Optimizer where TState : OptimizerState
{
    private readonly Dictionary<Tensor, TState> _state = new(ReferenceEqualityComparer.Instance);
    private readonly List<(Tensor Parameter, ParamGroup Group)> _parameters = [];

    /// <summary>Creates an optimizer over one group of parameters.</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, double lr, double weightDecay)
        : this([new ParamGroup(parameters)], lr, weightDecay) { }

    /// <summary>Creates an optimizer over several groups; groups without their own lr or weight decay take these.</summary>
    protected Optimizer(IEnumerable<ParamGroup> groups, double lr, double weightDecay) : base(groups, lr, weightDecay)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var g in ParamGroups)
            foreach (var p in g.Parameters)
            {
                if (!seen.Add(p)) throw new ArgumentException($"{Name}: a parameter of shape {Descent.Shape.Format(p.ShapeRef)} appears more than once in the parameter groups");
                _parameters.Add((p, g));
            }
    }

    /// <summary>The optimizer's name in messages.</summary>
    protected string Name => GetType().Name;

    /// <summary>The state of <paramref name="parameter"/>, or null before its first update.</summary>
    public TState? GetState(Tensor parameter) => _state.GetValueOrDefault(parameter);

    /// <summary>Creates the state of a parameter before its first update.</summary>
    protected abstract TState CreateState(ParamGroup group, Tensor parameter);

    /// <summary>
    /// The state-dict names a parameter's state holds under the group's current settings, in order
    /// (<c>step</c> for the step count, the rest buffers of the parameter's shape).
    /// </summary>
    protected abstract IReadOnlyList<string> StateNames(ParamGroup group);

    /// <summary>Applies one update to the parameter's elements in place, reading the group's current hyper-parameters.</summary>
    protected abstract void Update(ParamGroup group, Span<float> parameter, ReadOnlySpan<float> grad, TState state);

    /// <inheritdoc/>
    protected sealed override void Update(ParamGroup group, Tensor parameter, Tensor grad)
    {
        CheckGradient(parameter, grad);
        Update(group, parameter.DataSpan, grad.Data, GetOrCreateState(group, parameter));
    }

    private void CheckGradient(Tensor parameter, Tensor grad)
    {
        if (!Descent.Shape.Equal(parameter.ShapeRef, grad.ShapeRef))
            throw new ArgumentException($"{Name}.Step: a gradient must have its parameter's shape; got parameter {Descent.Shape.Format(parameter.ShapeRef)} and gradient {Descent.Shape.Format(grad.ShapeRef)}");
    }

    /// <summary>A parameter's rule and state buffers for <see cref="StepGroupInOnePass"/>; it may advance the state (its step count).</summary>
    private protected delegate UpdateSegment<TRule> SegmentOf<TRule>(ParamGroup group, TState state, int length) where TRule : unmanaged, IUpdateRule;

    /// <summary>
    /// Updates every parameter of the group that has a gradient through one <see cref="OptimizerUpdateKernel.RunAll"/>
    /// call; <paramref name="segmentOf"/> gives each its rule and state, this fills in the parameter and gradient.
    /// Gradients are checked before any parameter changes. <paramref name="segments"/> is the optimizer's to reuse.
    /// </summary>
    private protected void StepGroupInOnePass<TRule>(ParamGroup group, ref UpdateSegment<TRule>[]? segments, SegmentOf<TRule> segmentOf)
        where TRule : unmanaged, IUpdateRule
    {
        var parameters = group.Parameters;
        // Indexed loops: a step should not allocate an enumerator per group.
        for (int i = 0; i < parameters.Count; i++)
            if (parameters[i].Grad is { } g) CheckGradient(parameters[i], g);
        if (segments == null || segments.Length < parameters.Count) segments = new UpdateSegment<TRule>[parameters.Count];
        int count = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (p.Grad is not { } grad) continue;
            var segment = segmentOf(group, GetOrCreateState(group, p), p.Numel);
            segment.Param = p.Storage;
            segment.ParamOffset = p.Offset;
            segment.Grad = grad.Storage;
            segment.GradOffset = grad.Offset;
            segment.Length = p.Numel;
            segments[count++] = segment;
        }
        OptimizerUpdateKernel.RunAll(segments, count);
        // Let go of the step's gradients and buffers; the array itself is kept for the next step.
        Array.Clear(segments, 0, count);
    }

    /// <summary>Creates every parameter's state now, for optimizers whose state PyTorch creates in the constructor (Adagrad).</summary>
    protected void CreateAllStates()
    {
        foreach (var (p, g) in _parameters) GetOrCreateState(g, p);
    }

    private TState GetOrCreateState(ParamGroup group, Tensor parameter)
    {
        if (!_state.TryGetValue(parameter, out var state)) _state[parameter] = state = CreateState(group, parameter);
        return state;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="value"/> is at least 0 (NaN fails too).</summary>
    protected static double NonNegative(string optimizer, string name, double value) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{optimizer}: {name} must be >= 0; got {value}");

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless 0 &lt;= <paramref name="value"/> &lt; 1.</summary>
    protected static double Beta(string optimizer, string name, double value) =>
        value >= 0 && value < 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{optimizer}: {name} must be in [0, 1); got {value}");
}

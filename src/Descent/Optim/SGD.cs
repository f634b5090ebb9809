using System.Numerics;
using System.Runtime.Intrinsics;
using Descent.Kernels;

namespace Descent.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, L2 weight decay
/// and maximization, exactly as <c>torch.optim.SGD</c>.
/// </summary>
/// <remarks>
/// Per step, for each parameter θ with gradient g (PyTorch's algorithm box):
/// <code>
/// g ← maximize ? −g : g
/// if λ ≠ 0:  g ← g + λθ
/// if μ ≠ 0:  b ← (first step) ? g : μb + (1 − τ)g      // τ = dampening
///            g ← nesterov ? g + μb : b
/// θ ← θ − γg
/// </code>
/// See https://pytorch.org/docs/stable/generated/torch.optim.SGD.html.
/// </remarks>
/// <example><code>
/// var opt = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9, nesterov: true);
/// loss.Backward(); opt.Step(); opt.ZeroGrad();
/// </code></example>
public sealed class SGD : Optimizer<SGD.State>
{
    /// <summary>SGD's per-parameter state.</summary>
    public sealed class State : OptimizerState
    {
        /// <summary>The momentum buffer b (<c>momentum_buffer</c>); null until the first step with momentum.</summary>
        public float[]? MomentumBuffer { get; internal set; }

        /// <inheritdoc/>
        protected internal override float[]? Buffer(string name) => name == "momentum_buffer" ? MomentumBuffer : null;

        /// <inheritdoc/>
        protected internal override void SetBuffer(string name, float[] buffer) => MomentumBuffer = buffer;
    }

    /// <summary>Creates SGD over one group of parameters; defaults are PyTorch's (lr 1e-3 since PyTorch 2.2).</summary>
    public SGD(IEnumerable<Tensor> parameters, double lr = 1e-3, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, momentum, dampening, weightDecay, nesterov, maximize) { }

    /// <summary>Creates SGD over parameter groups; a group's own lr, weight decay or momentum wins over these.</summary>
    public SGD(IEnumerable<ParamGroup> groups, double lr = 1e-3, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(groups, lr, weightDecay)
    {
        NonNegative(nameof(SGD), nameof(momentum), momentum);
        Dampening = dampening;
        Nesterov = nesterov;
        Maximize = maximize;
        foreach (var g in ParamGroups)
        {
            g.Momentum ??= momentum;
            double m = NonNegative(nameof(SGD), nameof(momentum), g.Momentum.Value);
            if (nesterov && m <= 0)
                throw new ArgumentOutOfRangeException(nameof(momentum), m, $"SGD: Nesterov momentum requires momentum > 0; got {m}");
            if (nesterov && dampening != 0)
                throw new ArgumentOutOfRangeException(nameof(dampening), dampening, $"SGD: Nesterov momentum requires dampening = 0; got {dampening}");
        }
    }

    /// <summary>Dampening τ of the momentum buffer's gradient term.</summary>
    public double Dampening { get; }

    /// <summary>Whether the update uses Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <summary>Whether the parameters follow the gradient up instead of down.</summary>
    public bool Maximize { get; }

    /// <inheritdoc/>
    protected override State CreateState(ParamGroup group, Tensor parameter) => new();

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateNames(ParamGroup group) => group.Momentum is 0 or null ? [] : ["momentum_buffer"];

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Span<float> parameter, ReadOnlySpan<float> grad, State state)
    {
        var segment = Segment(group, state, parameter.Length);
        OptimizerUpdateKernel.Run(segment.Rule, parameter, grad, segment.S0, default, default);
    }

    private UpdateSegment<Rule>[]? _segments;
    private SegmentOf<Rule>? _segmentOf;

    private protected override void StepGroup(ParamGroup group) => StepGroupInOnePass(group, ref _segments, _segmentOf ??= Segment);

    /// <summary>A parameter's rule and momentum buffer (made on its first step).</summary>
    private UpdateSegment<Rule> Segment(ParamGroup group, State state, int length)
    {
        double momentum = group.Momentum ?? 0;
        bool first = momentum != 0 && state.MomentumBuffer == null;
        if (first) state.MomentumBuffer = new float[length];
        return new UpdateSegment<Rule>
        {
            Rule = new Rule(group.WeightDecay, momentum, Dampening, group.Lr, Nesterov, Maximize, first),
            S0 = momentum != 0 ? state.MomentumBuffer : null,
        };
    }

    // Scalars are rounded to float where PyTorch passes them to a float32 kernel; add-with-alpha is a fused multiply-add there.
    private readonly struct Rule(double weightDecay, double momentum, double dampening, double lr, bool nesterov, bool maximize, bool first) : IUpdateRule
    {
        private readonly Vector<float> _wd = new((float)weightDecay), _mu = new((float)momentum),
            _keep = new((float)(1 - dampening)), _negLr = new((float)-lr);
        private readonly Vector512<float> _wd512 = Vector512.Create((float)weightDecay), _mu512 = Vector512.Create((float)momentum),
            _keep512 = Vector512.Create((float)(1 - dampening)), _negLr512 = Vector512.Create((float)-lr);
        private readonly bool _hasWd = weightDecay != 0, _hasMomentum = momentum != 0;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> p, Vector<float> grad, ref Vector<float> buf, ref Vector<float> s1, ref Vector<float> s2)
        {
            var g = maximize ? -grad : grad;
            if (_hasWd) g = Vector.FusedMultiplyAdd(p, _wd, g);
            if (_hasMomentum)
            {
                buf = first ? g : Vector.FusedMultiplyAdd(g, _keep, buf * _mu);
                g = nesterov ? Vector.FusedMultiplyAdd(buf, _mu, g) : buf;
            }
            p = Vector.FusedMultiplyAdd(g, _negLr, p);
        }

        public static bool HasWide => true;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void ApplyWide(ref Vector512<float> p, Vector512<float> grad, ref Vector512<float> buf, ref Vector512<float> s1, ref Vector512<float> s2)
        {
            var g = maximize ? -grad : grad;
            if (_hasWd) g = Vector512.FusedMultiplyAdd(p, _wd512, g);
            if (_hasMomentum)
            {
                buf = first ? g : Vector512.FusedMultiplyAdd(g, _keep512, buf * _mu512);
                g = nesterov ? Vector512.FusedMultiplyAdd(buf, _mu512, g) : buf;
            }
            p = Vector512.FusedMultiplyAdd(g, _negLr512, p);
        }
    }
}

using System.Numerics;
using Descent.Kernels;

namespace Descent.Optim;

/// <summary>
/// RMSprop with optional momentum, centering, L2 weight decay and maximization, exactly as <c>torch.optim.RMSprop</c>.
/// </summary>
/// <remarks>
/// Per step of a parameter θ with gradient g (PyTorch's algorithm box):
/// <code>
/// g ← maximize ? −g : g;   if λ ≠ 0: g ← g + λθ
/// v ← αv + (1 − α)g²
/// centered: ḡ ← lerp(ḡ, g, 1 − α);  d ← √(v − ḡ²) + ε     otherwise d ← √v + ε
/// μ > 0:  b ← μb + g/d;  θ ← θ − γb                         otherwise θ ← θ − γ·g/d
/// </code>
/// See https://pytorch.org/docs/stable/generated/torch.optim.RMSprop.html.
/// </remarks>
/// <example><code>
/// var opt = new RMSprop(model.Parameters(), lr: 1e-3, momentum: 0.9);
/// loss.Backward(); opt.Step(); opt.ZeroGrad();
/// </code></example>
public sealed class RMSprop : Optimizer<RMSprop.State>
{
    /// <summary>RMSprop's per-parameter state.</summary>
    public sealed class State(int size) : OptimizerState
    {
        /// <summary>Running average of squared gradients v (<c>square_avg</c>).</summary>
        public float[] SquareAvg { get; private set; } = new float[size];

        /// <summary>Momentum buffer b (<c>momentum_buffer</c>); null while momentum is 0.</summary>
        public float[]? MomentumBuffer { get; internal set; }

        /// <summary>Running average of gradients ḡ for centered RMSprop (<c>grad_avg</c>); null otherwise.</summary>
        public float[]? GradAvg { get; internal set; }

        /// <inheritdoc/>
        protected internal override float[]? Buffer(string name) => name switch
        {
            "square_avg" => SquareAvg,
            "momentum_buffer" => MomentumBuffer,
            "grad_avg" => GradAvg,
            _ => null,
        };

        /// <inheritdoc/>
        protected internal override void SetBuffer(string name, float[] buffer)
        {
            switch (name)
            {
                case "square_avg": SquareAvg = buffer; break;
                case "momentum_buffer": MomentumBuffer = buffer; break;
                case "grad_avg": GradAvg = buffer; break;
            }
        }
    }

    /// <summary>Creates RMSprop over one group of parameters with PyTorch's defaults.</summary>
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, alpha, eps, weightDecay, momentum, centered, maximize) { }

    /// <summary>Creates RMSprop over parameter groups; a group's own lr, weight decay or momentum wins over these.</summary>
    public RMSprop(IEnumerable<ParamGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : base(groups, lr, weightDecay)
    {
        Alpha = NonNegative(nameof(RMSprop), nameof(alpha), alpha);
        Eps = NonNegative(nameof(RMSprop), nameof(eps), eps);
        NonNegative(nameof(RMSprop), nameof(momentum), momentum);
        Centered = centered;
        Maximize = maximize;
        foreach (var g in ParamGroups)
            g.Momentum = NonNegative(nameof(RMSprop), nameof(momentum), g.Momentum ?? momentum);
    }

    /// <summary>Smoothing constant α of the squared-gradient average.</summary>
    public double Alpha { get; }

    /// <summary>Term ε added to the denominator for numerical stability.</summary>
    public double Eps { get; }

    /// <summary>Whether the second moment is centered by the squared mean gradient.</summary>
    public bool Centered { get; }

    /// <summary>Whether the parameters follow the gradient up instead of down.</summary>
    public bool Maximize { get; }

    /// <inheritdoc/>
    protected override State CreateState(ParamGroup group, Tensor parameter) => new(parameter.Numel)
    {
        MomentumBuffer = group.Momentum > 0 ? new float[parameter.Numel] : null,
        GradAvg = Centered ? new float[parameter.Numel] : null,
    };

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateNames(ParamGroup group) =>
        [
            "step", "square_avg",
            .. group.Momentum > 0 ? ["momentum_buffer"] : Array.Empty<string>(),
            .. Centered ? ["grad_avg"] : Array.Empty<string>(),
        ];

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Span<float> parameter, ReadOnlySpan<float> grad, State state)
    {
        state.Step++;
        double momentum = group.Momentum ?? 0;
        // A schedule may turn momentum on after the first step; its buffer then starts at zero, as at creation.
        if (momentum > 0) state.MomentumBuffer ??= new float[parameter.Length];
        var rule = new Rule(group.Lr, group.WeightDecay, Alpha, Eps, momentum, Centered, Maximize);
        OptimizerUpdateKernel.Run(rule, parameter, grad, state.SquareAvg, momentum > 0 ? state.MomentumBuffer : default, state.GradAvg);
    }

    private readonly struct Rule(double lr, double weightDecay, double alpha, double eps, double momentum, bool centered, bool maximize) : IUpdateRule
    {
        private readonly float _w = (float)(1 - alpha);
        private readonly Vector<float> _wd = new((float)weightDecay), _alpha = new((float)alpha), _c = new((float)(1 - alpha)),
            _eps = new((float)eps), _mu = new((float)momentum), _negLr = new((float)-lr);
        private readonly bool _hasWd = weightDecay != 0, _hasMomentum = momentum > 0;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> p, Vector<float> grad, ref Vector<float> squareAvg, ref Vector<float> buf, ref Vector<float> gradAvg)
        {
            var g = maximize ? -grad : grad;
            if (_hasWd) g = Vector.FusedMultiplyAdd(p, _wd, g);
            squareAvg = squareAvg * _alpha + _c * g * g;
            Vector<float> avg;
            if (centered)
            {
                gradAvg = OptimizerUpdateKernel.Lerp(gradAvg, g, _w);
                avg = Vector.SquareRoot(squareAvg + -gradAvg * gradAvg);
            }
            else avg = Vector.SquareRoot(squareAvg);
            avg += _eps;
            if (_hasMomentum)
            {
                buf = buf * _mu + g / avg;
                p = Vector.FusedMultiplyAdd(buf, _negLr, p);
            }
            else p += _negLr * g / avg;
        }
    }
}

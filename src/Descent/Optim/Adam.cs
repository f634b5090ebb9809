using System.Numerics;
using System.Runtime.Intrinsics;
using Descent.Kernels;

namespace Descent.Optim;

/// <summary>
/// Adam with optional L2 weight decay, AMSGrad and maximization, exactly as <c>torch.optim.Adam</c>
/// (per-parameter step counts and bias corrections).
/// </summary>
/// <remarks>
/// Per step t of a parameter θ with gradient g (PyTorch's algorithm box):
/// <code>
/// g ← maximize ? −g : g;   if λ ≠ 0: g ← g + λθ          (AdamW instead: θ ← θ(1 − γλ))
/// m ← lerp(m, g, 1 − β1);  v ← β2·v + (1 − β2)·g²
/// v̂ ← amsgrad ? (vmax ← max(vmax, v)) : v
/// θ ← θ − (γ / (1 − β1ᵗ)) · m / (√v̂ / √(1 − β2ᵗ) + ε)
/// </code>
/// See https://pytorch.org/docs/stable/generated/torch.optim.Adam.html.
/// </remarks>
/// <example><code>
/// var opt = new Adam(model.Parameters(), lr: 1e-3);
/// loss.Backward(); opt.Step(); opt.ZeroGrad();
/// </code></example>
public class Adam : Optimizer<Adam.State>
{
    /// <summary>Adam's per-parameter state.</summary>
    public sealed class State(int size, bool amsgrad) : OptimizerState
    {
        /// <summary>First moment m (<c>exp_avg</c>).</summary>
        public float[] ExpAvg { get; private set; } = new float[size];

        /// <summary>Second moment v (<c>exp_avg_sq</c>).</summary>
        public float[] ExpAvgSq { get; private set; } = new float[size];

        /// <summary>Running maximum of v for AMSGrad (<c>max_exp_avg_sq</c>); null without AMSGrad.</summary>
        public float[]? MaxExpAvgSq { get; private set; } = amsgrad ? new float[size] : null;

        /// <inheritdoc/>
        protected internal override float[]? Buffer(string name) => name switch
        {
            "exp_avg" => ExpAvg,
            "exp_avg_sq" => ExpAvgSq,
            "max_exp_avg_sq" => MaxExpAvgSq,
            _ => null,
        };

        /// <inheritdoc/>
        protected internal override void SetBuffer(string name, float[] buffer)
        {
            switch (name)
            {
                case "exp_avg": ExpAvg = buffer; break;
                case "exp_avg_sq": ExpAvgSq = buffer; break;
                case "max_exp_avg_sq": MaxExpAvgSq = buffer; break;
            }
        }
    }

    /// <summary>Creates Adam over one group of parameters with PyTorch's defaults.</summary>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, eps, weightDecay, amsgrad, maximize) { }

    /// <summary>Creates Adam over parameter groups; a group's own lr, weight decay or betas win over these.</summary>
    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize, decoupledWeightDecay: false) { }

    /// <summary>Shared by Adam and <see cref="AdamW"/>, which differ only in how weight decay is applied.</summary>
    private protected Adam(IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps,
        double weightDecay, bool amsgrad, bool maximize, bool decoupledWeightDecay)
        : base(groups, lr, weightDecay)
    {
        Beta(Name, nameof(beta1), beta1);
        Beta(Name, nameof(beta2), beta2);
        Eps = NonNegative(Name, nameof(eps), eps);
        Amsgrad = amsgrad;
        Maximize = maximize;
        DecoupledWeightDecay = decoupledWeightDecay;
        foreach (var g in ParamGroups)
        {
            g.Beta1 = Beta(Name, nameof(beta1), g.Beta1 ?? beta1);
            g.Beta2 = Beta(Name, nameof(beta2), g.Beta2 ?? beta2);
        }
    }

    /// <summary>Term ε added to the denominator for numerical stability.</summary>
    public double Eps { get; }

    /// <summary>Whether the AMSGrad variant (maximum of past second moments) is used.</summary>
    public bool Amsgrad { get; }

    /// <summary>Whether the parameters follow the gradient up instead of down.</summary>
    public bool Maximize { get; }

    /// <summary>Whether weight decay shrinks the parameters directly (AdamW) rather than adding λθ to the gradient.</summary>
    public bool DecoupledWeightDecay { get; }

    /// <inheritdoc/>
    protected override State CreateState(ParamGroup group, Tensor parameter) => new(parameter.Numel, Amsgrad);

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateNames(ParamGroup group) =>
        Amsgrad ? ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["step", "exp_avg", "exp_avg_sq"];

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Span<float> parameter, ReadOnlySpan<float> grad, State state)
    {
        var segment = Segment(group, state, parameter.Length);
        OptimizerUpdateKernel.Run(segment.Rule, parameter, grad, segment.S0, segment.S1, segment.S2);
    }

    private UpdateSegment<Rule>[]? _segments;
    private SegmentOf<Rule>? _segmentOf;

    private protected override void StepGroup(ParamGroup group) => StepGroupInOnePass(group, ref _segments, _segmentOf ??= Segment);

    /// <summary>A parameter's next step: its count advanced, the rule with this step's bias corrections, and its moments.</summary>
    private UpdateSegment<Rule> Segment(ParamGroup group, State state, int length)
    {
        state.Step++;
        double lr = group.Lr, beta1 = group.Beta1 ?? 0.9, beta2 = group.Beta2 ?? 0.999;
        // Bias corrections in double, as PyTorch computes them in Python floats.
        double stepSize = lr / (1 - Math.Pow(beta1, state.Step));
        double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, state.Step));
        return new UpdateSegment<Rule>
        {
            Rule = new Rule(lr, group.WeightDecay, DecoupledWeightDecay, beta1, beta2, Eps, stepSize, biasCorrection2Sqrt, Amsgrad, Maximize),
            S0 = state.ExpAvg,
            S1 = state.ExpAvgSq,
            S2 = state.MaxExpAvgSq,
        };
    }

    private readonly struct Rule(double lr, double weightDecay, bool decoupled, double beta1, double beta2, double eps,
        double stepSize, double biasCorrection2Sqrt, bool amsgrad, bool maximize) : IUpdateRule
    {
        private readonly float _w1 = (float)(1 - beta1);
        private readonly Vector<float> _wd = new((float)weightDecay), _decay = new((float)(1 - lr * weightDecay)),
            _b2 = new((float)beta2), _c2 = new((float)(1 - beta2)), _eps = new((float)eps),
            _negStep = new((float)-stepSize), _bc2Sqrt = new((float)biasCorrection2Sqrt);
        private readonly Vector512<float> _wd512 = Vector512.Create((float)weightDecay), _decay512 = Vector512.Create((float)(1 - lr * weightDecay)),
            _b2512 = Vector512.Create((float)beta2), _c2512 = Vector512.Create((float)(1 - beta2)), _eps512 = Vector512.Create((float)eps),
            _negStep512 = Vector512.Create((float)-stepSize), _bc2Sqrt512 = Vector512.Create((float)biasCorrection2Sqrt);
        private readonly bool _hasWd = weightDecay != 0;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> p, Vector<float> grad, ref Vector<float> m, ref Vector<float> v, ref Vector<float> vMax)
        {
            var g = maximize ? -grad : grad;
            if (_hasWd && decoupled) p *= _decay;
            else if (_hasWd) g = Vector.FusedMultiplyAdd(p, _wd, g);
            m = OptimizerUpdateKernel.Lerp(m, g, _w1);
            v = v * _b2 + _c2 * g * g;
            var vHat = v;
            if (amsgrad) vHat = vMax = Vector.Max(vMax, v);
            var denom = Vector.SquareRoot(vHat) / _bc2Sqrt + _eps;
            p += _negStep * m / denom;
        }

        public static bool HasWide => true;

        // Apply's operations in the same order on 16 lanes; its square root and two divisions dominate the update.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void ApplyWide(ref Vector512<float> p, Vector512<float> grad, ref Vector512<float> m, ref Vector512<float> v, ref Vector512<float> vMax)
        {
            var g = maximize ? -grad : grad;
            if (_hasWd && decoupled) p *= _decay512;
            else if (_hasWd) g = Vector512.FusedMultiplyAdd(p, _wd512, g);
            m = OptimizerUpdateKernel.Lerp(m, g, _w1);
            v = v * _b2512 + _c2512 * g * g;
            var vHat = v;
            if (amsgrad) vHat = vMax = Vector512.Max(vMax, v);
            var denom = Vector512.Sqrt(vHat) / _bc2Sqrt512 + _eps512;
            p += _negStep512 * m / denom;
        }
    }
}

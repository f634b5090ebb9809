using System.Numerics;
using Descent.Kernels;

namespace Descent.Optim;

/// <summary>
/// Lion (EvoLved Sign Momentum, Chen et al. 2023), as in the paper's Algorithm 2 and lucidrains'
/// <c>lion-pytorch</c>: the update is the sign of an interpolation of momentum and gradient.
/// </summary>
/// <remarks>
/// Per step of a parameter θ with gradient g:
/// <code>
/// θ ← θ(1 − γλ)                      // decoupled weight decay
/// θ ← θ − γ · sign(β1·m + (1 − β1)g)
/// m ← β2·m + (1 − β2)g
/// </code>
/// Lion wants a learning rate 3–10× smaller than AdamW's and a weight decay that much larger.
/// See https://arxiv.org/abs/2302.06675.
/// </remarks>
/// <example><code>
/// var opt = new Lion(model.Parameters(), lr: 1e-4, weightDecay: 0.1);
/// loss.Backward(); opt.Step(); opt.ZeroGrad();
/// </code></example>
public sealed class Lion : Optimizer<Lion.State>
{
    /// <summary>Lion's per-parameter state.</summary>
    public sealed class State(int size) : OptimizerState
    {
        /// <summary>Momentum m (<c>exp_avg</c>).</summary>
        public float[] ExpAvg { get; private set; } = new float[size];

        /// <inheritdoc/>
        protected internal override float[]? Buffer(string name) => name == "exp_avg" ? ExpAvg : null;

        /// <inheritdoc/>
        protected internal override void SetBuffer(string name, float[] buffer) => ExpAvg = buffer;
    }

    /// <summary>Creates Lion over one group of parameters with lion-pytorch's defaults.</summary>
    public Lion(IEnumerable<Tensor> parameters, double lr = 1e-4, double beta1 = 0.9, double beta2 = 0.99, double weightDecay = 0)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, weightDecay) { }

    /// <summary>Creates Lion over parameter groups; a group's own lr, weight decay or betas win over these.</summary>
    public Lion(IEnumerable<ParamGroup> groups, double lr = 1e-4, double beta1 = 0.9, double beta2 = 0.99, double weightDecay = 0)
        : base(groups, lr, weightDecay)
    {
        Beta(nameof(Lion), nameof(beta1), beta1);
        Beta(nameof(Lion), nameof(beta2), beta2);
        foreach (var g in ParamGroups)
        {
            g.Beta1 = Beta(nameof(Lion), nameof(beta1), g.Beta1 ?? beta1);
            g.Beta2 = Beta(nameof(Lion), nameof(beta2), g.Beta2 ?? beta2);
        }
    }

    /// <inheritdoc/>
    protected override State CreateState(ParamGroup group, Tensor parameter) => new(parameter.Numel);

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateNames(ParamGroup group) => ["exp_avg"];

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Span<float> parameter, ReadOnlySpan<float> grad, State state)
    {
        var rule = new Rule(group.Lr, group.WeightDecay, group.Beta1 ?? 0.9, group.Beta2 ?? 0.99);
        OptimizerUpdateKernel.Run(rule, parameter, grad, state.ExpAvg, default, default);
    }

    private readonly struct Rule(double lr, double weightDecay, double beta1, double beta2) : IUpdateRule
    {
        private readonly Vector<float> _decay = new((float)(1 - lr * weightDecay)), _negLr = new((float)-lr),
            _b1 = new((float)beta1), _c1 = new((float)(1 - beta1)), _b2 = new((float)beta2), _c2 = new((float)(1 - beta2));

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> p, Vector<float> g, ref Vector<float> m, ref Vector<float> s1, ref Vector<float> s2)
        {
            p *= _decay;
            var update = OptimizerUpdateKernel.Sign(Vector.FusedMultiplyAdd(g, _c1, m * _b1));
            p = Vector.FusedMultiplyAdd(update, _negLr, p);
            m = Vector.FusedMultiplyAdd(g, _c2, m * _b2);
        }
    }
}

using System.Numerics;
using Descent.Kernels;

namespace Descent.Optim;

/// <summary>
/// Adagrad with learning-rate decay, L2 weight decay and maximization, exactly as <c>torch.optim.Adagrad</c>.
/// </summary>
/// <remarks>
/// Per step t of a parameter θ with gradient g (PyTorch's algorithm box):
/// <code>
/// g ← maximize ? −g : g;   if λ ≠ 0: g ← g + λθ
/// γ̃ ← γ / (1 + (t − 1)η)        // η = lrDecay
/// s ← s + g²                    // s starts at initialAccumulatorValue
/// θ ← θ − γ̃ · g / (√s + ε)
/// </code>
/// As in PyTorch, every parameter's state exists from construction on.
/// See https://pytorch.org/docs/stable/generated/torch.optim.Adagrad.html.
/// </remarks>
/// <example><code>
/// var opt = new Adagrad(model.Parameters(), lr: 0.1);
/// loss.Backward(); opt.Step(); opt.ZeroGrad();
/// </code></example>
public sealed class Adagrad : Optimizer<Adagrad.State>
{
    /// <summary>Adagrad's per-parameter state.</summary>
    public sealed class State(int size, float initial) : OptimizerState
    {
        /// <summary>Sum of squared gradients s (<c>sum</c>).</summary>
        public float[] Sum { get; private set; } = Enumerable.Repeat(initial, size).ToArray();

        /// <inheritdoc/>
        protected internal override float[]? Buffer(string name) => name == "sum" ? Sum : null;

        /// <inheritdoc/>
        protected internal override void SetBuffer(string name, float[] buffer) => Sum = buffer;
    }

    /// <summary>Creates Adagrad over one group of parameters with PyTorch's defaults.</summary>
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize) { }

    /// <summary>Creates Adagrad over parameter groups; a group's own lr or weight decay wins over these.</summary>
    public Adagrad(IEnumerable<ParamGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(groups, lr, weightDecay)
    {
        LrDecay = NonNegative(nameof(Adagrad), nameof(lrDecay), lrDecay);
        InitialAccumulatorValue = NonNegative(nameof(Adagrad), nameof(initialAccumulatorValue), initialAccumulatorValue);
        Eps = NonNegative(nameof(Adagrad), nameof(eps), eps);
        Maximize = maximize;
        CreateAllStates();
    }

    /// <summary>Decay η of the learning rate over steps.</summary>
    public double LrDecay { get; }

    /// <summary>Starting value of the sum of squared gradients.</summary>
    public double InitialAccumulatorValue { get; }

    /// <summary>Term ε added to the denominator for numerical stability.</summary>
    public double Eps { get; }

    /// <summary>Whether the parameters follow the gradient up instead of down.</summary>
    public bool Maximize { get; }

    /// <inheritdoc/>
    protected override State CreateState(ParamGroup group, Tensor parameter) => new(parameter.Numel, (float)InitialAccumulatorValue);

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateNames(ParamGroup group) => ["step", "sum"];

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Span<float> parameter, ReadOnlySpan<float> grad, State state)
    {
        state.Step++;
        double clr = group.Lr / (1 + (state.Step - 1) * LrDecay);
        OptimizerUpdateKernel.Run(new Rule(group.WeightDecay, clr, Eps, Maximize), parameter, grad, state.Sum, default, default);
    }

    private readonly struct Rule(double weightDecay, double clr, double eps, bool maximize) : IUpdateRule
    {
        private readonly Vector<float> _wd = new((float)weightDecay), _negClr = new((float)-clr), _eps = new((float)eps);
        private readonly bool _hasWd = weightDecay != 0;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> p, Vector<float> grad, ref Vector<float> sum, ref Vector<float> s1, ref Vector<float> s2)
        {
            var g = maximize ? -grad : grad;
            if (_hasWd) g = Vector.FusedMultiplyAdd(p, _wd, g);
            sum += g * g;
            var std = Vector.SquareRoot(sum) + _eps;
            p += _negClr * g / std;
        }
    }
}

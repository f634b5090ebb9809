using Descent.Optim;
using TorchSharp;
using static Descent.Parity.Oracle;
using TParameter = TorchSharp.Modules.Parameter;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>
/// Every optimizer and option against torch.optim (through TorchSharp): the same parameters of odd shapes,
/// the same loss computed by each library's own autograd, and the parameters compared after each of 100 steps.
/// </summary>
public class OptimizerParityTests
{
    private const int Steps = 100;

    static OptimizerParityTests() => Descent.Oracle.LibTorchLoadFix.Apply();

    // Parameters drift apart by rounding order alone (each library differentiates its own loss): 1e-5
    // relative to max(|value|, mean |value| of the tensor), growing by 1e-7 per step. Observed: ≤ 1.1e-6.
    private static double Tolerance(int step) => 1e-5 + 1e-7 * step;

    private static readonly int[][] Shapes = [[3, 5], [7], [2, 3, 4], [1]];

    /// <summary>
    /// A loss with a non-linear gradient: Σ (p·A − C)² + 0.05·Σ p⁴ over the parameters. Cases that
    /// maximize negate it, so that ascent converges too.
    /// </summary>
    private sealed class Problem
    {
        public readonly float[][] Initial, A, C;

        public Problem(ulong seed)
        {
            var g = new Generator(seed);
            Initial = Shapes.Select(s => Tensor.Uniform(s, -1.5f, 1.5f, g).ToArray()).ToArray();
            A = Shapes.Select(s => Tensor.Uniform(s, 0.5f, 1.5f, g).ToArray()).ToArray();
            C = Shapes.Select(s => Tensor.Uniform(s, -1f, 1f, g).ToArray()).ToArray();
        }

        public Tensor Loss(IReadOnlyList<Tensor> ps, bool negate)
        {
            Tensor total = Tensor.Scalar(0f);
            for (int i = 0; i < ps.Count; i++)
            {
                var a = Tensor.FromArray(A[i], Shapes[i]);
                var c = Tensor.FromArray(C[i], Shapes[i]);
                total = total.Add(ps[i].Mul(a).Sub(c).Square().Sum()).Add(ps[i].Pow(4f).Sum().Mul(0.05f));
            }
            return negate ? total.Neg() : total;
        }

        public TT Loss(IReadOnlyList<TT> ps, bool negate)
        {
            TT total = torch.tensor(0f);
            for (int i = 0; i < ps.Count; i++)
            {
                var a = torch.tensor(A[i], Shapes[i].Select(d => (long)d).ToArray());
                var c = torch.tensor(C[i], Shapes[i].Select(d => (long)d).ToArray());
                total = total.add(ps[i].mul(a).sub(c).square().sum()).add(ps[i].pow(4).sum().mul(0.05f));
            }
            return negate ? total.neg() : total;
        }

        /// <summary>The exact gradient of the loss, in doubles, for references written out in the test.</summary>
        public double Gradient(int tensor, int i, double p, bool negate)
        {
            double g = 2 * A[tensor][i] * (p * A[tensor][i] - C[tensor][i]) + 0.2 * p * p * p;
            return negate ? -g : g;
        }
    }

    /// <param name="Maximize">Both sides maximize the negated loss; with <paramref name="TheirsMinimizes"/>, libtorch instead minimizes the loss (same path).</param>
    public sealed record Case(string Name, Func<List<Tensor>, Optimizer> Ours, Func<List<TParameter>, torch.optim.Optimizer> Theirs,
        bool Maximize = false, bool TheirsMinimizes = false)
    {
        public override string ToString() => Name;
    }

    /// <summary>
    /// Runs the case twice: with each library differentiating its own loss (the whole training step), and
    /// with libtorch handed Descent's gradients exactly (through the loss Σ p·G), which isolates the update rule.
    /// </summary>
    private static void Run(Case c, ulong seed = 5)
    {
        Run(c, seed, sharedGradients: false);
        Run(c, seed, sharedGradients: true);
    }

    private static void Run(Case c, ulong seed, bool sharedGradients)
    {
        var problem = new Problem(seed);
        var ours = problem.Initial.Select((v, i) => Tensor.FromArray((float[])v.Clone(), Shapes[i]).RequireGrad()).ToList();
        var theirs = problem.Initial.Select((v, i) => new TParameter(torch.tensor(v, Shapes[i].Select(d => (long)d).ToArray()))).ToList();
        var opt = c.Ours(ours);
        var topt = c.Theirs(theirs);
        for (int step = 1; step <= Steps; step++)
        {
            opt.ZeroGrad();
            problem.Loss(ours, c.Maximize).Backward();
            opt.Step();

            topt.zero_grad();
            if (sharedGradients)
            {
                using (torch.NewDisposeScope())
                {
                    TT total = torch.tensor(0f);
                    for (int i = 0; i < ours.Count; i++)
                        total = total.add(theirs[i].mul(ToTorch(ours[i].Grad!).mul(c.TheirsMinimizes ? -1f : 1f)).sum());
                    total.backward();
                }
            }
            else
            {
                using (torch.NewDisposeScope()) problem.Loss(theirs, c.Maximize && !c.TheirsMinimizes).backward();
            }
            topt.step();

            for (int i = 0; i < ours.Count; i++)
                AssertClose($"{c.Name}{(sharedGradients ? " (shared gradients)" : "")}: step {step}, parameter {i}", ours[i].ToArray(), theirs[i].detach().data<float>().ToArray(), theirs[i].shape, Tolerance(step));
        }
    }

    public static TheoryData<Case> Sgd => new()
    {
        new("SGD plain", p => new SGD(p, lr: 0.02), p => torch.optim.SGD(p, 0.02)),
        new("SGD momentum", p => new SGD(p, lr: 0.02, momentum: 0.9), p => torch.optim.SGD(p, 0.02, momentum: 0.9)),
        new("SGD momentum dampening", p => new SGD(p, lr: 0.02, momentum: 0.8, dampening: 0.3), p => torch.optim.SGD(p, 0.02, momentum: 0.8, dampening: 0.3)),
        new("SGD nesterov", p => new SGD(p, lr: 0.02, momentum: 0.9, nesterov: true), p => torch.optim.SGD(p, 0.02, momentum: 0.9, nesterov: true)),
        new("SGD weight decay", p => new SGD(p, lr: 0.02, weightDecay: 0.1), p => torch.optim.SGD(p, 0.02, weight_decay: 0.1)),
        new("SGD momentum weight decay", p => new SGD(p, lr: 0.02, momentum: 0.7, weightDecay: 0.05), p => torch.optim.SGD(p, 0.02, momentum: 0.7, weight_decay: 0.05)),
        new("SGD maximize", p => new SGD(p, lr: 0.02, momentum: 0.5, maximize: true), p => torch.optim.SGD(p, 0.02, momentum: 0.5, maximize: true), Maximize: true),
    };

    [Theory, MemberData(nameof(Sgd))]
    [Parity("Optim.SGD")]
    public void SgdMatches(Case c) => Run(c);

    // TorchSharp's Adagrad has no maximize: maximizing −L takes the same path as minimizing L.
    public static TheoryData<Case> AdagradCases => new()
    {
        new("Adagrad default", p => new Adagrad(p, lr: 0.1), p => torch.optim.Adagrad(p, lr: 0.1)),
        new("Adagrad lr decay", p => new Adagrad(p, lr: 0.1, lrDecay: 0.05), p => torch.optim.Adagrad(p, lr: 0.1, lr_decay: 0.05)),
        new("Adagrad initial accumulator", p => new Adagrad(p, lr: 0.1, initialAccumulatorValue: 0.5), p => torch.optim.Adagrad(p, lr: 0.1, initial_accumulator_value: 0.5)),
        new("Adagrad weight decay", p => new Adagrad(p, lr: 0.1, weightDecay: 0.1), p => torch.optim.Adagrad(p, lr: 0.1, weight_decay: 0.1)),
        new("Adagrad eps", p => new Adagrad(p, lr: 0.1, eps: 1e-3), p => torch.optim.Adagrad(p, lr: 0.1, eps: 1e-3)),
        new("Adagrad maximize", p => new Adagrad(p, lr: 0.1, lrDecay: 0.01, maximize: true), p => torch.optim.Adagrad(p, lr: 0.1, lr_decay: 0.01), Maximize: true, TheirsMinimizes: true),
    };

    [Theory, MemberData(nameof(AdagradCases))]
    [Parity("Optim.Adagrad")]
    public void AdagradMatches(Case c) => Run(c);

    public static TheoryData<Case> RmspropCases => new()
    {
        new("RMSprop default", p => new RMSprop(p, lr: 0.01), p => torch.optim.RMSProp(p, lr: 0.01)),
        // At lr 0.01, alpha 0.9 makes this problem chaotic near its minimum: rounding-order differences in the two
        // libraries' gradients then grow to 7 % by step 96 (while shared gradients agree to 3e-7), so a smaller lr.
        new("RMSprop alpha", p => new RMSprop(p, lr: 0.003, alpha: 0.9), p => torch.optim.RMSProp(p, lr: 0.003, alpha: 0.9)),
        new("RMSprop momentum", p => new RMSprop(p, lr: 0.005, momentum: 0.8), p => torch.optim.RMSProp(p, lr: 0.005, momentum: 0.8)),
        new("RMSprop centered", p => new RMSprop(p, lr: 0.01, centered: true), p => torch.optim.RMSProp(p, lr: 0.01, centered: true)),
        new("RMSprop centered momentum", p => new RMSprop(p, lr: 0.005, momentum: 0.5, centered: true), p => torch.optim.RMSProp(p, lr: 0.005, momentum: 0.5, centered: true)),
        new("RMSprop weight decay eps", p => new RMSprop(p, lr: 0.01, weightDecay: 0.1, eps: 1e-4), p => torch.optim.RMSProp(p, lr: 0.01, weight_decay: 0.1, eps: 1e-4)),
        new("RMSprop maximize", p => new RMSprop(p, lr: 0.01, momentum: 0.3, maximize: true), p => torch.optim.RMSProp(p, lr: 0.01, momentum: 0.3, maximize: true), Maximize: true),
    };

    [Theory, MemberData(nameof(RmspropCases))]
    [Parity("Optim.RMSprop")]
    public void RmspropMatches(Case c) => Run(c);

    public static TheoryData<Case> AdamCases => new()
    {
        new("Adam default", p => new Adam(p, lr: 0.01), p => torch.optim.Adam(p, lr: 0.01)),
        new("Adam betas eps", p => new Adam(p, lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6), p => torch.optim.Adam(p, lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6)),
        new("Adam weight decay", p => new Adam(p, lr: 0.01, weightDecay: 0.1), p => torch.optim.Adam(p, lr: 0.01, weight_decay: 0.1)),
        // beta2 0.9 lets the second moment fall as gradients shrink, so amsgrad's running maximum changes the path.
        new("Adam amsgrad", p => new Adam(p, lr: 0.01, beta2: 0.9, amsgrad: true), p => torch.optim.Adam(p, lr: 0.01, beta2: 0.9, amsgrad: true)),
        new("Adam maximize", p => new Adam(p, lr: 0.01, weightDecay: 0.05, maximize: true), p => torch.optim.Adam(p, lr: 0.01, weight_decay: 0.05, maximize: true), Maximize: true),
    };

    [Theory, MemberData(nameof(AdamCases))]
    [Parity("Optim.Adam")]
    public void AdamMatches(Case c) => Run(c);

    // PyTorch's AdamW defaults weight_decay to 0.01, TorchSharp's to 0: ours keeps PyTorch's default, so libtorch gets 0.01 explicitly.
    public static TheoryData<Case> AdamWCases => new()
    {
        new("AdamW default", p => new AdamW(p, lr: 0.01), p => torch.optim.AdamW(p, lr: 0.01, weight_decay: 0.01)),
        new("AdamW weight decay", p => new AdamW(p, lr: 0.01, weightDecay: 0.3), p => torch.optim.AdamW(p, lr: 0.01, weight_decay: 0.3)),
        new("AdamW amsgrad", p => new AdamW(p, lr: 0.01, beta2: 0.9, amsgrad: true), p => torch.optim.AdamW(p, lr: 0.01, beta2: 0.9, weight_decay: 0.01, amsgrad: true)),
        new("AdamW maximize", p => new AdamW(p, lr: 0.01, beta1: 0.85, maximize: true), p => torch.optim.AdamW(p, lr: 0.01, beta1: 0.85, weight_decay: 0.01, maximize: true), Maximize: true),
    };

    [Theory, MemberData(nameof(AdamWCases))]
    [Parity("Optim.AdamW")]
    public void AdamWMatches(Case c) => Run(c);

    public static TheoryData<Case> GroupCases => new()
    {
        new("SGD two groups",
            p => new SGD([new ParamGroup(p.Take(2), lr: 0.05), new ParamGroup(p.Skip(2), lr: 0.01, weightDecay: 0.02)], lr: 0.03, momentum: 0.9),
            p => torch.optim.SGD(new[]
            {
                new TorchSharp.Modules.SGD.ParamGroup(p.Take(2), 0.05, 0.9, 0, 0, false, false),
                new TorchSharp.Modules.SGD.ParamGroup(p.Skip(2), 0.01, 0.9, 0, 0.02, false, false),
            }, 0.03, momentum: 0.9)),
        new("Adam two groups",
            p => new Adam([new ParamGroup(p.Take(3), lr: 0.02), new ParamGroup(p.Skip(3), lr: 0.002)], lr: 0.01),
            p => torch.optim.Adam(new[]
            {
                new TorchSharp.Modules.Adam.ParamGroup(p.Take(3), 0.02, 0.9, 0.999, 1e-8, 0, false, false),
                new TorchSharp.Modules.Adam.ParamGroup(p.Skip(3), 0.002, 0.9, 0.999, 1e-8, 0, false, false),
            }, lr: 0.01)),
    };

    [Theory, MemberData(nameof(GroupCases))]
    [Parity("Optim.SGD", "Optim.Adam")]
    public void ParameterGroupsWithDifferentLr(Case c) => Run(c);

    // Lion is not in libtorch: the reference is a direct transcription of the update of Chen et al. (2023),
    // "Symbolic Discovery of Optimization Algorithms", in doubles, with the exact gradient of the same loss:
    //   p ← p·(1 − lr·wd);  p ← p − lr·sign(β1·m + (1 − β1)·g);  m ← β2·m + (1 − β2)·g.
    public static TheoryData<double, double, double, double> LionCases => new()
    {
        { 1e-3, 0.9, 0.99, 0 },
        { 3e-3, 0.95, 0.98, 0.1 },
        { 1e-2, 0.5, 0.9, 0.01 },
    };

    [Theory, MemberData(nameof(LionCases))]
    [Parity("Optim.Lion")]
    public void LionMatchesTheUpdateWrittenOut(double lr, double beta1, double beta2, double weightDecay)
    {
        var problem = new Problem(9);
        var ours = problem.Initial.Select((v, i) => Tensor.FromArray((float[])v.Clone(), Shapes[i]).RequireGrad()).ToList();
        var p = problem.Initial.Select(v => v.Select(x => (double)x).ToArray()).ToArray();
        var m = p.Select(v => new double[v.Length]).ToArray();
        var opt = new Lion(ours, lr, beta1, beta2, weightDecay);
        for (int step = 1; step <= Steps; step++)
        {
            opt.ZeroGrad();
            problem.Loss(ours, negate: false).Backward();
            opt.Step();
            for (int t = 0; t < p.Length; t++)
            {
                for (int i = 0; i < p[t].Length; i++)
                {
                    double g = problem.Gradient(t, i, p[t][i], negate: false);
                    p[t][i] *= 1 - lr * weightDecay;
                    p[t][i] -= lr * Math.Sign(beta1 * m[t][i] + (1 - beta1) * g);
                    m[t][i] = beta2 * m[t][i] + (1 - beta2) * g;
                }
                AssertClose($"Lion lr={lr} betas=({beta1}, {beta2}) wd={weightDecay}: step {step}, parameter {t}",
                    ours[t].ToArray(), p[t].Select(v => (float)v).ToArray(), null, Tolerance(step));
            }
        }
    }
}

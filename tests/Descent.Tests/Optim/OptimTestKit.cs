using Descent.Optim;

namespace Descent.Tests.Optim;

/// <summary>Small helpers: one-element parameters and steps with a given gradient.</summary>
internal static class OptimTestKit
{
    public const double Tol = 1e-6;

    public static Tensor Param(params float[] values) => Tensor.FromArray(values).RequireGrad();

    /// <summary>Sets the gradient of <paramref name="p"/> and takes one step.</summary>
    public static float StepWith(Optimizer opt, Tensor p, params float[] grad)
    {
        p.Grad = Tensor.FromArray(grad, p.Shape);
        opt.Step();
        return p.Data[0];
    }

    /// <summary>Two steps on p = 1 with gradients 0.5 then −0.25; returns p after each.</summary>
    public static (float First, float Second) TwoSteps(Func<Tensor, Optimizer> make, float g1 = 0.5f, float g2 = -0.25f)
    {
        var p = Param(1f);
        var opt = make(p);
        float first = StepWith(opt, p, g1);
        float second = StepWith(opt, p, g2);
        return (first, second);
    }

    /// <summary>Every optimizer with every option on, for tests that must hold for all of them.</summary>
    public static TheoryData<string> AllNames() =>
    [
        "SGD", "SGD momentum", "SGD nesterov", "Adagrad", "RMSprop", "RMSprop centered momentum",
        "Adam", "Adam amsgrad", "AdamW", "AdamW amsgrad", "Lion",
    ];

    public static Optimizer Make(string name, IEnumerable<Tensor> ps) => name switch
    {
        "SGD" => new SGD(ps, lr: 0.1),
        "SGD momentum" => new SGD(ps, lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, maximize: false),
        "SGD nesterov" => new SGD(ps, lr: 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true),
        "Adagrad" => new Adagrad(ps, lr: 0.5, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1),
        "RMSprop" => new RMSprop(ps, lr: 0.01),
        "RMSprop centered momentum" => new RMSprop(ps, lr: 0.005, momentum: 0.5, centered: true, weightDecay: 0.01),
        "Adam" => new Adam(ps, lr: 0.1, weightDecay: 0.01),
        "Adam amsgrad" => new Adam(ps, lr: 0.1, amsgrad: true),
        "AdamW" => new AdamW(ps, lr: 0.1),
        "AdamW amsgrad" => new AdamW(ps, lr: 0.1, amsgrad: true),
        "Lion" => new Lion(ps, lr: 0.03, weightDecay: 0.01),
        _ => throw new ArgumentException(name),
    };
}

using Descent.Optim;
using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class ValidationTests
{
    private static readonly Tensor[] Ps = [Param(1f)];

    public static TheoryData<string, string, string, Func<object>> Invalid() => new()
    {
        { "SGD", "lr", "-0.1", () => new SGD(Ps, lr: -0.1) },
        { "SGD", "lr", "NaN", () => new SGD(Ps, lr: double.NaN) },
        { "SGD", "momentum", "-0.5", () => new SGD(Ps, momentum: -0.5) },
        { "SGD", "weightDecay", "-1", () => new SGD(Ps, weightDecay: -1) },
        { "SGD", "momentum", "0", () => new SGD(Ps, nesterov: true) },
        { "SGD", "dampening", "0.1", () => new SGD(Ps, momentum: 0.9, dampening: 0.1, nesterov: true) },
        { "SGD", "lr", "-2", () => new SGD([new ParamGroup(Ps, lr: -2)]) },
        { "Adagrad", "lr", "-1", () => new Adagrad(Ps, lr: -1) },
        { "Adagrad", "lrDecay", "-0.1", () => new Adagrad(Ps, lrDecay: -0.1) },
        { "Adagrad", "weightDecay", "-0.1", () => new Adagrad(Ps, weightDecay: -0.1) },
        { "Adagrad", "initialAccumulatorValue", "-1", () => new Adagrad(Ps, initialAccumulatorValue: -1) },
        { "Adagrad", "eps", "-1E-10", () => new Adagrad(Ps, eps: -1e-10) },
        { "RMSprop", "alpha", "-0.99", () => new RMSprop(Ps, alpha: -0.99) },
        { "RMSprop", "eps", "-1", () => new RMSprop(Ps, eps: -1) },
        { "RMSprop", "momentum", "-0.9", () => new RMSprop(Ps, momentum: -0.9) },
        { "RMSprop", "weightDecay", "-0.5", () => new RMSprop(Ps, weightDecay: -0.5) },
        { "Adam", "lr", "-0.001", () => new Adam(Ps, lr: -0.001) },
        { "Adam", "beta1", "1", () => new Adam(Ps, beta1: 1) },
        { "Adam", "beta1", "-0.1", () => new Adam(Ps, beta1: -0.1) },
        { "Adam", "beta2", "1.5", () => new Adam(Ps, beta2: 1.5) },
        { "Adam", "eps", "-1E-08", () => new Adam(Ps, eps: -1e-8) },
        { "Adam", "weightDecay", "-0.01", () => new Adam(Ps, weightDecay: -0.01) },
        { "AdamW", "beta2", "1", () => new AdamW(Ps, beta2: 1) },
        { "AdamW", "weightDecay", "-0.01", () => new AdamW(Ps, weightDecay: -0.01) },
        { "Lion", "beta1", "1", () => new Lion(Ps, beta1: 1) },
        { "Lion", "beta2", "-0.5", () => new Lion(Ps, beta2: -0.5) },
        { "Lion", "lr", "-0.0001", () => new Lion(Ps, lr: -1e-4) },
        { "ClipGradNorm", "maxNorm", "-1", () => GradClip.ClipGradNorm(Ps, -1) },
        { "ClipGradNorm", "normType", "-2", () => GradClip.ClipGradNorm(Ps, 1, normType: -2) },
        { "ClipGradValue", "clipValue", "-0.5", () => { GradClip.ClipGradValue(Ps, -0.5); return 0; } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidHyperParameterThrowsNamingItAndItsValue(string owner, string parameter, string value, Func<object> create)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => create());
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(owner, e.Message);
        Assert.Contains($"got {value}", e.Message);
    }

    [Fact]
    public void EmptyParameterListThrows()
    {
        var e = Assert.Throws<ArgumentException>(() => new Adam(Array.Empty<ParamGroup>()));
        Assert.Contains("Adam", e.Message);
    }
}

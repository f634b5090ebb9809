using Descent.Nn;
using Descent.Optim;

namespace Descent.Tests.Optim.Schedules;

/// <summary>Plain gradient descent (p -= lr·g), so schedule tests need no concrete optimizer.</summary>
internal sealed class PlainGradientDescent : Optimizer
{
    public PlainGradientDescent(IEnumerable<Tensor> parameters, double lr) : base(parameters, lr, 0) { }

    public PlainGradientDescent(IEnumerable<ParamGroup> groups, double lr) : base(groups, lr, 0) { }

    protected override void Update(ParamGroup group, Tensor parameter, Tensor grad) =>
        parameter.AddInPlace(grad, -(float)group.Lr);

    public override OrderedDictionary<string, Tensor> StateDict()
    {
        var state = new OrderedDictionary<string, Tensor> { ["step"] = Tensor.Scalar(StepCount) };
        for (int i = 0; i < ParamGroups.Count; i++) state[$"group.{i}.lr"] = Tensor.Scalar((float)ParamGroups[i].Lr);
        return state;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        StepCount = (long)state["step"].Item();
        for (int i = 0; i < ParamGroups.Count; i++) ParamGroups[i].Lr = state[$"group.{i}.lr"].Item();
    }
}

/// <summary>y = x·W + b as a module, for the LR finder's convex test problem.</summary>
internal sealed class LinearRegression : Module
{
    public LinearRegression(int features, Generator generator)
    {
        Weight = RegisterParameter("weight", Tensor.Randn([features, 1], generator));
        Bias = RegisterParameter("bias", Tensor.Zeros(1));
    }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    public override Tensor Forward(Tensor input) => input.MatMul(Weight) + Bias;
}

internal static class Expect
{
    /// <summary>Asserts that <paramref name="action"/> throws ArgumentOutOfRangeException naming the parameter and the value.</summary>
    public static void OutOfRange(string parameter, string value, Action action)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(action);
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(parameter, e.Message);
        Assert.Contains(value, e.Message);
    }

    /// <summary>Relative closeness for doubles computed by the same formula in a different order.</summary>
    public static void Close(double expected, double actual, double relTol = 1e-12)
    {
        double tol = relTol * Math.Max(1e-300, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tol, $"expected {expected:R}, got {actual:R}");
    }
}

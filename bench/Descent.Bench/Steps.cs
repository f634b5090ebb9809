using Descent.Optim;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Bench;

/// <summary>
/// One training step in each library, as its users write it, for the cases that differ only in model and loss.
/// Descent: one <see cref="StepScope"/> per step (what <c>Learner.Fit</c> opens, and what its docs tell a loop of
/// one's own to open), <c>ZeroGrad</c>, forward, <c>Backward</c>, <c>Step</c>. libtorch: one dispose scope per step and the
/// gradients set to none first, which is PyTorch's <c>optimizer.zero_grad()</c> since 2.0 (set_to_none=True):
/// the next backward writes fresh gradients instead of adding into zeros. TorchSharp 0.107's <c>zero_grad()</c>
/// has no set_to_none and zero-fills, a pass over every gradient that PyTorch's default does not make. Both
/// sides sink the loss and one updated weight.
/// </summary>
internal static class Steps
{
    public static Action Descent(Optimizer optimizer, Func<Tensor> loss, Tensor weight) => () =>
    {
        using var scope = new StepScope();
        optimizer.ZeroGrad();
        var value = loss();
        value.Backward();
        optimizer.Step();
        Sink.Consume(value);
        Sink.Consume(weight);
    };

    public static Action Torch(torch.optim.Optimizer optimizer, IReadOnlyList<TT> parameters, Func<TT> loss) => () =>
    {
        using var scope = torch.NewDisposeScope();
        for (int i = 0; i < parameters.Count; i++) parameters[i].grad = null;
        var value = loss();
        value.backward();
        optimizer.step();
        Sink.Consume(value);
        Sink.Consume(parameters[0]);
    };
}

using TT = TorchSharp.torch.Tensor;

namespace Descent.Bench;

/// <summary>
/// PyTorch's <c>optimizer.zero_grad()</c> as of 2.0 (set_to_none=True): each gradient dropped, so the next
/// backward writes a fresh one instead of adding into zeros. TorchSharp 0.107's <c>zero_grad()</c> still
/// zero-fills, which costs a pass over every gradient that PyTorch's default does not make.
/// </summary>
internal static class TorchGrads
{
    public static void SetToNone(IReadOnlyList<TT> parameters)
    {
        for (int i = 0; i < parameters.Count; i++) parameters[i].grad = null;
    }
}

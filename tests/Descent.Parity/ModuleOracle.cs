using Descent.Nn;
using TorchSharp;
using static Descent.Parity.Oracle;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>
/// libtorch as the oracle for a layer: libtorch gets the input and copies of the layer's parameters (in
/// <see cref="Module.Parameters"/> order) and computes the same function with its own functional ops; the
/// output, the input's gradient and every parameter's gradient must agree.
/// </summary>
internal static class ModuleOracle
{
    public static void Check(string name, Module layer, Func<TT[], TT> theirs, Tensor input, double tolerance = Tolerance, ulong seed = 11)
    {
        using var scope = torch.NewDisposeScope();
        var parameters = layer.Parameters().ToArray();
        foreach (var p in parameters) p.ZeroGrad();
        var x = Tensor.FromArray(input.ToArray(), input.Shape).RequireGrad(input.RequiresGrad);
        var tx = ToTorch(input, input.RequiresGrad);
        var tp = parameters.Select(p => ToTorch(p, p.RequiresGrad)).ToArray();
        var y = layer.Forward(x);
        var ty = theirs([tx, .. tp]);
        Assert.True(y.Shape.Select(d => (long)d).SequenceEqual(ty.shape),
            $"{name}: output shape [{string.Join(", ", y.Shape)}] vs libtorch's [{string.Join(", ", ty.shape)}]");
        AssertClose($"{name} forward", y.ToArray(), FromTorch(ty), ty.shape, tolerance);
        if (!y.RequiresGrad) return;

        var g = Tensor.Randn(y.Shape, new Generator(seed));
        y.Backward(g);
        ty.backward([ToTorch(g)]);
        if (input.RequiresGrad)
            AssertClose($"{name} input gradient", x.Grad!.ToArray(), FromTorch(tx.grad!), tx.shape, tolerance);
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!parameters[i].RequiresGrad) continue;
            Assert.True(parameters[i].Grad is not null, $"{name}: Descent gave no gradient for parameter {i}");
            AssertClose($"{name} gradient of parameter {i} [{string.Join(", ", parameters[i].Shape)}]",
                parameters[i].Grad!.ToArray(), FromTorch(tp[i].grad!), tp[i].shape, tolerance);
        }
    }
}

using Descent.Oracle;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>
/// libtorch (through TorchSharp) as the test oracle: runs the same computation in Descent and in
/// libtorch on the same float32 data and upstream gradient, then compares the outputs and every input
/// gradient. The error of an element is |ours - theirs| / max(|theirs|, mean |theirs|), so elements
/// near zero are judged against the tensor's typical size instead of blowing up.
/// </summary>
internal static class Oracle
{
    public const double Tolerance = 1e-5;
    public const double ReductionTolerance = 1e-4;

    static Oracle() => LibTorchLoadFix.Apply();

    public static TT ToTorch(Tensor t, bool requiresGrad = false)
    {
        var result = torch.tensor(t.ToArray(), t.Shape.Select(d => (long)d).ToArray(), dtype: torch.float32);
        return requiresGrad ? result.requires_grad_(true) : result;
    }

    public static TT ToTorch(IntTensor t) => torch.tensor(t.ToArray(), t.Shape.Select(d => (long)d).ToArray(), dtype: torch.int64);

    public static TT ToTorch(BoolTensor t) => torch.tensor(t.ToArray(), t.Shape.Select(d => (long)d).ToArray(), dtype: torch.@bool);

    // TorchSharp's accessor throws on an empty tensor instead of giving an empty array.
    public static float[] FromTorch(TT t) => t.numel() == 0 ? [] : t.detach().contiguous().data<float>().ToArray();

    /// <summary>Asserts that two float arrays agree within <paramref name="tolerance"/>, naming the worst index and both values.</summary>
    public static void AssertClose(string what, float[] ours, float[] theirs, long[]? shape = null, double tolerance = Tolerance)
    {
        Assert.True(ours.Length == theirs.Length, $"{what}: {ours.Length} elements vs libtorch's {theirs.Length}");
        if (ours.Length == 0) return;
        // Over finite values only: one infinity (Log at 0) would make the scale infinite and every other error 0.
        double scale = theirs.Where(float.IsFinite).Select(v => Math.Abs((double)v)).DefaultIfEmpty(0).Average();
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < ours.Length; i++)
        {
            if (float.IsNaN(ours[i]) && float.IsNaN(theirs[i])) continue;
            if (float.IsInfinity(theirs[i]) && ours[i] == theirs[i]) continue;
            double err = Math.Abs((double)ours[i] - theirs[i]) / Math.Max(Math.Max(Math.Abs((double)theirs[i]), scale), 1e-30);
            if (double.IsNaN(err) || err > worst)
            {
                worst = double.IsNaN(err) ? double.PositiveInfinity : err;
                worstAt = i;
            }
        }
        if (worst <= tolerance) return;
        Assert.Fail(
            $"{what}: max relative error {worst:G3} > {tolerance:G3} at flat index {worstAt}{(shape != null ? " of shape [" + string.Join(", ", shape) + "]" : "")}: Descent {ours[worstAt]:G9}, libtorch {theirs[worstAt]:G9}");
    }

    /// <summary>
    /// Compares forward values and the gradients of every input that requires grad, for the same random
    /// upstream gradient. <paramref name="seed"/> fixes that gradient.
    /// </summary>
    public static void Check(string name, Func<Tensor[], Tensor> ours, Func<TT[], TT> theirs, Tensor[] inputs, double tolerance = Tolerance, ulong seed = 7)
    {
        using var scope = torch.NewDisposeScope();
        var oursIn = inputs.Select(t => Tensor.Create(t.ToArray(), t.Shape).RequireGrad(t.RequiresGrad)).ToArray();
        var theirsIn = inputs.Select(t => ToTorch(t, t.RequiresGrad)).ToArray();
        var y = ours(oursIn);
        var ty = theirs(theirsIn);
        Assert.True(y.Shape.Select(d => (long)d).SequenceEqual(ty.shape),
            $"{name}: output shape [{string.Join(", ", y.Shape)}] vs libtorch's [{string.Join(", ", ty.shape)}]");
        AssertClose($"{name} forward", y.ToArray(), FromTorch(ty), ty.shape, tolerance);
        if (!y.RequiresGrad) return;

        var g = Tensor.Randn(y.Shape, new Generator(seed));
        y.Backward(g);
        ty.backward([ToTorch(g)]);
        for (int i = 0; i < inputs.Length; i++)
        {
            if (!inputs[i].RequiresGrad) continue;
            var tg = theirsIn[i].grad;
            Assert.True(tg is not null, $"{name}: libtorch gave no gradient for input {i}");
            Assert.True(oursIn[i].Grad is not null, $"{name}: Descent gave no gradient for input {i}");
            AssertClose($"{name} gradient of input {i}", oursIn[i].Grad!.ToArray(), FromTorch(tg!), tg!.shape, tolerance);
        }
    }

    /// <summary>
    /// For ops that return several tensors: the same number of pieces as libtorch, then <see cref="Check"/>
    /// on each piece, so every piece's shape, values and gradient path are compared on their own.
    /// </summary>
    public static void CheckPieces(string name, Func<Tensor[], Tensor[]> ours, Func<TT[], TT[]> theirs, Tensor[] inputs, double tolerance = Tolerance)
    {
        int count;
        using (torch.NewDisposeScope())
        {
            count = ours(inputs).Length;
            int theirCount = theirs(inputs.Select(t => ToTorch(t)).ToArray()).Length;
            Assert.True(count == theirCount, $"{name}: {count} pieces vs libtorch's {theirCount}");
        }
        for (int k = 0; k < count; k++)
        {
            int piece = k;
            Check($"{name} piece {piece}", t => ours(t)[piece], t => theirs(t)[piece], inputs, tolerance, seed: 7 + (ulong)piece);
        }
    }

    /// <summary>A random input; requiresGrad marks it for gradient comparison.</summary>
    public static Tensor Rand(Generator g, int[] shape, bool requiresGrad = true, float low = -2f, float high = 2f) =>
        Tensor.Uniform(shape, low, high, g).RequireGrad(requiresGrad);
}

using TorchSharp;
using static Descent.Parity.Oracle;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>
/// Recurrent layers and cells against TorchSharp's own modules: Descent's parameters are copied into
/// libtorch's by state-dict name (so the names and shapes must agree), then outputs, final states, the
/// input's and initial states' gradients and every parameter's gradient are compared under one loss that
/// weighs the output and the final states with fixed random tensors.
/// </summary>
internal static class RecurrentOracle
{
    // Steps of a recurrence compound rounding, so the tolerance is that of reductions.
    private const double Tol = ReductionTolerance;

    public const int Steps = 5, Batch = 3, In = 4, Hidden = 6;

    private static (TT, TT?, TT?) Squeeze((TT, TT?, TT?) r, int first, int states) => (r.Item1.squeeze(first), r.Item2?.squeeze(states), r.Item3?.squeeze(states));

    public static void Compare(string name, Descent.Nn.Module ours, torch.nn.Module theirs, Tensor input, Tensor? h0, Tensor? c0,
        Func<Tensor, Tensor?, Tensor?, (Tensor, Tensor?, Tensor?)> runOurs, Func<TT, TT?, TT?, (TT, TT?, TT?)> runTheirs,
        int? batchDim = null, bool statesGiven = true, int? inputBatchDim = null)
    {
        using var scope = torch.NewDisposeScope();
        var state = ours.StateDict();
        var theirParameters = theirs.named_parameters().ToList();
        Assert.Equal(theirParameters.Select(p => p.name), ours.NamedParameters().Select(p => p.Name));
        using (torch.no_grad())
        {
            foreach (var (pname, p) in theirParameters)
            {
                Assert.Equal(p.shape, state[pname].Shape.Select(d => (long)d).ToArray());
                p.copy_(ToTorch(state[pname]));
            }
        }
        ours.ZeroGrad();
        theirs.zero_grad();

        var x = Tensor.FromArray(input.ToArray(), input.Shape).RequireGrad();
        var h = h0 is null ? null : Tensor.FromArray(h0.ToArray(), h0.Shape).RequireGrad();
        var c = c0 is null ? null : Tensor.FromArray(c0.ToArray(), c0.Shape).RequireGrad();
        var tx = ToTorch(input, true);
        var th = h0 is null ? null : ToTorch(h0, true);
        var tc = c0 is null ? null : ToTorch(c0, true);

        var ys = runOurs(x, h, c);
        // libtorch's C++ modules take batched input only; PyTorch's Python adds and removes the batch dimension the same way.
        var tys = batchDim is int bd
            ? Squeeze(runTheirs(tx.unsqueeze(inputBatchDim ?? bd), th?.unsqueeze(bd), tc?.unsqueeze(bd)), inputBatchDim ?? bd, bd)
            : runTheirs(tx, th, tc);
        Tensor[] mine = [ys.Item1, .. new[] { ys.Item2, ys.Item3 }.OfType<Tensor>()];
        TT[] libtorch = [tys.Item1, .. new[] { tys.Item2, tys.Item3 }.OfType<TT>()];
        Assert.Equal(libtorch.Length, mine.Length);
        var g = new Generator(13);
        Tensor? loss = null;
        TT? tloss = null;
        for (int i = 0; i < mine.Length; i++)
        {
            Assert.Equal(libtorch[i].shape, mine[i].Shape.Select(d => (long)d).ToArray());
            AssertClose($"{name} result {i}", mine[i].ToArray(), FromTorch(libtorch[i]), libtorch[i].shape, Tol);
            var w = Tensor.Randn(mine[i].Shape, g);
            var term = (mine[i] * w).Sum();
            loss = loss is null ? term : loss + term;
            var tterm = (libtorch[i] * ToTorch(w)).sum();
            tloss = tloss is null ? tterm : tloss + tterm;
        }
        loss!.Backward();
        tloss!.backward();
        AssertClose($"{name} input gradient", x.Grad!.ToArray(), FromTorch(tx.grad!), tx.shape, Tol);
        if (h is not null && statesGiven) AssertClose($"{name} h0 gradient", h.Grad!.ToArray(), FromTorch(th!.grad!), th.shape, Tol);
        if (c is not null && statesGiven) AssertClose($"{name} c0 gradient", c.Grad!.ToArray(), FromTorch(tc!.grad!), tc.shape, Tol);
        var mineByName = ours.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (pname, p) in theirParameters)
            AssertClose($"{name} gradient of {pname}", mineByName[pname].Grad!.ToArray(), FromTorch(p.grad!), p.shape, Tol);
    }
}

using TorchSharp;
using static Descent.Parity.Oracle;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>Every trunk op against libtorch: forward values and input gradients over several shapes.</summary>
public class TensorOpParityTests
{
    // Pairs of shapes that broadcast: equal, trailing, size-1 in the middle, scalar-like, odd sizes.
    public static TheoryData<int[], int[]> BroadcastPairs => new()
    {
        { [7], [7] },
        { [3, 1, 4], [5, 4] },
        { [2, 3], [1] },
        { [1, 5], [6, 1] },
        { [31, 33], [33] },
        { [2, 1, 3, 1], [4, 1, 5] },
    };

    public static TheoryData<int[]> Shapes => new() { { [1] }, { [7] }, { [3, 5] }, { [2, 1, 4] }, { [2, 3, 4, 5] }, { [33, 31] } };

    private static Generator G(params int[] salt) => new((ulong)(17 + salt.Aggregate(0, (a, b) => a * 31 + b)));

    [Theory, MemberData(nameof(BroadcastPairs))]
    [Parity("Tensor.Add", "Tensor.Sub", "Tensor.Mul", "Tensor.Div", "Tensor.Maximum", "Tensor.Minimum")]
    public void Binary(int[] a, int[] b)
    {
        var g = G([.. a, .. b]);
        var x = Rand(g, a);
        var y = Rand(g, b);
        var yPos = Rand(g, b, low: 0.5f, high: 2f);
        Check("Add", t => t[0].Add(t[1]), t => t[0].add(t[1]), [x, y]);
        Check("Sub", t => t[0].Sub(t[1]), t => t[0].sub(t[1]), [x, y]);
        Check("Mul", t => t[0].Mul(t[1]), t => t[0].mul(t[1]), [x, y]);
        Check("Div", t => t[0].Div(t[1]), t => t[0].div(t[1]), [x, yPos]);
        Check("Maximum", t => t[0].Maximum(t[1]), t => torch.maximum(t[0], t[1]), [x, y]);
        Check("Minimum", t => t[0].Minimum(t[1]), t => torch.minimum(t[0], t[1]), [x, y]);
    }

    [Theory, MemberData(nameof(Shapes))]
    [Parity("Tensor.Add", "Tensor.Sub", "Tensor.Mul", "Tensor.Div", "Tensor.RSub", "Tensor.RDiv", "Tensor.Neg")]
    public void Scalars(int[] shape)
    {
        var g = G(shape);
        var x = Rand(g, shape);
        var pos = Rand(g, shape, low: 0.5f, high: 2f);
        Check("Add scalar", t => t[0].Add(1.5f), t => t[0].add(1.5f), [x]);
        Check("Sub scalar", t => t[0].Sub(0.25f), t => t[0].sub(0.25f), [x]);
        Check("Mul scalar", t => t[0].Mul(-3f), t => t[0].mul(-3f), [x]);
        Check("Div scalar", t => t[0].Div(7f), t => t[0].div(7f), [x]);
        Check("RSub", t => t[0].RSub(2f), t => torch.sub(2f, t[0]), [x]);
        Check("RDiv", t => t[0].RDiv(2f), t => torch.div(torch.tensor(2f), t[0]), [pos]);
        Check("Neg", t => t[0].Neg(), t => t[0].neg(), [x]);
    }

    [Theory, MemberData(nameof(Shapes))]
    [Parity("Tensor.Pow", "Tensor.Square", "Tensor.Exp", "Tensor.Log", "Tensor.Sqrt", "Tensor.Abs", "Tensor.Clamp", "Tensor.Sign", "Tensor.Clone")]
    public void Unary(int[] shape)
    {
        var g = G(shape);
        var x = Rand(g, shape);
        var pos = Rand(g, shape, low: 0.1f, high: 3f);
        foreach (float p in new[] { 2f, 3f, 0.5f, -1f, 1f, 0f })
            Check($"Pow {p}", t => t[0].Pow(p), t => t[0].pow(p), [p is 0.5f or -1f ? pos : x]);
        Check("Square", t => t[0].Square(), t => t[0].square(), [x]);
        Check("Exp", t => t[0].Exp(), t => t[0].exp(), [x]);
        Check("Log", t => t[0].Log(), t => t[0].log(), [pos]);
        Check("Sqrt", t => t[0].Sqrt(), t => t[0].sqrt(), [pos]);
        Check("Abs", t => t[0].Abs(), t => t[0].abs(), [x]);
        Check("Clamp", t => t[0].Clamp(-0.5f, 0.7f), t => t[0].clamp(-0.5f, 0.7f), [x]);
        Check("Clamp min", t => t[0].Clamp(min: 0.2f), t => t[0].clamp_min(0.2f), [x]);
        Check("Clamp max", t => t[0].Clamp(max: 0.2f), t => t[0].clamp_max(0.2f), [x]);
        Check("Sign", t => t[0].Sign(), t => t[0].sign(), [x.Detach()]);
        Check("Clone", t => t[0].Clone(), t => t[0].clone(), [x]);
    }

    public static TheoryData<int[], int[], bool> Reductions => new()
    {
        { [7], [0], false },
        { [3, 5], [1], true },
        { [3, 5], [0], false },
        { [2, 3, 4], [0, 2], false },
        { [2, 3, 4], [-1], true },
        { [4, 1, 5], [1], false },
        { [2, 3, 4, 5], [1, 3], true },
    };

    [Theory, MemberData(nameof(Reductions))]
    [Parity("Tensor.Sum", "Tensor.Mean", "Tensor.Max", "Tensor.Min", "Tensor.ArgMax", "Tensor.ArgMin")]
    public void Reduce(int[] shape, int[] dims, bool keepDim)
    {
        var g = G([.. shape, .. dims]);
        var x = Rand(g, shape);
        var longDims = dims.Select(d => (long)d).ToArray();
        Check("Sum all", t => t[0].Sum(), t => t[0].sum(), [x]);
        Check("Mean all", t => t[0].Mean(), t => t[0].mean(), [x]);
        Check("Max all", t => t[0].Max(), t => t[0].max(), [x]);
        Check("Min all", t => t[0].Min(), t => t[0].min(), [x]);
        Check("Sum dims", t => t[0].Sum(dims, keepDim), t => t[0].sum(longDims, keepDim), [x]);
        Check("Mean dims", t => t[0].Mean(dims, keepDim), t => t[0].mean(longDims, keepDim), [x]);
        int d0 = dims[0];
        Check("Max dim", t => t[0].Max(d0, keepDim), t => t[0].max(d0, keepDim).values, [x]);
        Check("Min dim", t => t[0].Min(d0, keepDim), t => t[0].min(d0, keepDim).values, [x]);
        using var scope = torch.NewDisposeScope();
        var tx = ToTorch(x);
        Assert.Equal(tx.argmax(d0, keepDim).data<long>().ToArray(), x.ArgMax(d0, keepDim).ToArray());
        Assert.Equal(tx.argmin(d0, keepDim).data<long>().ToArray(), x.ArgMin(d0, keepDim).ToArray());
        Assert.Equal(tx.argmax(d0, keepDim).shape.Select(s => (int)s), x.ArgMax(d0, keepDim).Shape);
        Assert.Equal(tx.argmax().data<long>().ToArray(), x.ArgMax().ToArray());
        Assert.Equal(tx.argmin().data<long>().ToArray(), x.ArgMin().ToArray());
    }

    [Fact]
    [Parity("Tensor.Sum")]
    public void LargeReductionWithinLooserTolerance()
    {
        var x = Rand(new Generator(3), [200, 300]);
        Check("Sum 60000", t => t[0].Sum(), t => t[0].sum(), [x], ReductionTolerance);
        Check("Sum rows", t => t[0].Sum(0), t => t[0].sum(new long[] { 0 }), [x], ReductionTolerance);
    }

    public static TheoryData<int[], int[]> MatMulPairs => new()
    {
        { [5], [5] },
        { [4], [4, 3] },
        { [3, 4], [4] },
        { [1, 1], [1, 1] },
        { [7, 31], [31, 33] },
        { [2, 3, 4], [4, 5] },
        { [3, 4], [2, 4, 5] },
        { [2, 1, 3, 4], [5, 4, 6] },
    };

    [Theory, MemberData(nameof(MatMulPairs))]
    [Parity("Tensor.MatMul")]
    public void MatMul(int[] a, int[] b)
    {
        var g = G([.. a, .. b]);
        Check("MatMul", t => t[0].MatMul(t[1]), t => torch.matmul(t[0], t[1]), [Rand(g, a), Rand(g, b)]);
    }

    [Theory, MemberData(nameof(BroadcastPairs))]
    [Parity("Tensor.Where", "Tensor.Eq", "Tensor.Ne", "Tensor.Lt", "Tensor.Le", "Tensor.Gt", "Tensor.Ge")]
    public void WhereAndComparisons(int[] a, int[] b)
    {
        var g = G([.. a, .. b]);
        var x = Rand(g, a);
        var y = Rand(g, b);
        var yRounded = Tensor.FromArray(y.ToArray().Select(v => MathF.Round(v)).ToArray(), y.Shape);
        var xRounded = Tensor.FromArray(x.ToArray().Select(v => MathF.Round(v)).ToArray(), x.Shape);
        var cond = x.Detach().Gt(0f);
        Check("Where", t => Tensor.Where(cond, t[0], t[1]), t => torch.where(ToTorch(cond).ne(0), t[0], t[1]), [x, y]);
        foreach (var (name, ours, theirs) in new (string, Func<Tensor, Tensor, Tensor>, Func<TT, TT, TT>)[]
        {
            ("Eq", (p, q) => p.Eq(q), (p, q) => p.eq(q)), ("Ne", (p, q) => p.Ne(q), (p, q) => p.ne(q)),
            ("Lt", (p, q) => p.Lt(q), (p, q) => p.lt(q)), ("Le", (p, q) => p.Le(q), (p, q) => p.le(q)),
            ("Gt", (p, q) => p.Gt(q), (p, q) => p.gt(q)), ("Ge", (p, q) => p.Ge(q), (p, q) => p.ge(q)),
        })
        {
            Check(name, t => ours(t[0], t[1]), t => theirs(t[0], t[1]).to(torch.float32), [xRounded, yRounded]);
        }
    }

    [Theory, MemberData(nameof(Shapes))]
    [Parity("Tensor.Reshape", "Tensor.View", "Tensor.Flatten", "Tensor.Unsqueeze", "Tensor.Squeeze", "Tensor.Permute", "Tensor.Transpose", "Tensor.Expand", "Tensor.T")]
    public void Layout(int[] shape)
    {
        var g = G(shape);
        var x = Rand(g, shape);
        Check("Reshape", t => t[0].Reshape(-1), t => t[0].reshape(-1), [x]);
        Check("View", t => t[0].View(1, -1), t => t[0].view(1, -1), [x]);
        Check("Flatten", t => t[0].Flatten(), t => t[0].flatten(), [x]);
        Check("Unsqueeze", t => t[0].Unsqueeze(1), t => t[0].unsqueeze(1), [x]);
        Check("Unsqueeze end", t => t[0].Unsqueeze(-1), t => t[0].unsqueeze(-1), [x]);
        Check("Squeeze", t => t[0].Squeeze(), t => t[0].squeeze(), [x]);
        var perm = Enumerable.Range(0, shape.Length).Reverse().ToArray();
        Check("Permute", t => t[0].Permute(perm), t => t[0].permute(perm.Select(p => (long)p).ToArray()), [x]);
        Check("Transpose", t => t[0].Transpose(0, -1), t => t[0].transpose(0, -1), [x]);
        var big = new[] { 3 }.Concat(shape).ToArray();
        Check("Expand", t => t[0].Expand(big), t => t[0].expand(big.Select(d => (long)d).ToArray()), [x]);
        if (shape.Length <= 2) Check("T", t => t[0].T, t => shape.Length == 2 ? t[0].t() : t[0], [x]);
    }

    [Fact]
    [Parity("Tensor.Slice", "Tensor.Narrow", "Tensor.Select", "Tensor.IndexSelect", "Tensor.Cat", "Tensor.Stack")]
    public void Indexing()
    {
        var g = G(5);
        var x = Rand(g, [5, 7, 3]);
        Check("Slice", t => t[0].Slice(1, 1, 6, 2), t => t[0].slice(1, 1, 6, 2), [x]);
        Check("Slice negative", t => t[0].Slice(0, -3, 5), t => t[0].slice(0, 2, 5, 1), [x]);
        Check("Narrow", t => t[0].Narrow(2, 1, 2), t => t[0].narrow(2, 1, 2), [x]);
        Check("Select", t => t[0].Select(1, -2), t => t[0].select(1, -2), [x]);
        int[] idx = [4, 0, 4, 2];
        Check("IndexSelect", t => t[0].IndexSelect(0, idx), t => t[0].index_select(0, torch.tensor(idx.Select(i => (long)i).ToArray())), [x]);
        var y = Rand(g, [5, 2, 3]);
        var z = Rand(g, [5, 7, 3]);
        Check("Cat", t => Tensor.Cat([t[0], t[1]], 1), t => torch.cat(new[] { t[0], t[1] }, 1), [x, y]);
        Check("Stack", t => Tensor.Stack([t[0], t[1]], -1), t => torch.stack(new[] { t[0], t[1] }, -1), [x, z]);
    }

    [Theory, MemberData(nameof(Shapes))]
    [Parity("Tensor.LogSoftmax", "Tensor.Softmax", "Tensor.LogSumExp")]
    public void Softmax(int[] shape)
    {
        var g = G(shape);
        var x = Rand(g, shape, low: -5f, high: 5f);
        Check("LogSoftmax", t => t[0].LogSoftmax(-1), t => t[0].log_softmax(-1), [x]);
        Check("Softmax", t => t[0].Softmax(0), t => t[0].softmax(0), [x]);
        Check("LogSumExp", t => t[0].LogSumExp(-1), t => t[0].logsumexp(-1), [x]);
        var extreme = Tensor.FromArray(x.ToArray().Select(v => v * 2000f).ToArray(), shape).RequireGrad();
        Check("LogSoftmax ±1e4", t => t[0].LogSoftmax(-1), t => t[0].log_softmax(-1), [extreme]);
    }
}

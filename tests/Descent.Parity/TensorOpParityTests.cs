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

    [Theory, MemberData(nameof(Reductions))]
    [Parity("Tensor.Amax", "Tensor.Amin")]
    public void AmaxAminSplitTiesAsLibtorch(int[] shape, int[] dims, bool keepDim)
    {
        var g = G([.. shape, .. dims, 7]);
        var longDims = dims.Select(d => (long)d).ToArray();
        // Whole numbers in [-2, 2]: most windows hold ties, whose gradient libtorch splits evenly.
        var ties = Tensor.FromArray(Rand(g, shape, requiresGrad: false).ToArray().Select(v => MathF.Round(v)).ToArray(), shape).RequireGrad();
        foreach (var x in new[] { Rand(g, shape), ties })
        {
            Check("Amax dims", t => t[0].Amax(dims, keepDim), t => t[0].amax(longDims, keepDim), [x]);
            Check("Amin dims", t => t[0].Amin(dims, keepDim), t => t[0].amin(longDims, keepDim), [x]);
            Check("Amax one dim", t => t[0].Amax(dims[0], keepDim), t => t[0].amax([dims[0]], keepDim), [x]);
            Check("Amin one dim", t => t[0].Amin(dims[0], keepDim), t => t[0].amin([dims[0]], keepDim), [x]);
            Check("Amax all", t => t[0].Amax([]), t => t[0].amax([]), [x]);
            Check("Amin all", t => t[0].Amin([]), t => t[0].amin([]), [x]);
        }
    }

    [Fact]
    [Parity("Tensor.Sum")]
    public void LargeReductionWithinLooserTolerance()
    {
        var x = Rand(new Generator(3), [200, 300]);
        Check("Sum 60000", t => t[0].Sum(), t => t[0].sum(), [x], ReductionTolerance);
        Check("Sum rows", t => t[0].Sum(0), t => t[0].sum(new long[] { 0 }), [x], ReductionTolerance);
    }

    [Theory, MemberData(nameof(Shapes))]
    [Parity("Tensor.RSqrt", "Tensor.Erf")]
    public void RSqrtAndErf(int[] shape)
    {
        var g = G([.. shape, 5]);
        var x = Rand(g, shape, low: -3f, high: 3f);
        var pos = Rand(g, shape, low: 0.1f, high: 3f);
        Check("RSqrt", t => t[0].RSqrt(), t => torch.rsqrt(t[0]), [pos]);
        Check("Erf", t => t[0].Erf(), t => t[0].erf(), [x]);
        Check("Erf special", t => t[0].Erf(), t => torch.special.erf(t[0]), [x]);
        var edges = Tensor.FromArray([0f, -1f, float.PositiveInfinity, 1e-30f, 1e30f]).RequireGrad();
        Check("RSqrt edges", t => t[0].RSqrt(), t => torch.rsqrt(t[0]), [edges]);
        Check("Erf edges", t => t[0].Erf(), t => t[0].erf(), [Tensor.FromArray([0f, 1e-20f, -5f, 10f, float.NegativeInfinity]).RequireGrad()]);
    }

    public static TheoryData<int[], int[]?, int, bool> Deviations => new()
    {
        { [7], null, 1, false },
        { [33, 31], null, 0, false },
        { [3, 5], [1], 1, true },
        { [3, 5], [0], 0, false },
        { [2, 3, 4], [0, 2], 1, false },
        { [2, 3, 4], [-1], 2, true },
        { [4, 1, 5], [1], 0, false },
        { [2, 3, 4, 5], [3, 1], 1, true },
        { [2, 3, 4, 5], [1, 2], -1, false },
        { [1], null, 0, false },
    };

    [Theory, MemberData(nameof(Deviations))]
    [Parity("Tensor.Var", "Tensor.Std")]
    public void VarAndStd(int[] shape, int[]? dims, int correction, bool keepDim)
    {
        var g = G([.. shape, .. dims ?? [], correction]);
        var x = Rand(g, shape);
        Check("Var", t => t[0].Var(dims, correction, keepDim), t => TorchDeviation(t[0], dims, correction, keepDim, std: false), [x]);
        Check("Std", t => t[0].Std(dims, correction, keepDim), t => TorchDeviation(t[0], dims, correction, keepDim, std: true), [x]);
        if (dims is [int d])
        {
            Check("Var dim", t => t[0].Var(d, correction, keepDim), t => TorchDeviation(t[0], dims, correction, keepDim, std: false), [x]);
            Check("Std dim", t => t[0].Std(d, correction, keepDim), t => TorchDeviation(t[0], dims, correction, keepDim, std: true), [x]);
        }
    }

    // TorchSharp 0.107 exposes only unbiased (correction 1) or not (0), and its all-element var(bool)
    // ignores the flag, so all elements are passed as every dimension. Any other correction is the
    // population variance rescaled by N / (N − correction), libtorch's formula while N > correction.
    private static TT TorchDeviation(TT x, int[]? dims, int correction, bool keepDim, bool std)
    {
        long[] over = dims?.Select(d => (long)d).ToArray() ?? AllDims(x);
        if (correction is 0 or 1)
            return std ? x.std(over, correction == 1, keepDim) : x.var(over, correction == 1, keepDim);
        long n = over.Aggregate(1L, (a, d) => a * x.shape[d < 0 ? d + x.dim() : d]);
        var variance = x.var(over, false, keepDim).mul((double)n / (n - correction));
        return std ? variance.sqrt() : variance;
    }

    private static long[] AllDims(TT x) => Enumerable.Range(0, (int)x.dim()).Select(d => (long)d).ToArray();

    [Fact]
    [Parity("Tensor.Var", "Tensor.Std")]
    public void VarAndStdEdgeCases()
    {
        var single = Tensor.FromArray([3f]).RequireGrad();
        var column = Tensor.FromArray([1f, 2f], 2, 1).RequireGrad();
        var constant = Tensor.FromArray([1f, 2f, 3f, 2f, 2f, 2f], 2, 3).RequireGrad();
        foreach (bool unbiased in new[] { false, true })
        {
            int c = unbiased ? 1 : 0;
            Check($"Var single {c}", t => t[0].Var(correction: c), t => t[0].var(AllDims(t[0]), unbiased, false), [single]);
            Check($"Std single {c}", t => t[0].Std(correction: c), t => t[0].std(AllDims(t[0]), unbiased, false), [single]);
            Check($"Var column {c}", t => t[0].Var(1, c), t => t[0].var(1, unbiased, false), [column]);
            Check($"Std column {c}", t => t[0].Std(1, c, keepDim: true), t => t[0].std(1, unbiased, true), [column]);
            Check($"Std constant row {c}", t => t[0].Std(1, c), t => t[0].std(1, unbiased, false), [constant]);
            Check($"Std constant all {c}", t => t[0].Std([0, 1], c), t => t[0].std(new long[] { 0, 1 }, unbiased, false), [constant]);
            // libtorch reduces dim=[] over all elements forward, but its backward divides by 1 − correction
            // instead of N − correction (its size of the empty dim list); Descent's gradient is that of the
            // forward (GradCheck proves it), so only the values are compared.
            Check($"Var empty dims {c}", t => t[0].Var([], c), t => t[0].var(Array.Empty<long>(), unbiased, false), [constant.Detach()]);
        }
    }

    [Theory]
    [InlineData(new[] { 1 }, 0)]
    [InlineData(new[] { 7 }, -1)]
    [InlineData(new[] { 3, 5 }, 0)]
    [InlineData(new[] { 3, 5 }, 1)]
    [InlineData(new[] { 2, 1, 4 }, 1)]
    [InlineData(new[] { 2, 3, 4, 5 }, -2)]
    [InlineData(new[] { 1000 }, 0)]
    [Parity("Tensor.Cumsum")]
    public void Cumsum(int[] shape, int dim)
    {
        var x = Rand(G([.. shape, dim]), shape);
        Check("Cumsum", t => t[0].Cumsum(dim), t => t[0].cumsum(dim), [x]);
    }

    [Theory]
    [InlineData(new[] { 1, 1 }, 0)]
    [InlineData(new[] { 4, 4 }, 0)]
    [InlineData(new[] { 3, 5 }, 1)]
    [InlineData(new[] { 5, 3 }, -1)]
    [InlineData(new[] { 2, 6, 6 }, 0)]
    [InlineData(new[] { 2, 1, 3, 4 }, -2)]
    [InlineData(new[] { 4, 4 }, 9)]
    [InlineData(new[] { 4, 4 }, -9)]
    [Parity("Tensor.Tril", "Tensor.Triu")]
    public void TrilAndTriu(int[] shape, int diagonal)
    {
        var x = Rand(G([.. shape, diagonal]), shape);
        Check("Tril", t => t[0].Tril(diagonal), t => t[0].tril(diagonal), [x]);
        Check("Triu", t => t[0].Triu(diagonal), t => t[0].triu(diagonal), [x]);
        Check("Tril default", t => t[0].Tril(), t => t[0].tril(), [x]);
        Check("Triu default", t => t[0].Triu(), t => t[0].triu(), [x]);
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

    // Logical shapes op(A)·op(B): batch ranks 3 and 4, broadcast batches, size-1 dimensions, a 1-D operand.
    public static TheoryData<int[], int[]> TransposedMatMulPairs => new()
    {
        { [2, 3, 4], [2, 4, 5] },
        { [2, 1, 3, 4], [5, 4, 6] },
        { [2, 3, 5, 7], [7, 6] },
        { [3, 1, 7], [1, 7, 1] },
        { [7, 31], [31, 33] },
        { [3], [2, 3, 4] },
        { [2, 3, 4], [4] },
    };

    [Theory, MemberData(nameof(TransposedMatMulPairs))]
    [Parity("Tensor.MatMul")]
    public void MatMulTransposed(int[] a, int[] b)
    {
        static int[] Swap(int[] s) => [.. s[..^2], s[^1], s[^2]];
        var g = G([.. a, .. b, 1]);
        foreach (var (ta, tb) in new[] { (true, false), (false, true), (true, true) })
        {
            if ((ta && a.Length < 2) || (tb && b.Length < 2)) continue;
            var x = Rand(g, ta ? Swap(a) : a);
            var y = Rand(g, tb ? Swap(b) : b);
            Check($"MatMul(transposeA: {ta}, transposeB: {tb})", t => t[0].MatMul(t[1], ta, tb),
                t => torch.matmul(ta ? t[0].transpose(-2, -1) : t[0], tb ? t[1].transpose(-2, -1) : t[1]), [x, y]);
        }
    }

    [Theory, MemberData(nameof(BroadcastPairs))]
    [Parity("Tensor.Where", "Tensor.MaskedFill", "Tensor.Eq", "Tensor.Ne", "Tensor.Lt", "Tensor.Le", "Tensor.Gt", "Tensor.Ge")]
    public void WhereMaskedFillAndComparisons(int[] a, int[] b)
    {
        var g = G([.. a, .. b]);
        var x = Rand(g, a);
        var y = Rand(g, b);
        var yRounded = Tensor.FromArray(y.ToArray().Select(v => MathF.Round(v)).ToArray(), y.Shape);
        var xRounded = Tensor.FromArray(x.ToArray().Select(v => MathF.Round(v)).ToArray(), x.Shape);
        var cond = x.Detach().Gt(0f);
        Check("Where", t => Tensor.Where(cond, t[0], t[1]), t => torch.where(ToTorch(cond), t[0], t[1]), [x, y]);
        var mask = y.Detach().Lt(0.5f);
        Check("MaskedFill", t => t[0].MaskedFill(mask, -3.5f), t => t[0].masked_fill(ToTorch(mask), -3.5f), [x]);
        Check("MaskedFill -inf", t => t[0].MaskedFill(mask, float.NegativeInfinity).Exp(), t => t[0].masked_fill(ToTorch(mask), float.NegativeInfinity).exp(), [x]);
        using var scope = torch.NewDisposeScope();
        var (tx, ty) = (ToTorch(xRounded), ToTorch(yRounded));
        foreach (var (name, ours, theirs) in new (string, Func<Tensor, Tensor, BoolTensor>, Func<TT, TT, TT>)[]
        {
            ("Eq", (p, q) => p.Eq(q), (p, q) => p.eq(q)), ("Ne", (p, q) => p.Ne(q), (p, q) => p.ne(q)),
            ("Lt", (p, q) => p.Lt(q), (p, q) => p.lt(q)), ("Le", (p, q) => p.Le(q), (p, q) => p.le(q)),
            ("Gt", (p, q) => p.Gt(q), (p, q) => p.gt(q)), ("Ge", (p, q) => p.Ge(q), (p, q) => p.ge(q)),
        })
        {
            var want = theirs(tx, ty);
            var got = ours(xRounded, yRounded);
            Assert.True(want.shape.SequenceEqual(got.Shape.Select(d => (long)d)), $"{name}: shape");
            Assert.True(want.data<bool>().ToArray().SequenceEqual(got.ToArray()), $"{name}: masks differ");
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
        var ids = IntTensor.FromArray([2L, 6, 2, 0, 5]);
        Check("IndexSelect IntTensor", t => t[0].IndexSelect(1, ids), t => t[0].index_select(1, ToTorch(ids)), [x]);
        Check("IndexSelect IntTensor last dim", t => t[0].IndexSelect(-1, IntTensor.Scalar(1)), t => t[0].index_select(-1, torch.tensor(1L)), [x]);
        var y = Rand(g, [5, 2, 3]);
        var z = Rand(g, [5, 7, 3]);
        Check("Cat", t => Tensor.Cat([t[0], t[1]], 1), t => torch.cat(new[] { t[0], t[1] }, 1), [x, y]);
        Check("Stack", t => Tensor.Stack([t[0], t[1]], -1), t => torch.stack(new[] { t[0], t[1] }, -1), [x, z]);
    }

    [Fact]
    [Parity("Tensor.Flatten", "Tensor.Expand")]
    public void FlattenRangesAndExpandKeepingSizes()
    {
        var g = G(41);
        var x = Rand(g, [2, 3, 1, 4]);
        Check("Flatten 1..2", t => t[0].Flatten(1, 2), t => t[0].flatten(1, 2), [x]);
        Check("Flatten -3..-1", t => t[0].Flatten(-3, -1), t => t[0].flatten(-3, -1), [x]);
        Check("Flatten 2..2", t => t[0].Flatten(2, 2), t => t[0].flatten(2, 2), [x]);
        var s = Rand(g, []);
        Check("Flatten 0-d", t => t[0].Flatten(), t => t[0].flatten(), [s]);
        var y = Rand(g, [3, 1]);
        Check("Expand -1", t => t[0].Expand(2, -1, 4), t => t[0].expand(2, -1, 4), [y]);
        Check("Expand -1 -1", t => t[0].Expand(-1, -1), t => t[0].expand(-1, -1), [y]);
    }

    [Theory]
    [InlineData(new[] { 7, 3 }, 3, 0)]
    [InlineData(new[] { 2, 6 }, 4, -1)]
    [InlineData(new[] { 5, 1 }, 2, 1)]
    [InlineData(new[] { 2, 5, 3 }, 5, -2)]
    [InlineData(new[] { 1, 4 }, 2, 0)]
    [Parity("Tensor.Chunk")]
    public void Chunk(int[] shape, int chunks, int dim)
    {
        var x = Rand(G([.. shape, chunks, dim]), shape);
        CheckPieces($"Chunk({chunks}, {dim})", t => t[0].Chunk(chunks, dim), t => t[0].chunk(chunks, dim), [x]);
    }

    [Fact]
    [Parity("Tensor.Split")]
    public void Split()
    {
        var g = G(43);
        var x = Rand(g, [3, 5, 2]);
        CheckPieces("Split(2, 1)", t => t[0].Split(2, 1), t => t[0].split(2, 1), [x]);
        CheckPieces("Split(2, -1)", t => t[0].Split(2, -1), t => t[0].split(2, -1), [x]);
        CheckPieces("Split(4)", t => t[0].Split(4), t => t[0].split(4, 0), [x]);
        CheckPieces("Split([1, 0, 4], 1)", t => t[0].Split([1, 0, 4], 1), t => t[0].split([1L, 0L, 4L], 1), [x]);
        CheckPieces("Split([2, 1], 0)", t => t[0].Split([2, 1]), t => t[0].split([2L, 1L], 0), [x]);
    }

    [Theory]
    [InlineData(new[] { 2, 3 }, new[] { 2, 1 })]
    [InlineData(new[] { 3 }, new[] { 2, 1, 3 })]
    [InlineData(new[] { 2, 1, 4 }, new[] { 1, 3, 2 })]
    [InlineData(new[] { 1 }, new[] { 5 })]
    [InlineData(new int[0], new[] { 2, 3 })]
    [Parity("Tensor.Repeat")]
    public void Repeat(int[] shape, int[] repeats)
    {
        var x = Rand(G([.. shape, .. repeats]), shape);
        Check($"Repeat([{string.Join(", ", repeats)}])", t => t[0].Repeat(repeats), t => t[0].repeat(repeats.Select(r => (long)r).ToArray()), [x]);
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

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Descent.Tests.Kernels;

namespace Descent.Tests.Ops;

/// <summary>A shape and a seed for its values.</summary>
public sealed record ShapeCase(int[] Shape, int Seed)
{
    public Tensor Values() => Tensor.Randn(Shape, new Generator((ulong)Seed));
    public override string ToString() => $"{Descent.Shape.Format(Shape)} seed {Seed}";
}

/// <summary>Two broadcast-compatible shapes and a seed.</summary>
public sealed record BroadcastCase(int[] A, int[] B, int Seed)
{
    public override string ToString() => $"{Shape.Format(A)} vs {Shape.Format(B)} seed {Seed}";
}

public static class ShapeArbitraries
{
    private static Gen<int[]> Shapes(int maxRank) =>
        from rank in Gen.Choose(0, maxRank)
        from dims in Gen.ArrayOf(Gen.Choose(1, 5), rank)
        select dims;

    public static Arbitrary<ShapeCase> ShapeCase() =>
        (from shape in Shapes(4) from seed in Gen.Choose(0, 10_000) select new ShapeCase(shape, seed)).ToArbitrary();

    public static Arbitrary<BroadcastCase> BroadcastCase() =>
        (from outShape in Shapes(4)
         from dropA in Gen.Choose(0, outShape.Length)
         from dropB in Gen.Choose(0, outShape.Length)
         from onesA in Gen.ArrayOf(Gen.Elements(true, false, false), outShape.Length)
         from onesB in Gen.ArrayOf(Gen.Elements(true, false, false), outShape.Length)
         from seed in Gen.Choose(0, 10_000)
         select new BroadcastCase(
             outShape.Select((d, i) => onesA[i] ? 1 : d).Skip(dropA).ToArray(),
             outShape.Select((d, i) => onesB[i] ? 1 : d).Skip(dropB).ToArray(),
             seed)).ToArbitrary();
}

[Properties(Arbitrary = [typeof(ShapeArbitraries)], MaxTest = 100)]
public class PropertyTests
{
    private static (Tensor A, Tensor B) Operands(BroadcastCase c)
    {
        var g = new Generator((ulong)c.Seed);
        return (Tensor.Randn(c.A, g), Tensor.Randn(c.B, g));
    }

    [Property]
    public bool AddAndMulCommuteUnderBroadcasting(BroadcastCase c)
    {
        var (a, b) = Operands(c);
        return (a + b).Shape.SequenceEqual((b + a).Shape)
            && (a + b).ToArray().SequenceEqual((b + a).ToArray())
            && (a * b).ToArray().SequenceEqual((b * a).ToArray());
    }

    [Property]
    public bool BroadcastOpsMatchTheReference(BroadcastCase c)
    {
        var (a, b) = Operands(c);
        var want = Reference.Broadcast(a.ToArray(), c.A, b.ToArray(), c.B, (x, y) => x - y, out var shape);
        var got = a - b;
        return got.Shape.SequenceEqual(shape) && got.ToArray().SequenceEqual(want);
    }

    [Property]
    public bool BroadcastGradientsSumBackToEachInput(BroadcastCase c)
    {
        var (a, b) = Operands(c);
        a.RequireGrad();
        b.RequireGrad();
        var outShape = Shape.Broadcast("test", c.A, c.B);
        var seed = Tensor.Randn(outShape, new Generator((ulong)c.Seed + 1));
        (a * b).Backward(seed);
        // d(a·b)/da · seed = seed · b, summed over the dimensions a was broadcast along.
        var seedTimesB = Reference.Broadcast(seed.ToArray(), outShape, b.ToArray(), c.B, (s, y) => s * y, out _);
        var seedTimesA = Reference.Broadcast(seed.ToArray(), outShape, a.ToArray(), c.A, (s, x) => s * x, out _);
        return Close(a.Grad!, c.A, Reference.SumTo(seedTimesB, outShape, c.A))
            && Close(b.Grad!, c.B, Reference.SumTo(seedTimesA, outShape, c.B));
    }

    private static bool Close(Tensor got, int[] shape, float[] want) =>
        got.Shape.SequenceEqual(shape) && got.ToArray().Zip(want).All(p => Math.Abs(p.First - p.Second) <= 1e-4f * (1 + Math.Abs(p.Second)));

    [Property]
    public bool SumOverAllDimsEqualsSum(ShapeCase c)
    {
        var x = c.Values();
        var dims = Enumerable.Range(0, x.Rank).ToArray();
        float all = x.Sum().Item();
        var byDims = x.Sum(dims);
        var kept = x.Sum(dims, keepDim: true);
        return byDims.Rank == 0 && kept.Shape.All(d => d == 1) && kept.Rank == x.Rank
            && Math.Abs(byDims.Item() - all) <= 1e-4f * (1 + Math.Abs(all))
            && Math.Abs(kept.Item() - all) <= 1e-4f * (1 + Math.Abs(all));
    }

    [Property]
    public bool ReshapeRoundTripsAndSharesStorage(ShapeCase c)
    {
        var x = c.Values();
        var flat = x.Reshape(-1);
        var back = flat.Reshape(c.Shape);
        if (!back.Shape.SequenceEqual(c.Shape) || !back.ToArray().SequenceEqual(x.ToArray())) return false;
        flat.DataSpan.Fill(3f);
        return x.ToArray().All(v => v == 3f);
    }

    [Property]
    public bool PermuteThenInverseIsIdentity(ShapeCase c)
    {
        var x = c.Values();
        var perm = new Generator((ulong)c.Seed).Permutation(x.Rank);
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return x.Permute(perm).Permute(inverse).ToArray().SequenceEqual(x.ToArray());
    }

    [Property]
    public bool MeanIsSumOverCount(ShapeCase c)
    {
        var x = c.Values();
        if (x.Rank == 0) return x.Mean(0).Item() == x.Item();
        var m = x.Mean(-1, keepDim: true);
        var s = x.Sum(-1, keepDim: true) / x.Size(-1);
        return m.ToArray().Zip(s.ToArray()).All(p => Math.Abs(p.First - p.Second) <= 1e-6f * (1 + Math.Abs(p.Second)));
    }

    [Property]
    public bool SoftmaxRowsSumToOne(ShapeCase c)
    {
        var x = c.Values() * 5f;
        if (x.Rank == 0) return true;
        return x.Softmax(-1).Sum(-1).ToArray().All(v => Math.Abs(v - 1f) < 1e-5f);
    }
}

using Descent.Kernels;

namespace Descent.Tests.Kernels;

public class BinaryKernelTests
{
    private static float[] Run<TOp>(float[] a, int[] aShape, float[] b, int[] bShape, int[] outShape) where TOp : IBinaryOp
    {
        var d = new float[Shape.Numel(outShape)];
        BinaryKernel.Run<TOp>(a, aShape, b, bShape, d, outShape);
        return d;
    }

    private static bool[] Compare<TRel>(float[] a, int[] aShape, float[] b, int[] bShape, int[] outShape) where TRel : IElementOp<float, float, bool>
    {
        var d = new bool[Shape.Numel(outShape)];
        ElementwiseKernel.Broadcast<float, float, bool, TRel>(a, aShape, b, bShape, d, outShape);
        return d;
    }

    [Fact]
    public void MatchesTheReferenceOnRandomShapes()
    {
        var g = new Generator(2024);
        for (int trial = 0; trial < 300; trial++)
        {
            var (aShape, bShape) = Reference.RandomBroadcastPair(g);
            var a = Reference.RandomData(g, Shape.Numel(aShape));
            var b = Reference.RandomData(g, Shape.Numel(bShape));
            string label = $"{Shape.Format(aShape)} vs {Shape.Format(bShape)}";
            var want = Reference.Broadcast(a, aShape, b, bShape, (x, y) => x + y, out var outShape);
            Assert.True(want.SequenceEqual(Run<AddOp>(a, aShape, b, bShape, outShape)), "Add " + label);
            want = Reference.Broadcast(a, aShape, b, bShape, (x, y) => x - y, out _);
            Assert.True(want.SequenceEqual(Run<SubOp>(a, aShape, b, bShape, outShape)), "Sub " + label);
            want = Reference.Broadcast(a, aShape, b, bShape, (x, y) => x * y, out _);
            Assert.True(want.SequenceEqual(Run<MulOp>(a, aShape, b, bShape, outShape)), "Mul " + label);
            want = Reference.Broadcast(a, aShape, b, bShape, (x, y) => x / y, out _);
            Assert.True(want.SequenceEqual(Run<DivOp>(a, aShape, b, bShape, outShape)), "Div " + label);
            want = Reference.Broadcast(a, aShape, b, bShape, MathF.Max, out _);
            Assert.True(want.SequenceEqual(Run<MaxOp>(a, aShape, b, bShape, outShape)), "Max " + label);
            want = Reference.Broadcast(a, aShape, b, bShape, MathF.Min, out _);
            Assert.True(want.SequenceEqual(Run<MinOp>(a, aShape, b, bShape, outShape)), "Min " + label);
            want = Reference.Broadcast(a, aShape, b, bShape, (x, y) => x < y ? 1f : 0f, out _);
            Assert.True(want.SequenceEqual(Compare<Lt>(a, aShape, b, bShape, outShape).Select(m => m ? 1f : 0f)), "Lt " + label);
        }
    }

    [Theory]
    [InlineData(new[] { 3, 1, 4 }, new[] { 5, 4 })]
    [InlineData(new[] { 1 }, new[] { 2, 3 })]
    [InlineData(new[] { 7, 1 }, new[] { 1, 31 })]
    [InlineData(new[] { 2, 1, 3, 1 }, new[] { 1, 4, 1, 5 })]
    [InlineData(new[] { 33 }, new[] { 33 })]
    [InlineData(new int[0], new[] { 4 })]
    [InlineData(new[] { 0, 3 }, new[] { 1, 3 })]
    public void NamedCasesMatchTheReference(int[] aShape, int[] bShape)
    {
        var g = new Generator(5);
        var a = Reference.RandomData(g, Shape.Numel(aShape));
        var b = Reference.RandomData(g, Shape.Numel(bShape));
        var want = Reference.Broadcast(a, aShape, b, bShape, (x, y) => x * y - y, out var outShape);
        var prod = Run<MulOp>(a, aShape, b, bShape, outShape);
        var bb = new float[prod.Length];
        BinaryKernel.BroadcastCopy(b, bShape, bb, outShape);
        var got = new float[prod.Length];
        BinaryKernel.Run<SubOp>(prod, outShape, bb, outShape, got, outShape);
        Assert.Equal(want, got);
    }

    [Fact]
    public void BroadcastCopyMatchesTheReference()
    {
        var g = new Generator(77);
        for (int trial = 0; trial < 100; trial++)
        {
            var (src, _) = Reference.RandomBroadcastPair(g);
            var target = Shape.Broadcast("test", src, [2, .. Enumerable.Repeat(1, src.Length)]);
            var data = Reference.RandomData(g, Shape.Numel(src));
            var want = Reference.Broadcast(data, src, new float[Shape.Numel(target)], target, (x, _) => x, out _);
            var got = new float[Shape.Numel(target)];
            BinaryKernel.BroadcastCopy(data, src, got, target);
            Assert.Equal(want, got);
        }
    }

    [Fact]
    public void ComparisonsGiveMasks()
    {
        float[] a = [1, 2, float.NaN], b = [2, 2, 2];
        Assert.Equal(new[] { false, true, false }, Compare<Eq>(a, [3], b, [3], [3]));
        Assert.Equal(new[] { false, true, false }, Compare<Ge>(a, [3], [2f], [1], [3]));
        Assert.Equal(new[] { true, false, true }, Compare<Ne>([2f], [], a, [3], [3]));
        Assert.Equal(new[] { true, true, false }, Compare<Le>(a, [3], b, [3], [3]));
        Assert.Equal(new[] { true, false, false }, Compare<Gt>(b, [3], a, [3], [3]));
    }

    // RunNew's loop for tensors under one vector against TensorPrimitives (Run, destination apart), bit for bit, on the
    // values where Max and Min have rules of their own (NaN, signed zeros, infinities) and on ordinary ones.
    [Fact]
    public void SmallLoopMatchesTheVectorPathBitForBit()
    {
        float[] specials = [float.NaN, -0f, 0f, float.PositiveInfinity, float.NegativeInfinity, 1f, -1f, 3.5e-39f, float.MaxValue, 1e-7f, 2.5f];
        var g = new Generator(17);
        for (int n = 1; n <= BinaryKernel.SmallLength; n++)
        {
            for (int trial = 0; trial < 60; trial++)
            {
                var a = new float[n];
                var b = new float[n];
                var r = Reference.RandomData(g, 2 * n);
                for (int i = 0; i < n; i++)
                {
                    a[i] = trial % 2 == 0 ? specials[(trial + 3 * i) % specials.Length] : r[i];
                    b[i] = trial % 3 == 0 ? specials[(trial / 3 + 5 * i) % specials.Length] : r[n + i];
                }
                SameBits<AddOp>(a, b);
                SameBits<SubOp>(a, b);
                SameBits<MulOp>(a, b);
                SameBits<DivOp>(a, b);
                SameBits<MaxOp>(a, b);
                SameBits<MinOp>(a, b);
            }
        }
    }

    private static void SameBits<TOp>(float[] a, float[] b) where TOp : IBinaryOp
    {
        int[] shape = [a.Length];
        var small = new float[a.Length];
        BinaryKernel.RunNew<TOp>(a, shape, b, shape, small, shape);
        var vector = new float[a.Length];
        TOp.Apply(a, b, vector);
        for (int i = 0; i < a.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(vector[i]) == BitConverter.SingleToInt32Bits(small[i]),
                $"{typeof(TOp).Name}({a[i]}, {b[i]}) at {i} of {a.Length}: loop {small[i]}, vector {vector[i]}");
    }
}

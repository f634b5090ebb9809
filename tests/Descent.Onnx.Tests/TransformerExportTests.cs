using Descent.IO.Onnx;
using Descent.Nn;

namespace Descent.Onnx.Tests;

// Attention calls with several inputs and masks (OnnxExport.ToBytes with an OnnxAttentionCall), run in ONNX
// Runtime against the module's own Forward with the same inputs and masks, in eval mode.
public class TransformerExportTests
{
    private const string Input = OnnxExport.InputName;

    private static Tensor Random(int[] shape, int seed, float scale = 1f) => Tensor.Randn(shape, new Generator((ulong)seed)) * scale;

    // Each row pads a different number of trailing keys, never all of them (a fully masked row has no Softmax).
    private static BoolTensor Padding(int n, int s, int seed)
    {
        var data = new bool[n * s];
        for (int b = 0; b < n; b++)
        {
            int length = 1 + (b * 3 + seed) % s;
            for (int j = length; j < s; j++) data[b * s + j] = true;
        }
        return BoolTensor.FromArray(data, [n, s]);
    }

    private static BoolTensor Causal(int l, int s) => Tensor.Ones(l, s).Triu(1).Bool();

    // Shape [L, N, E] or [N, L, E].
    private static int[] Layout(bool batchFirst, int n, int l, int e) => batchFirst ? [n, l, e] : [l, n, e];

    private static void RandomizeNorms(Module m, int seed)
    {
        foreach (var norm in m.NamedModules().Select(c => c.Module).OfType<LayerNorm>()) OnnxCheck.RandomizeNorm(norm, seed++);
    }

    private static TransformerDecoderLayer DecoderLayer(string activation, bool batchFirst, bool normFirst, int seed = 60)
    {
        var layer = new TransformerDecoderLayer(8, 2, 16, dropout: 0.2f, activation: activation, batchFirst: batchFirst, normFirst: normFirst,
            generator: new Generator((ulong)seed));
        RandomizeNorms(layer, seed + 1);
        foreach (var mha in new[] { layer.SelfAttn, layer.MultiheadAttn })
            Tensor.Randn([24], new Generator((ulong)seed + 2)).Data.CopyTo(mha.InProjBias!.DataSpan);
        layer.Eval();
        return layer;
    }

    private static Tensor Decode(Module m, Tensor tgt, Tensor memory, BoolTensor? tgtMask = null, BoolTensor? memoryMask = null,
        BoolTensor? tgtPadding = null, BoolTensor? memoryPadding = null)
    {
        using var _ = Autograd.NoGrad();
        return m switch
        {
            TransformerDecoderLayer l => l.Forward(tgt, memory, tgtMask, memoryMask, tgtPadding, memoryPadding),
            TransformerDecoder d => d.Forward(tgt, memory, tgtMask, memoryMask, tgtPadding, memoryPadding),
            _ => throw new ArgumentException($"not a decoder: {m.GetType().Name}"),
        };
    }

    [Theory]
    [InlineData("relu", false, false)]
    [InlineData("relu", true, true)]
    [InlineData("gelu", false, true)]
    [InlineData("gelu", true, false)]
    public void DecoderLayerMatches(string activation, bool batchFirst, bool normFirst)
    {
        var layer = DecoderLayer(activation, batchFirst, normFirst);
        int[] tgt = Layout(batchFirst, 2, 5, 8), memory = Layout(batchFirst, 2, 7, 8);
        // −1 first: the batch when batch-first, else the target's and memory's lengths, each its own symbol.
        var bytes = OnnxExport.ToBytes(layer, [-1, .. tgt[1..]], new OnnxAttentionCall { MemoryShape = [-1, .. memory[1..]] });
        foreach (int size in new[] { 2, 4 })
        {
            int[] t = [size, .. tgt[1..]], mem = [batchFirst ? size : size + 3, .. memory[1..]];
            var (x, y) = (Random(t, size, 2f), Random(mem, size + 10));
            OnnxCheck.OutputsMatch(bytes, [(Input, x), (OnnxExport.MemoryName, y)], Decode(layer, x, y));
        }
    }

    [Theory]
    [InlineData(false, "input_length", "memory_length")]
    [InlineData(true, "batch", "batch")]
    public void SymbolicSizesAreNamedByWhatTheyAre(bool batchFirst, string tgtSymbol, string memorySymbol)
    {
        var layer = new TransformerDecoderLayer(8, 2, 16, batchFirst: batchFirst, generator: new Generator(77));
        int[] shape = batchFirst ? [-1, 4, 8] : [-1, 2, 8];
        var bytes = OnnxExport.ToBytes(layer, shape, new OnnxAttentionCall { MemoryShape = shape, MemoryKeyPaddingMask = true });
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(bytes);
        Assert.Equal([Input, OnnxExport.MemoryName, OnnxExport.MemoryKeyPaddingMaskName], session.InputNames);
        Assert.Equal(tgtSymbol, session.InputMetadata[Input].SymbolicDimensions[0]);
        Assert.Equal(memorySymbol, session.InputMetadata[OnnxExport.MemoryName].SymbolicDimensions[0]);
        // The padding mask [N, S] shares the memory's symbols: the batch first, or the memory's length second.
        var padding = session.InputMetadata[OnnxExport.MemoryKeyPaddingMaskName];
        Assert.Equal(typeof(bool), padding.ElementType);
        Assert.Equal(memorySymbol, padding.SymbolicDimensions[batchFirst ? 0 : 1]);
        Assert.Equal(tgtSymbol, session.OutputMetadata[OnnxExport.OutputName].SymbolicDimensions[0]);
    }

    [Fact]
    public void UnbatchedDecoderLayerMatches()
    {
        var layer = DecoderLayer("relu", false, false, seed: 61);
        var bytes = OnnxExport.ToBytes(layer, [4, 8], new OnnxAttentionCall { MemoryShape = [6, 8], Causal = true, MemoryKeyPaddingMask = true });
        var (x, y) = (Random([4, 8], 1), Random([6, 8], 2));
        var padding = Padding(1, 6, 2).Reshape(6);
        OnnxCheck.OutputsMatch(bytes, [(Input, x), (OnnxExport.MemoryName, y), (OnnxExport.MemoryKeyPaddingMaskName, padding)],
            Decode(layer, x, y, tgtMask: Causal(4, 4), memoryPadding: padding));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void DecoderStackMatches(bool batchFirst, bool finalNorm)
    {
        var layer = DecoderLayer("gelu", batchFirst, normFirst: finalNorm, seed: 62);
        var decoder = new TransformerDecoder(layer, 3, finalNorm ? new LayerNorm(8) : null);
        RandomizeNorms(decoder, 63);
        decoder.Eval();
        int[] tgt = Layout(batchFirst, 3, 4, 8), memory = Layout(batchFirst, 3, 6, 8);
        var bytes = OnnxExport.ToBytes(decoder, tgt, new OnnxAttentionCall { MemoryShape = memory, Causal = true, KeyPaddingMask = true, MemoryKeyPaddingMask = true });
        var (x, y) = (Random(tgt, 3), Random(memory, 4));
        var (tgtPadding, memoryPadding) = (Padding(3, 4, 1), Padding(3, 6, 2));
        OnnxCheck.OutputsMatch(bytes,
            [(Input, x), (OnnxExport.MemoryName, y), (OnnxExport.KeyPaddingMaskName, tgtPadding), (OnnxExport.MemoryKeyPaddingMaskName, memoryPadding)],
            Decode(decoder, x, y, Causal(4, 4), null, tgtPadding, memoryPadding));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void EncoderStackMatches(bool batchFirst, bool finalNorm)
    {
        var layer = new TransformerEncoderLayer(8, 4, 16, activation: "gelu", batchFirst: batchFirst, normFirst: finalNorm, generator: new Generator(64));
        var encoder = new TransformerEncoder(layer, 2, finalNorm ? new LayerNorm(8) : null);
        RandomizeNorms(encoder, 65);
        int[] shape = Layout(batchFirst, 2, 5, 8);
        OnnxCheck.Matches(encoder, [-1, .. shape[1..]], shape, scale: 2f);
        int[] features = [.. shape[..^1], 3];
        OnnxCheck.Matches(new Sequential(new Linear(3, 8, generator: new Generator(66)), encoder), features, features, seed: 1);
    }

    // One export serves every length: the causal mask is built from the input's run-time shape.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CausalEncoderServesAnyLength(bool withPadding)
    {
        var layer = new TransformerEncoderLayer(8, 2, 16, generator: new Generator(67));
        var encoder = new TransformerEncoder(layer, 2);
        RandomizeNorms(encoder, 68);
        encoder.Eval();
        var bytes = OnnxExport.ToBytes(encoder, [-1, 2, 8], new OnnxAttentionCall { Causal = true, KeyPaddingMask = withPadding });
        foreach (int length in new[] { 1, 3, 7 })
        {
            var x = Random([length, 2, 8], length);
            var padding = withPadding ? Padding(2, length, length) : null;
            Tensor expected;
            using (Autograd.NoGrad()) expected = encoder.Forward(x, Causal(length, length), padding);
            (string, object)[] inputs = withPadding ? [(Input, x), (OnnxExport.KeyPaddingMaskName, padding!)] : [(Input, x)];
            OnnxCheck.OutputsMatch(bytes, inputs, expected);
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void EncoderLayerWithPaddingAndAConstantMaskMatches(bool batchFirst, bool normFirst)
    {
        var layer = new TransformerEncoderLayer(8, 2, 16, batchFirst: batchFirst, normFirst: normFirst, generator: new Generator(69));
        RandomizeNorms(layer, 70);
        layer.Eval();
        // A banded mask: each position sees itself and its neighbours.
        var band = BoolTensor.FromArray([.. Enumerable.Range(0, 25).Select(i => Math.Abs(i / 5 - i % 5) > 1)], [5, 5]);
        int[] shape = Layout(batchFirst, 3, 5, 8);
        var bytes = OnnxExport.ToBytes(layer, shape, new OnnxAttentionCall { AttnMask = band, KeyPaddingMask = true });
        var (x, padding) = (Random(shape, 5), Padding(3, 5, 4));
        Tensor expected;
        using (Autograd.NoGrad()) expected = layer.Forward(x, band, padding);
        OnnxCheck.OutputsMatch(bytes, [(Input, x), (OnnxExport.KeyPaddingMaskName, padding)], expected);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void CrossAttentionWithOtherKeyAndValueWidthsMatches(bool batchFirst, bool average)
    {
        var m = new MultiheadAttention(8, 2, kdim: 5, vdim: 3, batchFirst: batchFirst, generator: new Generator(71));
        Tensor.Randn([24], new Generator(72)).Data.CopyTo(m.InProjBias!.DataSpan);
        m.Eval();
        int[] q = Layout(batchFirst, 2, 4, 8), k = Layout(batchFirst, 2, 6, 5), v = Layout(batchFirst, 2, 6, 3);
        var bytes = OnnxExport.ToBytes(m, [-1, .. q[1..]],
            new OnnxAttentionCall { KeyShape = [-1, .. k[1..]], KeyPaddingMask = true, NeedWeights = true, AverageAttnWeights = average });
        foreach (int size in new[] { 2, 3 })
        {
            int n = batchFirst ? size : 2;
            int[] qs = [size, .. q[1..]], ks = [batchFirst ? size : size + 2, .. k[1..]], vs = [ks[0], .. v[1..]];
            var (query, key, value) = (Random(qs, 1), Random(ks, 2), Random(vs, 3));
            var padding = Padding(n, ks[batchFirst ? 1 : 0], size);
            Tensor output, weights;
            using (Autograd.NoGrad())
            {
                var (o, w) = m.Forward(query, key, value, padding, needWeights: true, averageAttnWeights: average);
                (output, weights) = (o, w!);
            }
            OnnxCheck.OutputsMatch(bytes,
                [(Input, query), (OnnxExport.KeyName, key), (OnnxExport.ValueName, value), (OnnxExport.KeyPaddingMaskName, padding)], output, weights);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AttentionWithAPerHeadConstantMaskMatches(bool batchFirst)
    {
        var m = new MultiheadAttention(8, 4, batchFirst: batchFirst, generator: new Generator(73));
        m.Eval();
        // [N·heads, L, S]: every head of every sample its own mask; the diagonal stays visible so no row is empty.
        var data = new bool[2 * 4 * 5 * 5];
        var g = new Generator(74);
        var draws = Tensor.Uniform([data.Length], 0f, 1f, g).ToArray();
        for (int i = 0; i < data.Length; i++) data[i] = draws[i] < 0.4f && (i / 5) % 5 != i % 5;
        var mask = BoolTensor.FromArray(data, [8, 5, 5]);
        int[] shape = Layout(batchFirst, 2, 5, 8);
        var bytes = OnnxExport.ToBytes(m, shape, new OnnxAttentionCall { AttnMask = mask, NeedWeights = true });
        var x = Random(shape, 6);
        Tensor output, weights;
        using (Autograd.NoGrad())
        {
            var (o, w) = m.Forward(x, x, x, attnMask: mask);
            (output, weights) = (o, w!);
        }
        OnnxCheck.OutputsMatch(bytes, [(Input, x)], output, weights);
    }

    [Fact]
    public void UnbatchedCausalSelfAttentionWithWeightsMatches()
    {
        var m = new MultiheadAttention(6, 3, generator: new Generator(75));
        m.Eval();
        var bytes = OnnxExport.ToBytes(m, [-1, 6], new OnnxAttentionCall { Causal = true, KeyPaddingMask = true, NeedWeights = true });
        foreach (int length in new[] { 2, 5 })
        {
            var x = Random([length, 6], length);
            var padding = Padding(1, length, 1).Reshape(length);
            Tensor output, weights;
            using (Autograd.NoGrad())
            {
                var (o, w) = m.Forward(x, x, x, padding, attnMask: Causal(length, length));
                (output, weights) = (o, w!);
            }
            OnnxCheck.OutputsMatch(bytes, [(Input, x), (OnnxExport.KeyPaddingMaskName, padding)], output, weights);
        }
    }

    [Fact]
    public void DecoderWithAConstantMemoryMaskMatches()
    {
        var layer = DecoderLayer("relu", true, false, seed: 76);
        var memoryMask = BoolTensor.FromArray([.. Enumerable.Range(0, 4 * 6).Select(i => i % 6 > i / 6 + 2)], [4, 6]);
        var bytes = OnnxExport.ToBytes(layer, [-1, 4, 8], new OnnxAttentionCall { MemoryShape = [-1, 6, 8], Causal = true, MemoryMask = memoryMask });
        var (x, y) = (Random([3, 4, 8], 7), Random([3, 6, 8], 8));
        OnnxCheck.OutputsMatch(bytes, [(Input, x), (OnnxExport.MemoryName, y)], Decode(layer, x, y, Causal(4, 4), memoryMask));
    }

    [Fact]
    public void DecoderWithoutAttentionCallIsRejected()
    {
        var decoder = new TransformerDecoder(new TransformerDecoderLayer(8, 2, 16), 1);
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(decoder, [5, 2, 8]));
        Assert.Contains("'(root)' (TransformerDecoder) needs the encoder's memory", e.Message);
        var missing = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(decoder, [5, 2, 8], new OnnxAttentionCall { Causal = true }));
        Assert.Contains("TransformerDecoder attends to the encoder's memory, so the call needs MemoryShape", missing.Message);
    }

    [Fact]
    public void CallsThatDoNotFitTheModelAreRejected()
    {
        var layer = new TransformerEncoderLayer(8, 2, 16);
        var memory = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(layer, [5, 2, 8], new OnnxAttentionCall { MemoryShape = [5, 2, 8] }));
        Assert.Contains("MemoryShape, MemoryMask or MemoryKeyPaddingMask applies to a TransformerDecoderLayer or TransformerDecoder only; the model is TransformerEncoderLayer", memory.Message);
        var both = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(layer, [5, 2, 8], new OnnxAttentionCall { Causal = true, AttnMask = Causal(5, 5) }));
        Assert.Contains("give Causal or AttnMask, not both", both.Message);
        var symbolic = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(layer, [-1, 2, 8], new OnnxAttentionCall { AttnMask = Causal(5, 5) }));
        Assert.Contains("the constant AttnMask [5, 5] needs fixed sequence lengths in the exported shapes; got input [input_length, 2, 8]", symbolic.Message);
        var wrongMask = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(layer, [5, 2, 8], new OnnxAttentionCall { AttnMask = Causal(4, 4) }));
        Assert.Contains("OnnxExport: TransformerEncoderLayer rejects the call (input [5, 2, 8]): MultiheadAttention: attnMask must be [L, S] = [5, 5]", wrongMask.Message);
        var rank = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(layer, [5, 2, 2, 8], new OnnxAttentionCall()));
        Assert.Contains("inputShape must be 3-D ([L, N, E]) or 2-D unbatched ([L, E]); got [5, 2, 2, 8]", rank.Message);
        var notAttention = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(new Linear(8, 8), [5, 8], new OnnxAttentionCall()));
        Assert.Contains("got Linear", notAttention.Message);
    }
}

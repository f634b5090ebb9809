using static Descent.Parity.Oracle;
using TI = TorchSharp.torch.TensorIndex;

namespace Descent.Parity;

/// <summary>The indexer x[...] against libtorch's indexing with the same entries: values and gradients.</summary>
public class IndexingParityTests
{
    [Fact]
    [Parity("Tensor.Index")]
    public void IndexMixes()
    {
        var g = new Generator(11);
        var x = Rand(g, [4, 5, 3]);
        Check("x[0]", t => t[0][0], t => t[0][TI.Single(0)], [x]);
        Check("x[^1]", t => t[0][^1], t => t[0][TI.Single(-1)], [x]);
        Check("x[-2]", t => t[0][-2], t => t[0][TI.Single(-2)], [x]);
        Check("x[.., 0]", t => t[0][.., 0], t => t[0][TI.Colon, TI.Single(0)], [x]);
        Check("x[1..3]", t => t[0][1..3], t => t[0][TI.Slice(1, 3)], [x]);
        Check("x[.., ..^1]", t => t[0][.., ..^1], t => t[0][TI.Colon, TI.Slice(null, -1)], [x]);
        Check("x[.., ^1, ..]", t => t[0][.., ^1, ..], t => t[0][TI.Colon, TI.Single(-1), TI.Colon], [x]);
        Check("x[0, 1]", t => t[0][0, 1], t => t[0][TI.Single(0), TI.Single(1)], [x]);
        Check("x[1, 2, ^1]", t => t[0][1, 2, ^1], t => t[0][TI.Single(1), TI.Single(2), TI.Single(-1)], [x]);
        Check("x[^3.., 1.., 0]", t => t[0][^3.., 1.., 0], t => t[0][TI.Slice(-3), TI.Slice(1), TI.Single(0)], [x]);
        Check("x[2..10, ^9..2]", t => t[0][2..10, ^9..2], t => t[0][TI.Slice(2, 10), TI.Slice(-9, 2)], [x]);
        // TorchSharp's ToArray fails on an empty tensor, so an empty selection compares shapes alone.
        using var empty = Oracle.ToTorch(x)[TI.Slice(3, 1)];
        Assert.Equal(empty.shape, x[3..1].Shape.Select(d => (long)d));
        Check("x[Ellipsis, ^1]", t => t[0][TensorIndex.Ellipsis, ^1], t => t[0][TI.Ellipsis, TI.Single(-1)], [x]);
        Check("x[1, Ellipsis, 1..]", t => t[0][1, TensorIndex.Ellipsis, 1..], t => t[0][TI.Single(1), TI.Ellipsis, TI.Slice(1)], [x]);
        Check("x[.., NewAxis, 0]", t => t[0][.., TensorIndex.NewAxis, 0], t => t[0][TI.Colon, TI.None, TI.Single(0)], [x]);
        Check("x[.., .., 1]", t => t[0][.., .., 1], t => t[0].select(2, 1), [x]);
    }
}

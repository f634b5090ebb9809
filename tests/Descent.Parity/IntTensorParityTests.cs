using TorchSharp;

namespace Descent.Parity;

/// <summary>
/// The integer kind against libtorch's int64 ops: Python's rounding for floor division and remainder is
/// where integer code most often goes wrong, so every sign combination is compared, with broadcasting.
/// </summary>
public class IntTensorParityTests
{
    [Fact]
    public void FloorDivide_remainder_and_comparisons_match_int64_libtorch()
    {
        long[] a = [-9, -7, -1, 0, 1, 6, 7, 9, long.MaxValue / 3];
        long[] b = [-4, -3, -2, 2, 3, 5];
        var ours = IntTensor.FromArray(a, [a.Length, 1]);
        var divisor = IntTensor.FromArray(b);
        using var scope = torch.NewDisposeScope();
        var ta = torch.tensor(a, torch.int64).reshape(a.Length, 1);
        var tb = torch.tensor(b, torch.int64);
        Assert.Equal(torch.floor_divide(ta, tb).data<long>().ToArray(), ours.FloorDivide(divisor).ToArray());
        Assert.Equal(torch.remainder(ta, tb).data<long>().ToArray(), ours.Remainder(divisor).ToArray());
        Assert.Equal((ta + tb).data<long>().ToArray(), (ours + divisor).ToArray());
        Assert.Equal((ta * tb).data<long>().ToArray(), (ours * divisor).ToArray());
        Assert.Equal(ta.lt(tb).data<bool>().ToArray(), ours.Lt(divisor).ToArray());
        Assert.Equal(ta.ge(tb).data<bool>().ToArray(), ours.Ge(divisor).ToArray());
    }

    [Fact]
    public void Float_to_long_truncates_toward_zero_as_libtorch()
    {
        float[] x = [-2.7f, -1.5f, -0.2f, 0f, 0.2f, 1.5f, 2.7f, 16777217f, -3e9f];
        using var scope = torch.NewDisposeScope();
        Assert.Equal(torch.tensor(x).to(torch.int64).data<long>().ToArray(), Tensor.FromArray(x).Long().ToArray());
    }
}

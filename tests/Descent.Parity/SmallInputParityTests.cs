using TorchSharp;
using static Descent.Parity.Oracle;

namespace Descent.Parity;

/// <summary>
/// Tanh, Sigmoid, SiLU and ELU near 0 (±1e-8 … ±1e-2, and ±0) against libtorch element by element, in ulp of
/// libtorch's value: the oracle's usual error is relative to the tensor's mean magnitude, so it cannot see a
/// tanh(1e-6) that is 5 % off (TensorPrimitives 11's was). Gradients are compared as usual.
/// </summary>
public class SmallInputParityTests
{
    // Ours within 3 ulp of the exact value, libtorch's (SLEEF, 1-ulp functions) within about 1: 6 leaves room for both.
    private const double MaxUlps = 6;

    private static Tensor Small()
    {
        var values = new List<float> { 0f, -0f };
        for (double v = 1e-8; v <= 1e-2; v *= 1.7) { values.Add((float)v); values.Add((float)-v); }
        return Tensor.FromArray([.. values]).RequireGrad();
    }

    private static void CheckUlps(string name, Func<Tensor, Tensor> ours, Func<torch.Tensor, torch.Tensor> theirs)
    {
        var x = Small();
        Check($"{name} near 0", t => ours(t[0]), t => theirs(t[0]), [x]);
        float[] got = ours(x.Detach()).ToArray(), want;
        using (torch.NewDisposeScope()) want = FromTorch(theirs(ToTorch(x.Detach())));
        var input = x.ToArray();
        for (int i = 0; i < got.Length; i++)
        {
            float r = Math.Max(Math.Abs(want[i]), 1.17549435e-38f);
            double ulps = Math.Abs((double)got[i] - want[i]) / (MathF.BitIncrement(r) - r);
            Assert.True(ulps <= MaxUlps, $"{name}({input[i]:R}) = {got[i]:R}, libtorch {want[i]:R}: {ulps:G3} ulp");
        }
    }

    [Fact]
    [Parity("Tensor.Tanh", "Tensor.Sigmoid", "Tensor.Silu", "Tensor.Elu")]
    public void TanhSigmoidSiluAndEluNearZeroAreWithinAFewUlpOfLibtorch()
    {
        CheckUlps("Tanh", t => t.Tanh(), t => t.tanh());
        CheckUlps("Sigmoid", t => t.Sigmoid(), t => t.sigmoid());
        CheckUlps("Silu", t => t.Silu(), t => torch.nn.functional.silu(t));
        CheckUlps("Elu", t => t.Elu(), t => torch.nn.functional.elu(t, 1.0));
    }
}

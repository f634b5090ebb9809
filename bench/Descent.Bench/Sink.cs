using TT = TorchSharp.torch.Tensor;

namespace Descent.Bench;

/// <summary>
/// Where every timed call puts one element of each result, on both sides: a value read and stored where the
/// JIT cannot prove it unused, so no work is dropped, and a lazily computed result would be forced here.
/// </summary>
internal static class Sink
{
    private static float _value;

    /// <summary>The sum of everything consumed, printed once so the stores stay observable.</summary>
    public static float Value => Volatile.Read(ref _value);

    public static void Consume(Tensor t) => Volatile.Write(ref _value, _value + t.DataSpan[0]);

    public static void Consume(float[] values) => Volatile.Write(ref _value, _value + values[0]);

    // One native read of the first element (TorchSharp's ReadCpuSingle): no accessor object, no copy, nothing allocated per call.
    public static void Consume(TT t) => Volatile.Write(ref _value, _value + t.ReadCpuSingle(0));
}

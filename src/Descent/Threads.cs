using Descent.Kernels;

namespace Descent;

/// <summary>
/// The number of threads Descent's kernels may use. Work is split statically by size and this count
/// only, so a result is bit-identical run to run for the same count (matrix products are identical
/// for every count). Small work always runs on the calling thread alone.
/// <example><c>Threads.Count = 1;   // make every kernel single-threaded</c></example>
/// </summary>
public static class Threads
{
    /// <summary>Threads used by kernels, the calling thread included; defaults to <see cref="Environment.ProcessorCount"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public static int Count
    {
        get => KernelThreads.Count;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Count));
            KernelThreads.Count = value;
        }
    }
}

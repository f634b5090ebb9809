namespace Descent.Kernels;

/// <summary>
/// The thread count that kernels split work by. Users set it through <c>Descent.Threads.Count</c>, which
/// checks the value; it lives here so kernels read it without reaching back into the core.
/// </summary>
internal static class KernelThreads
{
    private static int _count = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Threads a kernel may use, the calling thread included; at least 1.</summary>
    internal static int Count
    {
        get => Volatile.Read(ref _count);
        set => Volatile.Write(ref _count, value);
    }
}

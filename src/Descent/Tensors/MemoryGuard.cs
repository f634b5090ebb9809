using System.Globalization;

namespace Descent;

/// <summary>
/// Checks a large allocation against the memory this process may use before making it, so that a batch or a
/// file too big for the machine (or for a container's limit, <c>DOTNET_GCHeapHardLimit</c>) ends in an
/// <see cref="InsufficientMemoryException"/> saying what needed how much, instead of the runtime aborting.
/// Only allocations of at least <see cref="CheckedBytes"/> are checked, so small ones pay nothing.
/// </summary>
/// <example><code>MemoryGuard.Require(4L * rows * columns, "Csv.Load: the values of data.csv");</code></example>
public static class MemoryGuard
{
    /// <summary>The smallest allocation checked (16 MiB).</summary>
    public const long CheckedBytes = 16L << 20;

    /// <summary>The bytes this process may use: the GC's heap limit when one is set, else the machine's memory.</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>
    /// Throws <see cref="InsufficientMemoryException"/> naming <paramref name="what"/> when <paramref name="bytes"/>
    /// exceed <see cref="AvailableBytes"/>. The limit passes as an argument for tests; by default it is the process's.
    /// </summary>
    public static void Require(long bytes, string what, long? availableBytes = null)
    {
        if (bytes < CheckedBytes && availableBytes == null) return;
        long available = availableBytes ?? AvailableBytes;
        if (bytes > available)
            throw new InsufficientMemoryException($"{what} needs {Format(bytes)}, more than the {Format(available)} this process may use");
    }

    /// <summary>A byte count as people read it: 1.5 GB, 300 MB, 12 KB.</summary>
    public static string Format(long bytes)
    {
        var c = CultureInfo.InvariantCulture;
        return bytes switch
        {
            >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.#", c) + " GiB",
            >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.#", c) + " MiB",
            >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.#", c) + " KiB",
            _ => bytes.ToString(c) + " bytes",
        };
    }

    /// <summary>The element count of a new float tensor of <paramref name="shape"/>, checked against the memory available.</summary>
    internal static int TensorElements(int[] shape)
    {
        int n = Shape.Numel(shape);
        if (4L * n >= CheckedBytes) Require(4L * n, $"a tensor of shape {Shape.Format(shape)}");
        return n;
    }
}

namespace Descent.Kernels;

/// <summary>
/// Static work splitting: the parts depend only on the size and the part count, never on timing,
/// so which thread runs a part cannot change a result.
/// </summary>
internal static class ParallelPartition
{
    /// <summary>
    /// How many parts to split <paramref name="work"/> units of cost into: one when a single thread is
    /// allowed or the work is below two parts of <paramref name="minWorkPerPart"/>; otherwise up to
    /// <paramref name="perThread"/> parts per thread of <see cref="KernelThreads.Count"/> (more parts than
    /// threads let a thread that finishes early take over from one the OS has parked), never more
    /// than <paramref name="maxParts"/>.
    /// </summary>
    public static int Parts(long work, long minWorkPerPart, int maxParts, int perThread = 1)
    {
        int threads = KernelThreads.Count;
        if (threads == 1) return 1;
        long byWork = work / Math.Max(1, minWorkPerPart);
        return (int)Math.Max(1, Math.Min(Math.Min((long)threads * perThread, maxParts), byWork));
    }

    /// <summary>
    /// The half-open range of part <paramref name="index"/> when <paramref name="total"/> items are cut
    /// into <paramref name="parts"/> runs whose boundaries fall on multiples of <paramref name="align"/>;
    /// earlier parts take the extra blocks.
    /// </summary>
    public static (int Start, int End) Range(int total, int parts, int index, int align = 1)
    {
        int blocks = (total + align - 1) / align;
        int baseBlocks = blocks / parts, extra = blocks % parts;
        int startBlock = index * baseBlocks + Math.Min(index, extra);
        int endBlock = startBlock + baseBlocks + (index < extra ? 1 : 0);
        return (Math.Min(total, startBlock * align), Math.Min(total, endBlock * align));
    }
}

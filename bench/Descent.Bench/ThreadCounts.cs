using TorchSharp;

namespace Descent.Bench;

/// <summary>Runs a case on each thread count with both libraries set to it (Descent's pool and libtorch's intra-op threads).</summary>
internal static class ThreadCounts
{
    public static IEnumerable<Row> Each(int[] threadCounts, Func<int, Row> time)
    {
        foreach (int t in threadCounts)
        {
            Set(t);
            yield return time(t);
        }
    }

    public static void Set(int threads)
    {
        Descent.Threads.Count = threads;
        torch.set_num_threads(threads);
        // What libtorch reports, not what was asked: a row must not claim a thread count it did not run on.
        if (torch.get_num_threads() != threads || Descent.Threads.Count != threads)
            throw new InvalidOperationException($"bench: asked for {threads} threads; libtorch runs {torch.get_num_threads()}, Descent {Descent.Threads.Count}");
    }
}

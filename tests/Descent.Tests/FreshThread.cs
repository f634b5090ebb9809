namespace Descent.Tests;

/// <summary>
/// Runs a test on a new thread and rethrows its failure. For measurements of the per-thread pools: the pool keeps
/// what it is given up to its cap without evicting old sizes, so on a test thread full of other tests' sizes a
/// step's buffers could find no room and be drawn fresh every step.
/// </summary>
internal static class FreshThread
{
    public static void Run(Action test)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { test(); }
            catch (Exception e) { failure = e; }
        });
        thread.Start();
        thread.Join();
        if (failure != null) throw failure;
    }
}

namespace Descent.Tests;

/// <summary>
/// Runs a test on a new thread and rethrows its failure. For measurements of the per-thread pools: a test thread
/// carries other tests' buffers and retired tensors, which would make a count depend on what ran before it.
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

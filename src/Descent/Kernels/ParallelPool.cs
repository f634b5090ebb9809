using System.Runtime.ExceptionServices;

namespace Descent.Kernels;

/// <summary>
/// A small pool of blocking worker threads for data-parallel kernels. Idle workers sleep in
/// <see cref="Monitor.Wait(object)"/> rather than spinning, so a busy machine loses no core to us
/// (libtorch's spinning OpenMP threads collapse when another process takes a core). Parts are handed
/// out from a shared counter (the caller takes them too, so a late worker costs nothing), but each
/// part's work is fixed by the caller's static partition, so the thread that runs a part never
/// changes a result. A dispatch allocates nothing: the body is an
/// unmanaged function pointer and the state a pointer to the caller's stack, valid because the
/// caller blocks until every part is done.
/// </summary>
internal static unsafe class ParallelPool
{
    private sealed class Worker
    {
        public readonly object Gate = new();
        public bool HasWork;
    }

    private static readonly object GrowGate = new();
    private static readonly object DoneGate = new();
    private static Worker[] _workers = [];
    private static int _busy;

    private static delegate*<int, void*, void> _body;
    private static void* _state;
    private static int _parts, _next, _pending;
    private static Exception? _error;

    /// <summary>
    /// Runs <paramref name="body"/>(part, <paramref name="state"/>) for every part in [0, <paramref name="parts"/>)
    /// on up to <see cref="Threads.Count"/> threads, the caller included, and returns when all are done.
    /// A call made while the pool is busy (another thread's dispatch, or a nested one) runs inline.
    /// </summary>
    public static void Run(int parts, delegate*<int, void*, void> body, void* state)
    {
        int helpers = Math.Min(parts, Threads.Count) - 1;
        if (helpers <= 0 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int p = 0; p < parts; p++) body(p, state);
            return;
        }
        try
        {
            var workers = EnsureWorkers(helpers);
            _body = body;
            _state = state;
            _parts = parts;
            _next = 0;
            _error = null;
            _pending = helpers;
            for (int i = 0; i < helpers; i++)
            {
                var w = workers[i];
                lock (w.Gate)
                {
                    w.HasWork = true;
                    Monitor.Pulse(w.Gate);
                }
            }
            Work();
            // Every part is taken. A helper that has not woken yet would only find nothing to do, so
            // withdraw its wake-up instead of waiting for it: on a busy machine that wait is the
            // scheduler's latency, tens of microseconds.
            int withdrawn = 0;
            for (int i = 0; i < helpers; i++)
            {
                var w = workers[i];
                lock (w.Gate)
                {
                    if (w.HasWork)
                    {
                        w.HasWork = false;
                        withdrawn++;
                    }
                }
            }
            if (withdrawn > 0) Interlocked.Add(ref _pending, -withdrawn);
            lock (DoneGate)
            {
                while (Volatile.Read(ref _pending) != 0) Monitor.Wait(DoneGate);
            }
            _body = null;
            _state = null;
            if (_error is { } error) ExceptionDispatchInfo.Capture(error).Throw();
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private static void Work()
    {
        int p;
        while ((p = Interlocked.Increment(ref _next) - 1) < _parts)
        {
            try { _body(p, _state); }
            catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
        }
    }

    private static Worker[] EnsureWorkers(int count)
    {
        var workers = _workers;
        if (workers.Length >= count) return workers;
        lock (GrowGate)
        {
            if (_workers.Length >= count) return _workers;
            var grown = new Worker[count];
            Array.Copy(_workers, grown, _workers.Length);
            for (int i = _workers.Length; i < count; i++)
            {
                var w = grown[i] = new Worker();
                var thread = new Thread(() => Loop(w)) { IsBackground = true, Name = $"Descent worker {i + 1}" };
                thread.Start();
            }
            _workers = grown;
            return grown;
        }
    }

    private static void Loop(Worker w)
    {
        while (true)
        {
            lock (w.Gate)
            {
                while (!w.HasWork) Monitor.Wait(w.Gate);
                w.HasWork = false;
            }
            Work();
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                lock (DoneGate) Monitor.Pulse(DoneGate);
            }
        }
    }
}

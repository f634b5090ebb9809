using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Descent.Kernels;

/// <summary>
/// A small pool of worker threads for data-parallel kernels. A training step dispatches kernels
/// back to back, and waking a sleeping thread costs the scheduler's latency (5-50 µs, as long as a
/// small product takes), so a worker that has just finished spins for a short while
/// (<see cref="SpinMicroseconds"/>) before it sleeps in <see cref="Monitor.Wait(object)"/>, and the
/// caller spins as briefly for the last part to finish. The spin yields its core to any thread the OS
/// wants to run and is bounded, so a busy machine loses at most that moment (libtorch's OpenMP threads
/// spin unboundedly and collapse when another process takes a core). Parts are handed out from a
/// shared counter (the caller takes them too, so a late worker costs nothing), but each part's work
/// is fixed by the caller's static partition, so the thread that runs a part never changes a result.
/// A dispatch allocates nothing: the body is an unmanaged function pointer and the state a pointer to
/// the caller's stack, valid because the caller blocks until every part is done.
/// </summary>
internal static unsafe class ParallelPool
{
    /// <summary>How long an idle worker (or a caller waiting for the last part) spins before it sleeps.</summary>
    internal const int SpinMicroseconds = 100;

    private static readonly long SpinTicks = Math.Max(1, Stopwatch.Frequency * SpinMicroseconds / 1_000_000);

    private sealed class Worker
    {
        public readonly object Gate = new();
        // 1 while a dispatch is offered to this worker; whoever changes it 1 -> 0 owns the offer (the
        // worker runs it, or the caller withdraws it because every part is already taken).
        public int Offer;
        // 1 while the worker is (about to be) blocked in Monitor.Wait, so the caller must pulse it.
        public int Sleeping;
    }

    private static readonly object GrowGate = new();
    private static readonly object DoneGate = new();
    private static Worker[] _workers = [];
    private static int _busy;
    private static int _callerSleeping;

    private static delegate*<int, void*, void> _body;
    private static void* _state;
    private static int _parts, _next, _pending;
    private static Exception? _error;
    private static long _sleeps;

    /// <summary>How many times a worker has blocked waiting for an offer, since start-up (each costs a dispatch a wake-up).</summary>
    internal static long Sleeps => Interlocked.Read(ref _sleeps);

    /// <summary>
    /// Runs <paramref name="body"/>(part, <paramref name="state"/>) for every part in [0, <paramref name="parts"/>)
    /// on up to <see cref="KernelThreads.Count"/> threads, the caller included, and returns when all are done.
    /// A call made while the pool is busy (another thread's dispatch, or a nested one) runs inline.
    /// </summary>
    public static void Run(int parts, delegate*<int, void*, void> body, void* state)
    {
        int helpers = Math.Min(parts, KernelThreads.Count) - 1;
        if (helpers <= 0 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int p = 0; p < parts; p++) body(p, state);
            return;
        }
        try
        {
            if (PoolTrace.On) PoolTrace.Mark(PoolTrace.Kind.Dispatch, parts);
            var workers = EnsureWorkers(helpers);
            _body = body;
            _state = state;
            _parts = parts;
            _next = 0;
            _error = null;
            Volatile.Write(ref _pending, helpers);
            for (int i = 0; i < helpers; i++)
            {
                var w = workers[i];
                // Offer, then look whether it sleeps; the worker marks itself sleeping, then looks at
                // the offer. Both are full fences, so at least one side sees the other's write.
                Interlocked.Exchange(ref w.Offer, 1);
                if (Volatile.Read(ref w.Sleeping) == 1)
                {
                    lock (w.Gate) Monitor.Pulse(w.Gate);
                }
            }
            Work();
            // Every part is taken. A helper that has not picked up its offer would only find nothing to
            // do, so withdraw the offer instead of waiting for it to wake.
            int withdrawn = 0;
            for (int i = 0; i < helpers; i++)
            {
                if (Interlocked.CompareExchange(ref workers[i].Offer, 0, 1) == 1) withdrawn++;
            }
            if (withdrawn > 0) Interlocked.Add(ref _pending, -withdrawn);
            if (PoolTrace.On) PoolTrace.Mark(PoolTrace.Kind.JoinStart, withdrawn);
            WaitForHelpers();
            if (PoolTrace.On) PoolTrace.Mark(PoolTrace.Kind.JoinEnd, 0);
            _body = null;
            _state = null;
            if (_error is { } error) ExceptionDispatchInfo.Capture(error).Throw();
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private static void WaitForHelpers()
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        int spins = 0;
        while (Volatile.Read(ref _pending) != 0)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                lock (DoneGate)
                {
                    Interlocked.Exchange(ref _callerSleeping, 1);
                    while (Volatile.Read(ref _pending) != 0) Monitor.Wait(DoneGate);
                    Volatile.Write(ref _callerSleeping, 0);
                }
                return;
            }
            Pause(ref spins);
        }
    }

    /// <summary>
    /// One step of a spin: a short run of pause instructions, and every so often a yield, so that a
    /// thread the OS wants to run on this core gets it (SpinWait yields far more often, which makes a
    /// hand-off wait for the scheduler).
    /// </summary>
    private static void Pause(ref int spins)
    {
        if ((++spins & 255) == 0) Thread.Yield();
        else Thread.SpinWait(8);
    }

    private static void Work()
    {
        int p;
        while ((p = Interlocked.Increment(ref _next) - 1) < _parts)
        {
            if (PoolTrace.On) PoolTrace.Mark(PoolTrace.Kind.PartStart, p);
            try { _body(p, _state); }
            catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
            if (PoolTrace.On) PoolTrace.Mark(PoolTrace.Kind.PartEnd, p);
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
            WaitForOffer(w);
            if (PoolTrace.On) PoolTrace.Mark(PoolTrace.Kind.Woken, 0);
            Work();
            if (Interlocked.Decrement(ref _pending) == 0 && Volatile.Read(ref _callerSleeping) == 1)
            {
                lock (DoneGate) Monitor.Pulse(DoneGate);
            }
        }
    }

    /// <summary>Returns once this worker has claimed an offer: spinning first, then asleep.</summary>
    private static void WaitForOffer(Worker w)
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        int spins = 0;
        while (Stopwatch.GetTimestamp() <= deadline)
        {
            if (Volatile.Read(ref w.Offer) == 1 && Interlocked.CompareExchange(ref w.Offer, 0, 1) == 1) return;
            Pause(ref spins);
        }
        lock (w.Gate)
        {
            Interlocked.Exchange(ref w.Sleeping, 1);
            while (Interlocked.CompareExchange(ref w.Offer, 0, 1) != 1)
            {
                Interlocked.Increment(ref _sleeps);
                Monitor.Wait(w.Gate);
            }
            Volatile.Write(ref w.Sleeping, 0);
        }
    }
}

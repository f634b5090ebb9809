using System.Diagnostics;
using System.Runtime.Intrinsics;
using Descent.Kernels;
using Descent.Nn;
using Descent.Optim;

namespace Descent.Bench;

/// <summary>
/// The MLP train step's pieces (784-256-128-10 at one batch size) timed alone on the kernels Descent runs: each
/// product with its path's share of the FMA peak, the passes between them (ReLU's derivative with the bias gradient,
/// the cross-entropy), and the SGD-momentum update beside a bare 512-bit loop of the
/// same arithmetic (the memory's pace). Where a step's time goes, piece by piece, without libtorch.
/// Run with DOTNET_TieredCompilation=0, so no piece is timed before the JIT has optimized it.
/// </summary>
public static class MlpProducts
{
    /// <summary>Prints each piece's fastest and median time over 200 batches of calls.</summary>
    public static void Run(int batch, int threads)
    {
        Threads.Count = threads;
        // The best of the peak runs: on a shared machine the others count other processes' turns.
        double peak = PeakBench.GFlops(threads).Max;
        Console.WriteLine($"MLP 784-256-128-10, batch {batch}, {threads} thread(s), FMA peak {peak:F0} GFLOP/s");
        var rng = new Random(1);
        float[] Fill(long n)
        {
            var a = new float[n];
            for (long i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() - 0.5);
            return a;
        }
        int[] widths = [784, 256, 128, 10];
        for (int l = 0; l < 3; l++)
        {
            int i = widths[l], o = widths[l + 1];
            float[] x = Fill((long)batch * i), w = Fill((long)o * i), y = Fill((long)batch * o), dx = new float[batch * i], dw = new float[o * i];
            long macs = (long)batch * o * i;
            Time($"forward  X·Wᵀ NT {batch}x{o}x{i}", macs, peak, () => Gemm.Run(false, true, batch, o, i, x, w, y));
            // The first layer's input needs no gradient.
            if (l > 0) Time($"input    dY·W NN {batch}x{i}x{o}", macs, peak, () => Gemm.Run(false, false, batch, i, o, y, w, dx));
            Time($"weight   dYᵀ·X TN {o}x{i}x{batch}", macs, peak, () => Gemm.Run(true, false, o, i, batch, y, x, dw));
            // Between the products: the ReLU's derivative and the bias gradient in one pass (the last layer has no ReLU).
            float[] dz = new float[batch * o], db = new float[o];
            var activation = l < 2 ? GemmActivation.Relu : GemmActivation.None;
            Time($"dZ = dY∘relu′, bias grad {batch}x{o}", 0, peak, () => EpilogueBackwardKernel.Run(y, y, activation, [batch], o, dz, db));
        }
        float[] logits = Fill(batch * 10), stats = new float[2 * batch], nll = new float[batch], dLogits = new float[batch * 10];
        int[] targets = Enumerable.Range(0, batch).Select(b => b % 10).ToArray();
        Time($"cross-entropy forward + backward {batch}x10", 0, peak, () =>
        {
            CrossEntropyKernel.Forward(logits, batch, 10, 1, targets, default, stats, nll, default);
            CrossEntropyKernel.Backward(logits, batch, 10, 1, targets, default, stats, [1f / batch], 0f, dLogits);
        });
        var gen = new Generator(1);
        var model = new Sequential(new Linear(784, 256, generator: gen), new ReLU(), new Linear(256, 128, generator: gen), new ReLU(), new Linear(128, 10, generator: gen));
        foreach (var p in model.Parameters()) p.Grad = Tensor.Randn(p.Shape, gen);
        // A tiny rate keeps the parameters finite over many steps.
        var sgd = new SGD(model.Parameters(), lr: 1e-9, momentum: 0.9);
        int n = model.Parameters().Sum(p => p.Numel);
        Time($"SGD momentum step, {n} parameters", 0, peak, () => sgd.Step());
        float[] pp = Fill(n), gg = Fill(n), mm = Fill(n);
        Time("bare 512-bit loop, same arithmetic", 0, peak, () => Momentum512(pp, gg, mm));
    }

    private static unsafe void Momentum512(float[] p, float[] g, float[] m)
    {
        var mu = Vector512.Create(0.9f);
        var negLr = Vector512.Create(-1e-9f);
        fixed (float* pp = p, pg = g, pm = m)
            for (int i = 0; i + 16 <= p.Length; i += 16)
            {
                var b = Vector512.FusedMultiplyAdd(Vector512.Load(pm + i), mu, Vector512.Load(pg + i));
                Vector512.Store(b, pm + i);
                Vector512.Store(Vector512.FusedMultiplyAdd(b, negLr, Vector512.Load(pp + i)), pp + i);
            }
    }

    private static void Time(string name, long macs, double peak, Action call)
    {
        for (int i = 0; i < 200; i++) call();
        // About a millisecond per batch, so the clock's resolution does not show.
        var clock = Stopwatch.StartNew();
        call();
        int reps = Math.Max(1, (int)(1000 / Math.Max(0.1, clock.Elapsed.TotalMicroseconds)));
        var times = new List<double>();
        for (int r = 0; r < 200; r++)
        {
            clock.Restart();
            for (int i = 0; i < reps; i++) call();
            times.Add(clock.Elapsed.TotalMicroseconds / reps);
        }
        times.Sort();
        double fastest = times[0], median = times[times.Count / 2];
        string share = macs > 0 ? $"{2.0 * macs / fastest / 1e3 / peak * 100,5:F1} % of peak" : "";
        Console.WriteLine($"{name,-38} fastest {fastest,8:F2} µs  median {median,8:F2} µs  {share}");
    }
}

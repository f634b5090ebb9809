namespace Descent.Optim.Schedules;

/// <summary>
/// PyTorch's <c>CosineAnnealingWarmRestarts</c> (SGDR): a cosine from the base rate down towards
/// <see cref="EtaMin"/> over <see cref="T0"/> steps, restarting at the base rate; each cycle is
/// <see cref="TMult"/> times longer than the one before (restarts at t0, t0 + t0·tMult, ...).
/// </summary>
/// <example><code>var schedule = new CosineAnnealingWarmRestarts(t0: 10, tMult: 2);</code></example>
public sealed class CosineAnnealingWarmRestarts : Schedule
{
    /// <summary>Creates the schedule.</summary>
    public CosineAnnealingWarmRestarts(long t0, long tMult = 1, double etaMin = 0)
    {
        T0 = AtLeast(nameof(CosineAnnealingWarmRestarts), nameof(t0), t0, 1);
        TMult = AtLeast(nameof(CosineAnnealingWarmRestarts), nameof(tMult), tMult, 1);
        EtaMin = NonNegative(nameof(CosineAnnealingWarmRestarts), nameof(etaMin), etaMin);
    }

    /// <summary>Length of the first cycle.</summary>
    public long T0 { get; }

    /// <summary>Growth factor of the cycle length.</summary>
    public long TMult { get; }

    /// <summary>The lowest rate.</summary>
    public double EtaMin { get; }

    /// <inheritdoc/>
    protected override double LrCore(long step, double baseLr)
    {
        var (tCur, tI) = Position(step);
        return EtaMin + (baseLr - EtaMin) * (1 + Math.Cos(Math.PI * tCur / tI)) / 2;
    }

    /// <summary>Steps into the current cycle and the cycle's length.</summary>
    /// <remarks>
    /// PyTorch finds the cycle with a floating-point logarithm, <c>int(log(step/t0·(tMult-1)+1, tMult))</c>,
    /// which can land one cycle short exactly at a restart (log(1000, 10) = 2.9999...); walking the
    /// cycles in integers gives the value that formula means.
    /// </remarks>
    private (long TCur, long TI) Position(long step)
    {
        if (TMult == 1) return (step % T0, T0);
        long start = 0, length = T0;
        while (step - start >= length)
        {
            start += length;
            length *= TMult;
        }
        return (step - start, length);
    }
}

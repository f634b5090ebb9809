namespace Descent.Optim.Schedules;

/// <summary>
/// PyTorch's <c>CosineAnnealingLR</c> in its closed form:
/// <c>etaMin + (base - etaMin)·(1 + cos(π·step/tMax))/2</c>. Past <see cref="TMax"/> it keeps following
/// the cosine (rising back towards the base rate), as the closed form does.
/// </summary>
/// <example><code>var schedule = new CosineAnnealing(tMax: 100, etaMin: 1e-5);</code></example>
public sealed class CosineAnnealing : Schedule
{
    /// <summary>Creates the schedule.</summary>
    public CosineAnnealing(long tMax, double etaMin = 0)
    {
        TMax = AtLeast(nameof(CosineAnnealing), nameof(tMax), tMax, 1);
        EtaMin = NonNegative(nameof(CosineAnnealing), nameof(etaMin), etaMin);
    }

    /// <summary>Steps of the half cosine from the base rate down to <see cref="EtaMin"/>.</summary>
    public long TMax { get; }

    /// <summary>The lowest rate.</summary>
    public double EtaMin { get; }

    /// <inheritdoc/>
    protected override double LrCore(long step, double baseLr) =>
        EtaMin + (baseLr - EtaMin) * (1 + Math.Cos(Math.PI * step / TMax)) / 2;
}

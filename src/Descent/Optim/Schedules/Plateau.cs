namespace Descent.Optim.Schedules;

/// <summary>How <see cref="Plateau"/> (and so <see cref="ReduceLROnPlateau"/>) measures a significant improvement.</summary>
public enum ThresholdMode
{
    /// <summary>Better than <c>best·(1 ∓ threshold)</c>.</summary>
    Rel,
    /// <summary>Better than <c>best ∓ threshold</c>.</summary>
    Abs,
}

/// <summary>
/// Watches one value epoch by epoch: keeps the best seen, decides whether a new value beats it by more than a
/// threshold, counts the epochs in a row that did not, and can ignore bad epochs for a cooldown after acting.
/// The one "better than the best so far" rule behind <see cref="ReduceLROnPlateau"/> (PyTorch) and the
/// training callbacks <c>EarlyStopping</c> and <c>ModelCheckpoint</c> (Keras).
/// </summary>
/// <remarks>
/// It lives beside <see cref="ReduceLROnPlateau"/>, not in <c>Descent.Training</c>, because dependencies run one
/// way: Training may use Optim, Optim must never use Training. A NaN never improves (every comparison with NaN is
/// false), and a tie with the best is not an improvement. Its owners keep their own saved-state names
/// (PyTorch's <c>num_bad_epochs</c>, Keras's <c>wait</c>), so files written before it stay the same.
/// </remarks>
/// <example><code>
/// var plateau = new Plateau(higherIsBetter: false, threshold: 1e-4, thresholdMode: ThresholdMode.Rel, patience: 2);
/// foreach (double loss in new[] { 1.0, 0.5, 0.5, 0.5, 0.5 })
/// {
///     plateau.Step(loss);
///     if (plateau.Exhausted) { Console.WriteLine("plateau"); plateau.StartCooldown(); }
/// }
/// </code></example>
public sealed class Plateau
{
    private readonly bool _thresholdOnValue;

    /// <summary>Creates a watcher with PyTorch's rule: a value must beat <c>best·(1 ∓ threshold)</c> (relative) or <c>best ∓ threshold</c> (absolute).</summary>
    /// <param name="higherIsBetter">Whether the value should rise (an accuracy) rather than fall (a loss).</param>
    /// <param name="threshold">Smallest improvement that counts, relative or absolute; 0 means any strict improvement.</param>
    /// <param name="thresholdMode">Whether <paramref name="threshold"/> is a fraction of the best or an amount.</param>
    /// <param name="patience">Bad epochs tolerated: <see cref="Exhausted"/> turns true on the next one.</param>
    /// <param name="cooldown">Epochs after <see cref="StartCooldown"/> whose bad epochs are not counted.</param>
    public Plateau(bool higherIsBetter, double threshold = 0, ThresholdMode thresholdMode = ThresholdMode.Abs, int patience = 0, int cooldown = 0)
        : this(higherIsBetter, threshold, thresholdMode, patience, cooldown, thresholdOnValue: false)
    {
    }

    private Plateau(bool higherIsBetter, double threshold, ThresholdMode thresholdMode, int patience, int cooldown, bool thresholdOnValue)
    {
        if (!Enum.IsDefined(thresholdMode)) throw new ArgumentOutOfRangeException(nameof(thresholdMode), thresholdMode, $"Plateau: unknown threshold mode {thresholdMode}");
        HigherIsBetter = higherIsBetter;
        Threshold = Schedule.NonNegative(nameof(Plateau), nameof(threshold), threshold);
        ThresholdMode = thresholdMode;
        Patience = (int)Schedule.AtLeast(nameof(Plateau), nameof(patience), patience, 0);
        Cooldown = (int)Schedule.AtLeast(nameof(Plateau), nameof(cooldown), cooldown, 0);
        _thresholdOnValue = thresholdOnValue;
        Reset();
    }

    /// <summary>
    /// A watcher with Keras's rule: a value improves when <c>value ∓ minDelta</c> beats the best. It is the absolute
    /// rule with the delta moved to the other side, kept as Keras writes it because the two round differently.
    /// </summary>
    /// <param name="higherIsBetter">Whether the value should rise.</param>
    /// <param name="minDelta">Smallest change that counts as an improvement.</param>
    /// <param name="patience">Bad epochs tolerated: <see cref="Exhausted"/> turns true on the next one.</param>
    /// <example><code>var stop = Plateau.Keras(higherIsBetter: true, minDelta: 0.001, patience: 2);</code></example>
    public static Plateau Keras(bool higherIsBetter, double minDelta = 0, int patience = 0) =>
        new(higherIsBetter, minDelta, ThresholdMode.Abs, patience, cooldown: 0, thresholdOnValue: true);

    /// <summary>Whether higher values are better. Settable because a callback in auto mode learns it only when the fit begins.</summary>
    public bool HigherIsBetter { get; set; }

    /// <summary>Smallest improvement that counts.</summary>
    public double Threshold { get; }

    /// <summary>Whether <see cref="Threshold"/> is relative or absolute.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>Bad epochs tolerated before <see cref="Exhausted"/>.</summary>
    public int Patience { get; }

    /// <summary>Epochs after <see cref="StartCooldown"/> whose bad epochs are not counted.</summary>
    public int Cooldown { get; }

    /// <summary>The best value so far; the worst possible (±infinity) before the first <see cref="Step"/>.</summary>
    public double Best { get; private set; }

    /// <summary>Bad epochs in a row since the last improvement or cooldown.</summary>
    public int NumBad { get; private set; }

    /// <summary>Epochs of cooldown left.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>True once more than <see cref="Patience"/> bad epochs came in a row.</summary>
    public bool Exhausted => NumBad > Patience;

    /// <summary>Forgets everything: the best becomes the worst possible value, the counters 0.</summary>
    public void Reset()
    {
        Best = HigherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
        NumBad = 0;
        CooldownCounter = 0;
    }

    /// <summary>Puts back a saved state (from a checkpoint or a state dict).</summary>
    public void Restore(double best, int numBad, int cooldownCounter)
    {
        Best = best;
        NumBad = numBad;
        CooldownCounter = cooldownCounter;
    }

    /// <summary>True when <paramref name="value"/> beats <see cref="Best"/> by more than the threshold; NaN never does.</summary>
    public bool IsBetter(double value)
    {
        double t = Threshold, best = Best;
        if (_thresholdOnValue) return HigherIsBetter ? value - t > best : value + t < best;
        return (HigherIsBetter, ThresholdMode) switch
        {
            (false, ThresholdMode.Rel) => value < best * (1.0 - t),
            (false, ThresholdMode.Abs) => value < best - t,
            (true, ThresholdMode.Rel) => value > best * (t + 1.0),
            _ => value > best + t,
        };
    }

    /// <summary>
    /// Records one epoch's value (PyTorch's order: judge, then let a running cooldown wipe the bad count) and
    /// returns whether it became the new best.
    /// </summary>
    public bool Step(double value)
    {
        bool improved = IsBetter(value);
        if (improved)
        {
            Best = value;
            NumBad = 0;
        }
        else
        {
            NumBad++;
        }
        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            NumBad = 0;
        }
        return improved;
    }

    /// <summary>After acting on a plateau: clears the bad count and ignores bad epochs for <see cref="Cooldown"/> epochs.</summary>
    public void StartCooldown()
    {
        CooldownCounter = Cooldown;
        NumBad = 0;
    }
}

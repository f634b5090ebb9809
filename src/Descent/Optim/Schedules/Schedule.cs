namespace Descent.Optim.Schedules;

/// <summary>
/// A learning-rate schedule as a pure function of the step, so it can be plotted, tested and resumed
/// from any step. Step 0 is the rate before the first optimizer step (what PyTorch sets when a
/// scheduler is created); step n is the rate after n calls of <c>scheduler.step()</c>.
/// </summary>
/// <example><code>
/// var schedule = new OneCycle(totalSteps: 1000);
/// double[] curve = schedule.Sample(1001, baseLr: 0.01);   // to plot
/// var scheduler = new LrScheduler(optimizer, schedule);     // to train
/// </code></example>
public abstract class Schedule
{
    /// <summary>
    /// The learning rate at <paramref name="step"/> for a parameter group whose initial rate is
    /// <paramref name="baseLr"/>. Factor-style schedules scale it; absolute schedules (OneCycle, CyclicLR)
    /// use it as their peak rate unless one was given.
    /// </summary>
    public double Lr(long step, double baseLr)
    {
        CheckStep(step);
        return LrCore(step, baseLr);
    }

    /// <summary>The momentum (or Adam's beta1) at <paramref name="step"/>, or null when the schedule does not cycle it.</summary>
    public double? Momentum(long step)
    {
        CheckStep(step);
        return MomentumCore(step);
    }

    /// <summary>True when the schedule sets momentum (or beta1) as well as the learning rate.</summary>
    public virtual bool CyclesMomentum => false;

    /// <summary>The last step the schedule defines, or null when it is defined for every step.</summary>
    public virtual long? TotalSteps => null;

    /// <summary>The rates at steps 0 .. <paramref name="count"/> - 1, for plotting.</summary>
    public double[] Sample(long count, double baseLr)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"{GetType().Name}: count must be >= 0; got {count}");
        var values = new double[count];
        for (long i = 0; i < count; i++) values[i] = Lr(i, baseLr);
        return values;
    }

    /// <summary>The rate at a step already checked to be in range.</summary>
    protected abstract double LrCore(long step, double baseLr);

    /// <summary>The momentum at a step already checked to be in range; null unless the schedule cycles it.</summary>
    protected virtual double? MomentumCore(long step) => null;

    private void CheckStep(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, $"{GetType().Name}: step must be >= 0; got {step}");
        if (TotalSteps is long total && step > total)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"{GetType().Name}: step {step} is past the schedule's end (total steps {total})");
    }

    internal static double Positive(string owner, string name, double value) =>
        value > 0 && double.IsFinite(value) ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be > 0; got {value}");

    internal static double NonNegative(string owner, string name, double value) =>
        value >= 0 && double.IsFinite(value) ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be >= 0; got {value}");

    internal static long AtLeast(string owner, string name, long value, long min) =>
        value >= min ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be >= {min}; got {value}");

    internal static double InRange(string owner, string name, double value, double low, double high, bool highInclusive) =>
        value >= low && (highInclusive ? value <= high : value < high) ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be in [{low}, {high}{(highInclusive ? "]" : ")")}; got {value}");
}

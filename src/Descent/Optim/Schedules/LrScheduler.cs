namespace Descent.Optim.Schedules;

/// <summary>
/// Drives an optimizer with a <see cref="Schedule"/>: sets every group's <see cref="ParamGroup.Lr"/> to
/// <c>schedule.Lr(step, group.InitialLr)</c> and, when the schedule cycles momentum, the group's
/// <see cref="ParamGroup.Momentum"/> (or <see cref="ParamGroup.Beta1"/> for Adam-like optimizers).
/// Like a PyTorch scheduler, creating it applies step 0 and each <see cref="Step"/> after an optimizer step
/// applies the next one.
/// </summary>
/// <example><code>
/// var scheduler = new LrScheduler(optimizer, new OneCycle(totalSteps: 1000, maxLr: 0.01));
/// for (int i = 0; i &lt; 1000; i++) { Loss().Backward(); optimizer.Step(); optimizer.ZeroGrad(); scheduler.Step(); }
/// </code></example>
public sealed class LrScheduler
{
    /// <summary>Creates the driver and applies <paramref name="startStep"/> (0 for a fresh run).</summary>
    public LrScheduler(Optimizer optimizer, Schedule schedule, long startStep = 0)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedule);
        if (startStep < 0) throw new ArgumentOutOfRangeException(nameof(startStep), startStep, $"{nameof(LrScheduler)}: startStep must be >= 0; got {startStep}");
        if (schedule.CyclesMomentum)
        {
            var without = optimizer.ParamGroups.Select((g, i) => (g, i)).Where(x => x.g.Momentum is null && x.g.Beta1 is null).Select(x => x.i).ToList();
            if (without.Count > 0)
                throw new ArgumentException($"{nameof(LrScheduler)}: {schedule.GetType().Name} cycles momentum, but {optimizer.GetType().Name} " +
                    $"has neither momentum nor beta1 in group(s) {string.Join(", ", without)}; disable cycleMomentum", nameof(schedule));
        }
        Optimizer = optimizer;
        Schedule = schedule;
        Apply(startStep);
    }

    /// <summary>The optimizer being driven.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The schedule followed.</summary>
    public Schedule Schedule { get; }

    /// <summary>The step whose values are applied (PyTorch's <c>last_epoch</c>): the number of <see cref="Step"/> calls in a fresh run.</summary>
    public long StepCount { get; private set; }

    /// <summary>The rate set on each group by the last step.</summary>
    public IReadOnlyList<double> LastLr => Optimizer.ParamGroups.Select(g => g.Lr).ToList();

    /// <summary>Advances one step and sets the groups' rates (and momentum); throws past a finite schedule's end, changing nothing.</summary>
    public void Step() => Apply(StepCount + 1);

    private void Apply(long step)
    {
        var groups = Optimizer.ParamGroups;
        // Compute everything first so a step past the end leaves the optimizer untouched.
        var lrs = groups.Select(g => Schedule.Lr(step, g.InitialLr)).ToArray();
        double? momentum = Schedule.Momentum(step);
        for (int i = 0; i < groups.Count; i++)
        {
            groups[i].Lr = lrs[i];
            if (momentum is double m)
            {
                if (groups[i].Momentum is not null) groups[i].Momentum = m;
                else groups[i].Beta1 = m;
            }
        }
        StepCount = step;
    }

    /// <summary>The step and each group's base rate, under PyTorch's names (<c>last_epoch</c>, <c>base_lrs.{g}</c>).</summary>
    public OrderedDictionary<string, double> StateDict()
    {
        var state = new OrderedDictionary<string, double> { ["last_epoch"] = StepCount };
        for (int i = 0; i < Optimizer.ParamGroups.Count; i++) state[$"base_lrs.{i}"] = Optimizer.ParamGroups[i].InitialLr;
        return state;
    }

    /// <summary>Restores a state written by <see cref="StateDict"/> and applies its step; throws listing what does not fit.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var groups = Optimizer.ParamGroups;
        var expected = new[] { "last_epoch" }.Concat(Enumerable.Range(0, groups.Count).Select(i => $"base_lrs.{i}")).ToList();
        var missing = expected.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !expected.Contains(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add("missing keys: " + string.Join(", ", missing));
            if (unexpected.Count > 0) parts.Add("unexpected keys: " + string.Join(", ", unexpected));
            throw new ArgumentException($"{nameof(LrScheduler)}.LoadStateDict: the state does not fit {groups.Count} parameter group(s); " + string.Join("; ", parts), nameof(state));
        }
        double last = state["last_epoch"];
        if (!(last >= 0) || last != Math.Floor(last))
            throw new ArgumentOutOfRangeException(nameof(state), last, $"{nameof(LrScheduler)}.LoadStateDict: last_epoch must be a whole number >= 0; got {last}");
        var saved = groups.Select(g => g.InitialLr).ToArray();
        for (int i = 0; i < groups.Count; i++) groups[i].InitialLr = state[$"base_lrs.{i}"];
        try
        {
            Apply((long)last);
        }
        catch
        {
            for (int i = 0; i < groups.Count; i++) groups[i].InitialLr = saved[i];
            throw;
        }
    }
}

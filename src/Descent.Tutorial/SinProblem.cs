using Descent.Data;
using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Schedules;

namespace Descent.Tutorial;

/// <summary>The knobs of the sin chapters (networks, optimizers, schedules); the defaults tell them in well under a second.</summary>
/// <param name="Seed">Seeds the one <see cref="Generator"/> that draws the data and then every initial weight.</param>
/// <param name="Points">How many (x, sin x + noise) points to draw.</param>
/// <param name="Noise">The standard deviation of the noise on y; its square is the loss no model can beat on average.</param>
/// <param name="Hidden">The width of the MLP's two hidden layers.</param>
/// <param name="Steps">Full-batch training steps per run.</param>
public sealed record NetworkSettings(
    ulong Seed = 0,
    int Points = 200,
    float Noise = 0.1f,
    int Hidden = 32,
    int Steps = 200)
{
    /// <summary>Adam's learning rate for the line against the MLP and for the constant-rate baseline of the schedules.</summary>
    public const double AdamLr = 0.01;

    /// <summary>Plain SGD's learning rate; SGD with momentum uses the same, so the comparison shows what momentum adds.</summary>
    public const double SgdLr = 0.1;

    /// <summary>The momentum of "SGD + momentum".</summary>
    public const double SgdMomentum = 0.9;

    /// <summary>RMSprop's learning rate: PyTorch's default.</summary>
    public const double RmsPropLr = 0.01;

    /// <summary>The peak rate of the cyclical and one-cycle schedules: three times the constant rate, which they can afford because they spend little time there.</summary>
    public const double PeakLr = 0.03;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (Points < 2) throw new ArgumentOutOfRangeException(nameof(Points), Points, "demo: points must be at least 2");
        if (!(Noise >= 0) || !float.IsFinite(Noise))
            throw new ArgumentOutOfRangeException(nameof(Noise), Noise, "demo: noise must be finite and >= 0");
        if (Hidden < 1) throw new ArgumentOutOfRangeException(nameof(Hidden), Hidden, "demo: hidden width must be at least 1");
        // The cyclical schedule needs a whole number of steps per half cycle.
        if (Steps < 4) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "demo: network steps must be at least 4");
    }
}

/// <summary>One training run of a sin chapter, step by step.</summary>
/// <param name="Name">What is being compared, e.g. "SGD + momentum" or "one-cycle".</param>
/// <param name="Details">Its settings as the demo prints them, e.g. "lr 0.1, momentum 0.9".</param>
/// <param name="Lr">The optimizer's learning rate as created (a schedule then sets the rate of each step).</param>
/// <param name="Losses">The full-batch loss before each step, then after the last: one more entry than steps.</param>
/// <param name="Lrs">The rate each step used.</param>
public sealed record TrainingRun(string Name, string Details, double Lr, IReadOnlyList<float> Losses, IReadOnlyList<double> Lrs)
{
    /// <summary>Steps taken.</summary>
    public int Steps => Lrs.Count;

    /// <summary>The loss at the start.</summary>
    public float InitialLoss => Losses[0];

    /// <summary>The loss after the last step.</summary>
    public float FinalLoss => Losses[^1];
}

/// <summary>
/// The sin chapters' shared problem: regression on y = sin(x) + noise with x ~ U(−π, π), a curve no straight
/// line fits. One <see cref="Generator"/> seeded with <see cref="NetworkSettings.Seed"/> draws the data, then
/// the MLP's initial weights, then the line's; every run starts from copies of those weights, so runs differ
/// only in what they compare.
/// </summary>
/// <example><code>
/// var problem = SinProblem.Create(new NetworkSettings(Seed: 0));
/// var model = problem.NewMlp();
/// var run = problem.Train("Adam", model, new Adam(model.Parameters(), lr: 0.01));
/// Console.WriteLine(run.FinalLoss);
/// </code></example>
public sealed class SinProblem
{
    private readonly OrderedDictionary<string, Tensor> _mlpStart;
    private readonly OrderedDictionary<string, Tensor> _lineStart;
    private TrainingRun? _adamBaseline;

    private SinProblem(NetworkSettings settings, TensorDataset data, OrderedDictionary<string, Tensor> mlpStart,
        OrderedDictionary<string, Tensor> lineStart)
    {
        Settings = settings;
        Data = data;
        _mlpStart = mlpStart;
        _lineStart = lineStart;
        double floor = 0;
        var x = data.Inputs.Data;
        var y = data.Targets.Data;
        for (int i = 0; i < x.Length; i++) floor += Math.Pow(y[i] - Math.Sin(x[i]), 2);
        NoiseFloor = floor / x.Length;
        double mean = 0;
        for (int i = 0; i < y.Length; i++) mean += y[i];
        mean /= y.Length;
        double variance = 0;
        for (int i = 0; i < y.Length; i++) variance += (y[i] - mean) * (y[i] - mean);
        TargetVariance = variance / y.Length;
        // Only the least-squares line is wanted here; the expectation arguments do not affect it.
        BestLineLoss = LineTheory.Of(x, y, slope: 0, intercept: 0, noise: settings.Noise).LeastSquaresLoss;
    }

    /// <summary>Draws the data and the initial weights for <paramref name="settings"/>.</summary>
    public static SinProblem Create(NetworkSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var generator = new Generator(settings.Seed);
        var data = Synthetic.Sin(settings.Points, settings.Noise, generator);
        var mlp = Mlp(settings.Hidden, generator);
        var line = Line(generator);
        return new SinProblem(settings, data, mlp.StateDict(), line.StateDict());
    }

    /// <summary>The settings the problem was drawn with.</summary>
    public NetworkSettings Settings { get; }

    /// <summary>Inputs [n, 1] and targets [n, 1].</summary>
    public TensorDataset Data { get; }

    /// <summary>mean((y − sin x)²): the loss of the true curve on this draw, about noise² and what a model that does not memorize the noise ends near.</summary>
    public double NoiseFloor { get; }

    /// <summary>The variance of y: the loss of the best constant, about 1/2 for sin over a whole period.</summary>
    public double TargetVariance { get; }

    /// <summary>The loss of the least-squares line (closed form): no line, however trained, gets lower.</summary>
    public double BestLineLoss { get; }

    /// <summary>Linear(1, h), Tanh, Linear(h, h), Tanh, Linear(h, 1), with PyTorch's default initialization from <paramref name="generator"/>.</summary>
    public static Sequential Mlp(int hidden, Generator? generator = null) =>
        new(new Linear(1, hidden, generator: generator), new Tanh(),
            new Linear(hidden, hidden, generator: generator), new Tanh(),
            new Linear(hidden, 1, generator: generator));

    /// <summary>A straight line y = w·x + b as a layer.</summary>
    public static Linear Line(Generator? generator = null) => new(1, 1, generator: generator);

    /// <summary>A fresh MLP holding the problem's shared initial weights.</summary>
    public Sequential NewMlp()
    {
        var model = Mlp(Settings.Hidden);
        model.LoadStateDict(_mlpStart);
        return model;
    }

    /// <summary>A fresh line holding the problem's initial weight and bias.</summary>
    public Linear NewLine()
    {
        var model = Line();
        model.LoadStateDict(_lineStart);
        return model;
    }

    /// <summary>The mean squared error of <paramref name="model"/> on the whole data set.</summary>
    public float Loss(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using (Autograd.NoGrad())
        {
            return Losses.MseLoss(model.Forward(Data.Inputs), Data.Targets).Item();
        }
    }

    /// <summary>
    /// The MLP trained by Adam at <see cref="NetworkSettings.AdamLr"/> with no schedule: the MLP of the network
    /// story, the Adam of the optimizer story and the constant rate of the schedule story are this one run,
    /// trained once on first use (training is deterministic, so a second run would only repeat it).
    /// </summary>
    public TrainingRun AdamBaseline()
    {
        if (_adamBaseline == null)
        {
            var model = NewMlp();
            _adamBaseline = Train("Adam", model, new Adam(model.Parameters(), lr: NetworkSettings.AdamLr),
                details: FormattableString.Invariant($"lr {NetworkSettings.AdamLr:0.###}"));
        }
        return _adamBaseline;
    }

    /// <summary>
    /// Trains <paramref name="model"/> for <see cref="NetworkSettings.Steps"/> full-batch steps of
    /// <paramref name="optimizer"/>, driven by <paramref name="schedule"/> when one is given; records the loss
    /// before every step and after the last, and the rate every step used.
    /// </summary>
    public TrainingRun Train(string name, Module model, Optimizer optimizer, Schedule? schedule = null, string details = "")
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        int steps = Settings.Steps;
        var scheduler = schedule == null ? null : new LrScheduler(optimizer, schedule);
        var losses = new float[steps + 1];
        var lrs = new double[steps];
        double baseLr = optimizer.ParamGroups[0].Lr;
        model.Train();
        for (int step = 0; step < steps; step++)
        {
            lrs[step] = optimizer.ParamGroups[0].Lr;
            var loss = Losses.MseLoss(model.Forward(Data.Inputs), Data.Targets);
            losses[step] = loss.Item();
            loss.Backward();
            optimizer.Step();
            optimizer.ZeroGrad();
            scheduler?.Step();
        }
        losses[steps] = Loss(model);
        return new TrainingRun(name, details, baseLr, losses, lrs);
    }
}

namespace Descent.Cli.Demo;

/// <summary>The knobs of the demo's second half (networks, optimizers, schedules); the defaults tell the story in well under a second.</summary>
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

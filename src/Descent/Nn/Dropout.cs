namespace Descent.Nn;

/// <summary>
/// Inverted dropout, like <c>torch.nn.Dropout</c>: in training each element is zeroed with probability
/// p and the rest are scaled by 1/(1 − p); in evaluation mode it is the identity.
/// </summary>
/// <example><code>
/// var drop = new Dropout(0.2f, new Generator(1));
/// var y = drop.Forward(x);          // training: about 20 % zeros
/// var z = drop.Eval().Forward(x);   // evaluation: z is x
/// </code></example>
public sealed class Dropout : Module
{
    private readonly Generator? _generator;

    /// <summary>Creates the layer; masks are drawn from <paramref name="generator"/> (or the default generator).</summary>
    public Dropout(float p = 0.5f, Generator? generator = null)
    {
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: probability p must be in [0, 1]");
        P = p;
        _generator = generator;
    }

    /// <summary>Probability of zeroing an element.</summary>
    public float P { get; }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"p={ModuleText.Float(P)}, inplace=False";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, Training, _generator);
}

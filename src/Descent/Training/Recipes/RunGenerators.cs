namespace Descent.Training;

/// <summary>
/// The random streams of one training run, all from its seed and apart from each other, so that e.g. adding
/// dropout does not change the initial weights or the batch order. <c>descent train</c> and <see cref="Protocol"/>
/// draw from the same streams, so a recipe trained either way sees the same weights, batches and shifts.
/// </summary>
/// <param name="Init">The initial weights.</param>
/// <param name="Dropout">Dropout masks.</param>
/// <param name="Shuffle">The order of the training batches.</param>
/// <param name="Shifts">The random shifts of augmentation.</param>
/// <example><code>
/// var g = RunGenerators.For(seed: 0);
/// var model = ModelSpec.Parse("cnn").Build([1, 28, 28], 10, dropout: 0.25f, g.Init, g.Dropout);
/// </code></example>
public sealed record RunGenerators(Generator Init, Generator Dropout, Generator Shuffle, Generator Shifts)
{
    /// <summary>The four streams of a run seeded by <paramref name="seed"/>.</summary>
    public static RunGenerators For(ulong seed) => new(new Generator(seed),
        new Generator(unchecked(seed + 0x9E3779B97F4A7C15UL)),
        new Generator(unchecked(seed + 0x3C6EF372FE94F82AUL)),
        new Generator(unchecked(seed + 0xDAA66D2C7DDF743FUL)));
}

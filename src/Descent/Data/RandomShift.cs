namespace Descent.Data;

/// <summary>
/// Data augmentation: each time an example is read, its image is shifted by a random whole number of
/// pixels, at most <see cref="MaxShift"/> along each axis, and the uncovered border is filled with zeros.
/// This is torchvision's <c>RandomCrop(size, padding: maxShift)</c> on [.., H, W] inputs. Shifts are drawn
/// from <see cref="Generator"/>, so a seeded generator repeats the same sequence; targets pass through.
/// Wrap only the training part: validation data must stay as it is.
/// </summary>
/// <example><code>
/// var (train, valid) = Splits.TrainValidation(Mnist.LoadDigits(path, asImages: true), 0.2, seed: 0);
/// var loader = new DataLoader(new RandomShift(train, maxShift: 2, new Generator(1)), batchSize: 64, shuffle: true);
/// </code></example>
public sealed class RandomShift : Dataset
{
    /// <summary>Wraps <paramref name="source"/>, whose inputs must be images of rank 2 or more ([.., H, W]).</summary>
    /// <param name="source">The examples to augment.</param>
    /// <param name="maxShift">The largest shift in pixels along each axis; 0 passes examples through unchanged.</param>
    /// <param name="generator">Random source for the shifts (the default generator if null).</param>
    public RandomShift(Dataset source, int maxShift, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (maxShift < 0) throw new ArgumentOutOfRangeException(nameof(maxShift), maxShift, $"RandomShift: maxShift must be >= 0; got {maxShift}");
        // Shifts are drawn from 2·maxShift + 1 values, an int.
        if (maxShift > (int.MaxValue - 1) / 2)
            throw new ArgumentOutOfRangeException(nameof(maxShift), maxShift, $"RandomShift: maxShift must be at most {(int.MaxValue - 1) / 2}; got {maxShift}");
        Source = source;
        MaxShift = maxShift;
        Generator = generator ?? Descent.Generator.Default;
    }

    /// <summary>The dataset augmented.</summary>
    public Dataset Source { get; }

    /// <summary>The largest shift in pixels along each axis.</summary>
    public int MaxShift { get; }

    /// <summary>The generator that draws the shifts.</summary>
    public Generator Generator { get; }

    /// <inheritdoc/>
    public override int Count => Source.Count;

    /// <inheritdoc/>
    public override (Tensor Input, Tensor Target) Get(int index)
    {
        CheckIndex(index);
        var (input, target) = Source.Get(index);
        if (input.Rank < 2)
            throw new ArgumentException($"RandomShift: inputs must be images [.., H, W]; got an example of shape {Shape.Format(input.Shape)}");
        return (Shifted(input, examples: 1), target);
    }

    /// <inheritdoc/>
    public override (Tensor Input, Tensor Target) GetBatch(ReadOnlySpan<int> indices)
    {
        foreach (int i in indices) CheckIndex(i);
        var (input, target) = Source.GetBatch(indices);
        if (input.Rank < 3)
            throw new ArgumentException($"RandomShift: inputs must be images [.., H, W]; got a batch of shape {Shape.Format(input.Shape)}");
        return (Shifted(input, examples: input.Size(0)), target);
    }

    /// <summary>A copy of <paramref name="images"/> with each of its <paramref name="examples"/> examples (all its channels alike) shifted.</summary>
    private Tensor Shifted(Tensor images, int examples)
    {
        var shape = images.Shape;
        int h = shape[^2], w = shape[^1];
        int planes = images.Numel / (h * w) / examples;
        var src = images.Data;
        var dst = new float[images.Numel];
        for (int e = 0; e < examples; e++)
        {
            int dy = Generator.NextInt(2 * MaxShift + 1) - MaxShift;
            int dx = Generator.NextInt(2 * MaxShift + 1) - MaxShift;
            for (int p = 0; p < planes; p++)
            {
                int plane = (e * planes + p) * h * w;
                for (int y = Math.Max(0, dy); y < Math.Min(h, h + dy); y++)
                {
                    int x0 = Math.Max(0, dx), x1 = Math.Min(w, w + dx);
                    if (x1 > x0) src.Slice(plane + (y - dy) * w + (x0 - dx), x1 - x0).CopyTo(dst.AsSpan(plane + y * w + x0, x1 - x0));
                }
            }
        }
        return Tensor.Create(dst, shape);
    }
}

namespace Descent;

public partial class Tensor
{
    /// <summary>A tensor of zeros. <example><c>Tensor.Zeros(2, 3)</c></example></summary>
    public static Tensor Zeros(params int[] shape) => new(Descent.Shape.Validate("Zeros", shape));

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(shape, 1f);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(int[] shape, float value)
    {
        var t = new Tensor(Descent.Shape.Validate("Full", shape));
        t.DataSpan.Fill(value);
        return t;
    }

    /// <summary>A zero-dimensional tensor holding one value.</summary>
    public static Tensor Scalar(float value)
    {
        var t = new Tensor([]);
        t.Storage[0] = value;
        return t;
    }

    /// <summary>Zeros shaped like <paramref name="other"/>.</summary>
    public static Tensor ZerosLike(Tensor other) => new(other.Shape);

    /// <summary>Ones shaped like <paramref name="other"/>.</summary>
    public static Tensor OnesLike(Tensor other) => Full(other.ShapeRef, 1f);

    /// <summary>
    /// A tensor over <paramref name="data"/> (not copied) with the given shape; with no shape, 1-D.
    /// To make a zero-dimensional tensor, or from a shape that may be empty, use <see cref="Create"/>.
    /// <example><c>Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2)</c></example>
    /// </summary>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        // `params` cannot tell "no shape" from an empty one; this overload has always read it as 1-D.
        return CreateAs("FromArray", data, shape.Length == 0 ? [data.Length] : shape);
    }

    /// <summary>
    /// A tensor over <paramref name="data"/> (not copied) with exactly <paramref name="shape"/>: an empty
    /// shape makes a zero-dimensional tensor, as <c>torch.tensor(data).reshape(shape)</c> does. The data's
    /// length must equal the shape's number of elements.
    /// <example><c>Tensor.Create([1f, 2f, 3f, 4f, 5f, 6f], [2, 3])</c>, <c>Tensor.Create([7f], [])</c> (0-d)</example>
    /// </summary>
    public static Tensor Create(float[] data, ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        return CreateAs("Create", data, shape);
    }

    private static Tensor CreateAs(string op, float[] data, ReadOnlySpan<int> shape)
    {
        var s = Descent.Shape.Validate(op, shape.ToArray());
        if (Descent.Shape.Numel(s) != data.Length)
            throw new ArgumentException($"{op}: shape {Descent.Shape.Format(s)} needs {Descent.Shape.Numel(s)} values; got {data.Length}");
        return new Tensor(data, 0, s);
    }

    /// <summary>A 2-D tensor copied from a rectangular array.</summary>
    public static Tensor FromArray(float[,] data)
    {
        var t = new Tensor([data.GetLength(0), data.GetLength(1)]);
        int k = 0;
        foreach (float v in data) t.Storage[k++] = v;
        return t;
    }

    /// <summary>Values from <paramref name="start"/> up to (not including) <paramref name="end"/> by <paramref name="step"/>, like <c>torch.arange</c>.</summary>
    public static Tensor Arange(float start, float end, float step = 1f)
    {
        if (step == 0 || float.IsNaN(step)) throw new ArgumentOutOfRangeException(nameof(step), $"Arange: step must be non-zero; got {step}");
        double count = Math.Ceiling((end - (double)start) / step);
        if (count < 0 || double.IsNaN(count)) throw new ArgumentException($"Arange: the range from {start} to {end} by {step} is empty the wrong way round (step has the wrong sign)");
        var t = new Tensor([(int)count]);
        for (int i = 0; i < t.Numel; i++) t.Storage[i] = (float)(start + i * (double)step);
        return t;
    }

    /// <summary>Values 0, 1, ..., end-1.</summary>
    public static Tensor Arange(int end) => Arange(0, end);

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive, like <c>torch.linspace</c>.</summary>
    public static Tensor Linspace(float start, float end, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var t = new Tensor([steps]);
        if (steps == 1)
        {
            t.Storage[0] = start;
            return t;
        }
        double step = steps > 1 ? (end - (double)start) / (steps - 1) : 0;
        // Like PyTorch, fill the second half from the end so that the last value is exactly `end`.
        int half = steps / 2;
        for (int i = 0; i < steps; i++)
            t.Storage[i] = i < half ? (float)(start + step * i) : (float)(end - step * (steps - 1 - i));
        return t;
    }

    /// <summary>Uniform samples from [0, 1).</summary>
    public static Tensor Rand(int[] shape, Generator? generator = null) => Uniform(shape, 0f, 1f, generator);

    /// <summary>Uniform samples from [0, 1) from the default generator.</summary>
    public static Tensor Rand(params int[] shape) => Rand(shape, null);

    /// <summary>Standard normal samples.</summary>
    public static Tensor Randn(int[] shape, Generator? generator = null) => Normal(shape, 0f, 1f, generator);

    /// <summary>Standard normal samples from the default generator.</summary>
    public static Tensor Randn(params int[] shape) => Randn(shape, null);

    /// <summary>Uniform samples from [low, high).</summary>
    public static Tensor Uniform(int[] shape, float low, float high, Generator? generator = null)
    {
        if (!(high >= low)) throw new ArgumentOutOfRangeException(nameof(high), $"Uniform: high must be >= low; got low={low}, high={high}");
        var g = generator ?? Generator.Default;
        var t = new Tensor(Descent.Shape.Validate("Uniform", shape));
        var d = t.DataSpan;
        // Rounding to float can reach `high` itself; the interval is half-open, so step back below it.
        float below = high > low ? float.BitDecrement(high) : high;
        for (int i = 0; i < d.Length; i++) d[i] = Math.Min((float)(low + (high - (double)low) * g.NextDouble()), below);
        return t;
    }

    /// <summary>Normal samples with the given mean and standard deviation.</summary>
    public static Tensor Normal(int[] shape, float mean, float std, Generator? generator = null)
    {
        if (!(std >= 0)) throw new ArgumentOutOfRangeException(nameof(std), $"Normal: std must be >= 0; got {std}");
        var g = generator ?? Generator.Default;
        var t = new Tensor(Descent.Shape.Validate("Normal", shape));
        var d = t.DataSpan;
        for (int i = 0; i < d.Length; i++) d[i] = (float)(mean + std * g.NextNormal());
        return t;
    }

    /// <summary>Random integers in [low, high) stored as floats.</summary>
    public static Tensor RandInt(int low, int high, int[] shape, Generator? generator = null)
    {
        if (high <= low) throw new ArgumentOutOfRangeException(nameof(high), $"RandInt: high must be > low; got low={low}, high={high}");
        var g = generator ?? Generator.Default;
        var t = new Tensor(Descent.Shape.Validate("RandInt", shape));
        var d = t.DataSpan;
        for (int i = 0; i < d.Length; i++) d[i] = low + g.NextInt(high - low);
        return t;
    }
}

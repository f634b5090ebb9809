namespace Descent.Plots;

/// <summary>Argument checks shared by the figures; messages name the figure, the argument and the rule.</summary>
internal static class Check
{
    public static void NotEmpty<T>(string figure, string name, IReadOnlyCollection<T>? values)
    {
        if (values is null) throw new ArgumentNullException(name, $"{figure}: {name} is null");
        if (values.Count == 0) throw new ArgumentException($"{figure}: {name} must not be empty", name);
    }

    public static void SameLength<T, U>(string figure, string nameA, IReadOnlyCollection<T> a, string nameB, IReadOnlyCollection<U> b)
    {
        if (a.Count != b.Count)
            throw new ArgumentException($"{figure}: {nameA} and {nameB} must have the same length; got {a.Count} and {b.Count}", nameB);
    }

    public static void Finite(string figure, string name, IReadOnlyList<double> values)
    {
        for (int i = 0; i < values.Count; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"{figure}: {name} must be finite; got {values[i]} at index {i}", name);
    }

    public static void Positive(string figure, string name, int value)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{figure}: {name} must be >= 1; got {value}");
    }
}

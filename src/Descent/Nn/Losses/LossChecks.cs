namespace Descent.Nn;

/// <summary>Argument checks and the reduction step shared by the losses; messages name the loss.</summary>
internal static class LossChecks
{
    public static void CheckReduction(string loss, Reduction reduction)
    {
        if (!Enum.IsDefined(reduction))
            throw new ArgumentOutOfRangeException(nameof(reduction), $"{loss}: reduction must be Mean, Sum or None; got {reduction}");
    }

    public static void CheckArguments(string loss, Tensor input, Tensor target, Reduction reduction)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        CheckReduction(loss, reduction);
    }

    /// <summary>The elementwise losses reject broadcasting, which PyTorch only warns about and which silently computes the wrong loss.</summary>
    public static void SameShape(string loss, Tensor input, Tensor target)
    {
        if (!Shape.Equal(input.ShapeRef, target.ShapeRef))
            throw new ArgumentException($"{loss}: input and target must have the same shape; got {Shape.Format(input.ShapeRef)} and {Shape.Format(target.ShapeRef)}");
    }

    /// <summary>A weight must broadcast to the input's shape without enlarging it.</summary>
    public static void BroadcastsTo(string loss, string what, Tensor? weight, Tensor input)
    {
        if (weight is null) return;
        int[]? shape = null;
        try { shape = Shape.Broadcast(loss, weight.ShapeRef, input.ShapeRef); }
        catch (ArgumentException) { }
        if (shape is null || !Shape.Equal(shape, input.ShapeRef))
            throw new ArgumentException($"{loss}: {what} must broadcast to the input's shape; got {what} {Shape.Format(weight.ShapeRef)} and input {Shape.Format(input.ShapeRef)}");
    }

    public static void CheckPositive(string loss, string name, float value, bool allowZero)
    {
        bool ok = allowZero ? value >= 0f : value > 0f;
        if (!ok || float.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, $"{loss}: {name} must be {(allowZero ? "non-negative" : "positive")} and finite; got {value}");
    }

    public static Tensor Reduce(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.Mean => loss.Mean(),
        Reduction.Sum => loss.Sum(),
        _ => loss,
    };

    public static string Position(int flat, ReadOnlySpan<int> shape)
    {
        var coord = new int[shape.Length];
        for (int k = shape.Length - 1; k >= 0; k--)
        {
            if (shape[k] == 0) break;
            coord[k] = flat % shape[k];
            flat /= shape[k];
        }
        return Shape.Format(coord);
    }
}

namespace Descent.Nn;

/// <summary>
/// Class-index targets checked against an input of shape [C], [N, C] or [N, C, d1, ...]: the index to
/// gather each position's class with (ignored positions read class 0 and are masked out), and each
/// position's weight, w[class] or 1, and 0 where the target is the ignore index.
/// </summary>
internal sealed class ClassTargets
{
    private ClassTargets(IntTensor gatherIndex, BoolTensor keep, int[] classes, bool anyIgnored)
    {
        GatherIndex = gatherIndex;
        Keep = keep;
        Classes = classes;
        AnyIgnored = anyIgnored;
    }

    /// <summary>The target with a size-1 class dimension inserted, ignored positions set to 0.</summary>
    public IntTensor GatherIndex { get; }

    /// <summary>True where the target counts, false where it is the ignore index; the target's shape.</summary>
    public BoolTensor Keep { get; }

    /// <summary>Each position's class, 0 where ignored (for picking per-position weights).</summary>
    public int[] Classes { get; }

    public bool AnyIgnored { get; }

    /// <summary>The class dimension: 0 for an unbatched [C] input, else 1.</summary>
    public static int ClassDim(Tensor input) => input.Rank == 1 ? 0 : 1;

    /// <summary>The input's shape without its class dimension: the shape class-index targets must have.</summary>
    public static int[] IndexTargetShape(Tensor input)
    {
        int cd = ClassDim(input);
        return input.ShapeRef.Where((_, i) => i != cd).ToArray();
    }

    public static void CheckInput(string loss, Tensor input, object target)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (input.Rank == 0)
            throw new ArgumentException($"{loss}: input must have a class dimension, shape [C], [N, C] or [N, C, d1, ...]; got {Shape.Format(input.ShapeRef)}");
    }

    public static void CheckWeight(string loss, Tensor? weight, int classes)
    {
        if (weight is not null && !(weight.Rank == 1 && weight.Size(0) == classes))
            throw new ArgumentException($"{loss}: weight must have shape [{classes}], one value per class; got {Shape.Format(weight.ShapeRef)}");
    }

    /// <summary>
    /// Float class indices (older code): checked whole with the same message as a class out of range, then
    /// read as <see cref="IntTensor"/> indices.
    /// </summary>
    public static ClassTargets Parse(string loss, Tensor input, Tensor target, int ignoreIndex, bool probabilitiesAllowed)
    {
        CheckShape(loss, input, target.ShapeRef, probabilitiesAllowed);
        var values = target.Data;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (!float.IsFinite(v) || v != MathF.Floor(v))
                throw NotAClass(loss, v, i, target.ShapeRef, input.Size(ClassDim(input)), ignoreIndex);
        }
        return Parse(loss, input, target.AsIndices(loss), ignoreIndex, probabilitiesAllowed);
    }

    /// <summary>Checks the target's shape and that every value is a class in [0, C) or the ignore index.</summary>
    public static ClassTargets Parse(string loss, Tensor input, IntTensor target, int ignoreIndex, bool probabilitiesAllowed)
    {
        CheckShape(loss, input, target.ShapeRef, probabilitiesAllowed);
        var expected = IndexTargetShape(input);
        int cd = ClassDim(input);
        int classes = input.Size(cd);
        var values = target.Data;
        var classIndex = new int[values.Length];
        var keep = BoolTensor.Full(expected, false);
        var k = keep.DataSpan;
        bool anyIgnored = false;
        for (int i = 0; i < values.Length; i++)
        {
            long v = values[i];
            if (v == ignoreIndex)
            {
                anyIgnored = true;
                continue;
            }
            if (v < 0 || v >= classes) throw NotAClass(loss, v, i, target.ShapeRef, classes, ignoreIndex);
            classIndex[i] = (int)v;
            k[i] = true;
        }
        var gatherShape = input.Shape;
        gatherShape[cd] = 1;
        return new ClassTargets(IntTensor.FromArray(classIndex, gatherShape), keep, classIndex, anyIgnored);
    }

    /// <summary>
    /// The checks of <see cref="Parse(string, Tensor, Tensor, int, bool)"/> with the classes as the fused loss takes
    /// them: one per position (<paramref name="indices"/>, the target's length), −1 where the target is the ignore
    /// index (a class is never negative).
    /// </summary>
    public static void Indices(string loss, Tensor input, Tensor target, int ignoreIndex, bool probabilitiesAllowed, Span<int> indices)
    {
        CheckShape(loss, input, target.ShapeRef, probabilitiesAllowed);
        int classes = input.Size(ClassDim(input));
        var values = target.Data;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (v == ignoreIndex && float.IsFinite(v)) indices[i] = -1;
            else if (float.IsFinite(v) && v == MathF.Floor(v) && v >= 0 && v < classes) indices[i] = (int)v;
            else throw NotAClass(loss, v, i, target.ShapeRef, classes, ignoreIndex);
        }
    }

    /// <inheritdoc cref="Indices(string, Tensor, Tensor, int, bool, Span{int})"/>
    public static void Indices(string loss, Tensor input, IntTensor target, int ignoreIndex, Span<int> indices)
    {
        CheckShape(loss, input, target.ShapeRef, probabilitiesAllowed: false);
        int classes = input.Size(ClassDim(input));
        var values = target.Data;
        for (int i = 0; i < values.Length; i++)
        {
            long v = values[i];
            if (v == ignoreIndex) indices[i] = -1;
            else if (v >= 0 && v < classes) indices[i] = (int)v;
            else throw NotAClass(loss, v, i, target.ShapeRef, classes, ignoreIndex);
        }
    }

    private static void CheckShape(string loss, Tensor input, int[] target, bool probabilitiesAllowed)
    {
        // The fused loss checks every step; the expected shape is made only when the target does not fit.
        if (!IsIndexTargetShape(input, target))
        {
            var expected = IndexTargetShape(input);
            string alternative = probabilitiesAllowed ? $", or the input's shape {Shape.Format(input.ShapeRef)} for class probabilities" : "";
            throw new ArgumentException($"{loss}: target must have shape {Shape.Format(expected)} (the input's shape without the class dimension) for class indices{alternative}; got input {Shape.Format(input.ShapeRef)} and target {Shape.Format(target)}");
        }
    }

    /// <summary>Whether <paramref name="target"/> equals <see cref="IndexTargetShape"/> of the input, without making it.</summary>
    private static bool IsIndexTargetShape(Tensor input, int[] target)
    {
        var shape = input.ShapeRef;
        int cd = ClassDim(input);
        if (target.Length != shape.Length - 1) return false;
        for (int i = 0, j = 0; i < shape.Length; i++)
            if (i != cd && shape[i] != target[j++]) return false;
        return true;
    }

    private static ArgumentOutOfRangeException NotAClass(string loss, object value, int position, int[] shape, int classes, int ignoreIndex) =>
        new("target", $"{loss}: target {value} at position {LossChecks.Position(position, shape)} is not a class index in [0, {classes}) nor the ignore index {ignoreIndex}");

    /// <summary>w[class] per position (1 without weights), 0 where ignored; differentiable in the weight.</summary>
    public Tensor PositionWeights(Tensor? weight)
    {
        var keep = Keep.Float();
        if (weight is null) return keep;
        return weight.IndexSelect(0, Classes).Reshape(Keep.Shape).Mul(keep);
    }
}

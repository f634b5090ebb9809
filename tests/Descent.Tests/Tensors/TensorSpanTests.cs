using System.Numerics.Tensors;

namespace Descent.Tests.Tensors;

public class TensorSpanTests
{
    [Fact]
    public void AWriteThroughTheSpanIsReadThroughTheTensorAndBack()
    {
        var t = Tensor.Arange(0f, 6f).Reshape(2, 3);
        var span = t.AsTensorSpan();
        Assert.Equal([2, 3], span.Lengths.ToArray().Select(l => (int)l));
        span[1, 2] = 50f;
        Assert.Equal(50f, t.At(1, 2));
        t.At(0, 1) = -4f;
        Assert.Equal(-4f, span[0, 1]);
        Assert.Equal(-4f, t.AsReadOnlyTensorSpan()[0, 1]);
    }

    [Fact]
    public void AViewIntoALargerStorageIsSeenAtItsOffset()
    {
        // A row of a matrix is a view: the span must start at the row, not at the storage's start.
        var m = Tensor.Arange(0f, 12f).Reshape(3, 4);
        var row = m[1];
        var span = row.AsTensorSpan();
        Assert.Equal(4, (int)span.FlattenedLength);
        Assert.Equal(4f, span[0]);
        span[3] = 100f;
        Assert.Equal(100f, m.At(1, 3));
        Assert.Equal(8f, m.At(2, 0));
    }

    [Fact]
    public void TheSpanReadsInPlaceInSystemNumericsTensorsOps()
    {
        var t = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        Assert.Equal(10f, System.Numerics.Tensors.Tensor.Sum(t.AsReadOnlyTensorSpan()));
        // Write a whole result through the span: Descent sees it with no copy back.
        System.Numerics.Tensors.Tensor.Multiply(t.AsReadOnlyTensorSpan(), 2f, t.AsTensorSpan());
        Assert.Equal([2f, 4f, 6f, 8f], t.ToArray());
    }

    [Fact]
    public void AScalarIsOneElementLong()
    {
        var s = Tensor.Scalar(3f);
        var span = s.AsTensorSpan();
        Assert.Equal(1, span.Rank);
        Assert.Equal(1, (int)span.FlattenedLength);
        span[0] = 7f;
        Assert.Equal(7f, s.Item());
    }

    [Fact]
    public void FromASpanCopiesItsShapeAndValues()
    {
        float[] values = [1f, 2f, 3f, 4f, 5f, 6f];
        var t = Tensor.From(values.AsTensorSpan([2, 3]));
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal(values, t.ToArray());
        // A copy, as documented: the source and the tensor no longer share memory.
        values[0] = 99f;
        Assert.Equal(1f, t.At(0, 0));
    }

    [Fact]
    public void FromAStridedSpanReadsThroughItsStrides()
    {
        // A column-major view of [[1, 2, 3], [4, 5, 6]] over [1, 4, 2, 5, 3, 6].
        float[] columnMajor = [1f, 4f, 2f, 5f, 3f, 6f];
        var span = new ReadOnlyTensorSpan<float>(columnMajor, 0, [2, 3], [1, 2]);
        var t = Tensor.From(span);
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], t.ToArray());
    }

    [Fact]
    public void FromANumericsTensorRoundTripsThroughTheSpan()
    {
        var source = System.Numerics.Tensors.Tensor.Create(new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, [3, 2]);
        var t = Tensor.From(source);
        Assert.Equal([3, 2], t.Shape);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], t.ToArray());
        // Written through Descent's span, read back through a System.Numerics.Tensors op.
        t.AsTensorSpan()[2, 1] = 60f;
        var back = System.Numerics.Tensors.Tensor.Create(new float[6], [3, 2]);
        t.AsReadOnlyTensorSpan().CopyTo(back.AsTensorSpan());
        Assert.Equal(60f, back[2, 1]);
        Assert.Equal(6f, source[2, 1]);
    }

    [Fact]
    public void AnEmptyTensorGivesAnEmptySpan()
    {
        var t = Tensor.Zeros(0, 3);
        Assert.Equal(0, (int)t.AsReadOnlyTensorSpan().FlattenedLength);
        Assert.Equal([0, 3], Tensor.From(t.AsReadOnlyTensorSpan()).Shape);
    }
}

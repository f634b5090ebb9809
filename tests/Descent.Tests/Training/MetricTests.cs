using Descent.Training;

namespace Descent.Tests.Training;

public class MetricTests
{
    [Fact]
    public void Accuracy_MultiClass_ArgMaxAgainstIndices()
    {
        var acc = new Accuracy();
        acc.Reset();
        // Rows predict 2, 0, 1, 1 (a tie between classes 0 and 1 goes to the first, as argmax).
        var logits = Tensor.FromArray([0.1f, 0.2f, 0.9f, 3f, -1f, 0f, 0f, 5f, 1f, 2f, 2f, 1f], 4, 3);
        acc.Update(logits, Tensor.FromArray([2f, 0f, 0f, 1f]));
        Assert.Equal(0.5, acc.Compute());
        acc.Update(Tensor.FromArray([1f, 0f], 1, 2), Tensor.FromArray([0f], 1, 1));
        Assert.Equal(3.0 / 5, acc.Compute());
    }

    [Fact]
    public void Accuracy_Binary_UsesThreshold_ForVectorAndColumn()
    {
        var probabilities = new Accuracy();
        probabilities.Update(Tensor.FromArray([0.2f, 0.7f, 0.5f, 0.9f]), Tensor.FromArray([0f, 1f, 1f, 0f]));
        Assert.Equal(0.5, probabilities.Compute());   // 0.5 is not above 0.5, so predicts 0

        var logits = new Accuracy(threshold: 0f);
        logits.Update(Tensor.FromArray([-2f, 0.5f, 3f], 3, 1), Tensor.FromArray([0f, 1f, 1f], 3, 1));
        Assert.Equal(1.0, logits.Compute());
    }

    [Fact]
    public void Accuracy_Reset_ForgetsAndEmptyIsNaN()
    {
        var acc = new Accuracy();
        Assert.True(double.IsNaN(acc.Compute()));
        acc.Update(Tensor.FromArray([1f, 0f], 1, 2), Tensor.FromArray([1f]));
        Assert.Equal(0.0, acc.Compute());
        acc.Reset();
        Assert.True(double.IsNaN(acc.Compute()));
    }

    [Fact]
    public void Accuracy_NaNRow_CountsAsWrong()
    {
        var acc = new Accuracy();
        acc.Update(Tensor.FromArray([float.NaN, float.NaN, 1f, 0f], 2, 2), Tensor.FromArray([0f, 0f]));
        Assert.Equal(0.5, acc.Compute());
    }

    [Theory]
    [InlineData(new[] { 4, 3 }, new[] { 5 })]
    [InlineData(new[] { 4, 3 }, new[] { 4, 3 })]
    [InlineData(new[] { 4 }, new[] { 3 })]
    [InlineData(new[] { 2, 2, 2 }, new[] { 2 })]
    public void Accuracy_BadShapes_ThrowNamingBoth(int[] outputShape, int[] targetShape)
    {
        var e = Assert.Throws<ArgumentException>(() => new Accuracy().Update(Tensor.Zeros(outputShape), Tensor.Zeros(targetShape)));
        Assert.Contains("Accuracy", e.Message);
        Assert.Contains(Shape.Format(outputShape), e.Message);
        Assert.Contains(Shape.Format(targetShape), e.Message);
    }

    [Fact]
    public void Accuracy_NonFiniteThreshold_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Accuracy(float.NaN));
        Assert.Equal("threshold", e.ParamName);
    }

    [Fact]
    public void Mae_MeanOverAllElementsOfAllBatches()
    {
        var mae = new MeanAbsoluteError();
        mae.Update(Tensor.FromArray([1f, 2f, 3f]), Tensor.FromArray([1.5f, 2f, 1f], 3, 1));   // |.| = 0.5, 0, 2
        Assert.Equal(2.5 / 3, mae.Compute(), 12);
        mae.Update(Tensor.FromArray([0f]), Tensor.FromArray([-3.5f]));
        Assert.Equal(6.0 / 4, mae.Compute(), 12);
        Assert.False(mae.HigherIsBetter);
        Assert.Equal("mae", mae.Name);
    }

    [Fact]
    public void Mae_MismatchedSizes_Throw()
    {
        var e = Assert.Throws<ArgumentException>(() => new MeanAbsoluteError().Update(Tensor.Zeros(3, 2), Tensor.Zeros(3)));
        Assert.Contains("[3, 2]", e.Message);
        Assert.Contains("[3]", e.Message);
    }
}

namespace Descent.Tests.Training;

public class DeterminismTests
{
    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void SameSeed_GivesBitIdenticalHistoryAndWeights(string optimizer)
    {
        var first = TrainingKit.MoonsLearner(31, optimizer, epochs: 4);
        var second = TrainingKit.MoonsLearner(31, optimizer, epochs: 4);
        var a = first.Fit(4);
        var b = second.Fit(4);
        Assert.True(a.SameValues(b));
        TrainingKit.AssertBitIdentical(TrainingKit.Weights(first.Model), TrainingKit.Weights(second.Model));
    }

    [Fact]
    public void DifferentSeed_GivesDifferentRuns()
    {
        // Guards the test above against comparing things that never change.
        var a = TrainingKit.MoonsLearner(31, epochs: 2).Fit(2);
        var b = TrainingKit.MoonsLearner(32, epochs: 2).Fit(2);
        Assert.False(a.SameValues(b));
    }
}

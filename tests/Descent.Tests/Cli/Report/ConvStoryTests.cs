using Descent.Cli.Report;
using Descent.Data;
using Descent.Tutorial;

namespace Descent.Tests.Cli.Report;

public class ConvStoryTests
{
    private static readonly Lazy<TensorDataset> Digits = new(() => Mnist.LoadDigits(TestData.MnistDigits, asImages: true));

    [Fact]
    public void A_brief_training_learns_the_digits_and_exposes_the_first_layer_and_its_maps()
    {
        var settings = new ConvSettings(Seed: 1, TrainCount: 500, TestCount: 200, BatchSize: 25, Filters: 6, KernelSize: 3);
        var c = ConvStory.Run(Digits.Value, "digits", settings);
        Assert.Equal(20, c.Losses.Count);
        // Ten classes: an untrained network's cross-entropy is near ln 10.
        Assert.InRange(c.Losses[0], 1.9, 2.7);
        Assert.True(c.Losses.TakeLast(5).Average() < 0.7 * c.Losses[0], $"loss did not fall: {string.Join(", ", c.Losses)}");
        Assert.True(c.TestAccuracy > 0.5, $"held-out accuracy {c.TestAccuracy} is near chance (0.1)");
        Assert.Equal([6, 1, 3, 3], c.Weight.Shape);
        Assert.Equal([1, 1, 28, 28], c.Digit.Shape);
        Assert.Equal([1, 6, 28, 28], c.Activations.Shape);
        Assert.True(c.Activations.Data.ToArray().All(v => v >= 0), "activations are shown after ReLU");
        Assert.True(c.Activations.Data.ToArray().Any(v => v > 0), "some filter responds to the digit");
        Assert.Equal([ConvSettings.Samples, 1, 28, 28], c.SampleImages.Shape);
        Assert.Equal(c.SampleActual[0], c.DigitLabel);
        Assert.Equal(c.SamplePredicted[0], c.DigitPrediction);
        Assert.StartsWith("Conv2d(1, 6, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)), ReLU, MaxPool2d(2), Flatten, Linear(1176, 10)", c.Layers);
    }

    [Fact]
    public void Settings_out_of_range_are_refused_before_training()
    {
        Assert.Equal("KernelSize", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvSettings(KernelSize: 4).Validate()).ParamName);
        Assert.Equal("TestCount", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvSettings(TestCount: 3).Validate()).ParamName);
        Assert.Equal("Lr", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvSettings(Lr: -1).Validate()).ParamName);
        var small = new TensorDataset(Tensor.Zeros(30, 1, 28, 28), Tensor.Zeros(30));
        var ex = Assert.Throws<ArgumentException>(() => ConvStory.Run(small, "tiny", new ConvSettings(TrainCount: 20, TestCount: 16)));
        Assert.Contains("needs 36 digits; tiny has 30", ex.Message);
    }
}

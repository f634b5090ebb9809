using Descent.Training;

namespace Descent.Tests.Training;

/// <summary>Top-k accuracy, macro precision, recall and F1, and the confusion matrix, against counts done by hand.</summary>
public class ClassMetricTests
{
    // Targets 0 0 1 1 2 2; arg-max predictions 0 1 1 1 0 2. A fourth class never occurs, so macro averages skip it.
    // By hand: class 0: TP 1, predicted 2, actual 2; class 1: TP 2, predicted 3, actual 2; class 2: TP 1, predicted 1, actual 2.
    private static (Tensor Output, Tensor Target) Batch(int classes = 4)
    {
        int[] predicted = [0, 1, 1, 1, 0, 2];
        var scores = new float[predicted.Length * classes];
        for (int i = 0; i < predicted.Length; i++) scores[i * classes + predicted[i]] = 1f;
        return (Tensor.FromArray(scores, [predicted.Length, classes]), Tensor.FromArray([0f, 0, 1, 1, 2, 2], [6]));
    }

    private static double Run(IMetric metric, params (Tensor Output, Tensor Target)[] batches)
    {
        metric.Reset();
        foreach (var (o, t) in batches) metric.Update(o, t);
        return metric.Compute();
    }

    [Fact]
    public void Precision_is_the_mean_over_occurring_classes_of_right_predictions()
        => Assert.Equal((1 / 2.0 + 2 / 3.0 + 1 / 1.0) / 3, Run(new Precision(), Batch()), 12);

    [Fact]
    public void Recall_is_the_mean_over_occurring_classes_of_examples_found()
        => Assert.Equal((1 / 2.0 + 2 / 2.0 + 1 / 2.0) / 3, Run(new Recall(), Batch()), 12);

    [Fact]
    public void F1_is_the_mean_of_two_TP_over_two_TP_plus_errors()
        => Assert.Equal((2 / 4.0 + 4 / 5.0 + 2 / 3.0) / 3, Run(new F1Score(), Batch()), 12);

    [Fact]
    public void Macro_metrics_accumulate_batches_and_reset()
    {
        var (o, t) = Batch();
        var f1 = new F1Score();
        double whole = Run(f1, (o, t));
        double split = Run(f1, (o[..2], t[..2]), (o[2..], t[2..]));
        Assert.Equal(whole, split, 12);
        f1.Reset();
        Assert.True(double.IsNaN(f1.Compute()));
    }

    [Fact]
    public void A_class_predicted_but_never_right_counts_zero_precision()
    {
        // Targets 0 0; predictions 0 1: class 1 has precision 0 (0 of 1), class 0 precision 1.
        var output = Tensor.FromArray([1f, 0, 0, 1], [2, 2]);
        Assert.Equal(0.5, Run(new Precision(), (output, Tensor.FromArray([0f, 0], [2]))), 12);
        Assert.Equal((0.5 + 0) / 2, Run(new Recall(), (output, Tensor.FromArray([0f, 0], [2]))), 12);
    }

    [Fact]
    public void TopK_counts_a_class_within_the_k_best_and_ties_at_the_boundary()
    {
        var output = Tensor.FromArray([
            0.1f, 0.7f, 0.2f,       // target 2 is second: in the top 2, not the top 1
            0.5f, 0.3f, 0.2f,       // target 2 is last
            0.4f, 0.4f, 0.2f,       // target 1 tied for first: in the top 1, as in_top_k
            float.NaN, 0.9f, 0f,    // a NaN row is wrong
        ], [4, 3]);
        var target = Tensor.FromArray([2f, 2, 1, 1], [4]);
        Assert.Equal(1 / 4.0, Run(new TopKAccuracy(1), (output, target)));
        Assert.Equal(2 / 4.0, Run(new TopKAccuracy(2), (output, target)));
        Assert.Equal(3 / 4.0, Run(new TopKAccuracy(3), (output, target)));
        Assert.Equal("top2_accuracy", new TopKAccuracy(2).Name);
    }

    [Fact]
    public void ConfusionMatrix_counts_pairs_and_prints_rows_with_recall()
    {
        var confusion = new ConfusionMatrix();
        double balanced = Run(confusion, Batch(classes: 3));
        Assert.Equal((1 / 2.0 + 1 + 1 / 2.0) / 3, balanced, 12);
        Assert.Equal(1, confusion[0, 1]);
        Assert.Equal(2, confusion[1, 1]);
        Assert.Equal(0, confusion[2, 1]);
        Assert.Equal(3, confusion.Predicted(1));
        Assert.Equal("""
            confusion matrix (rows: actual, columns: predicted):
                        0    1    2   recall
                 0      1    1    0    50.0%
                 1      0    2    0   100.0%
                 2      1    0    1    50.0%
            """.ReplaceLineEndings("\n"), confusion.ToString());
    }

    [Fact]
    public void ConfusionMatrix_prints_class_names_and_counts_a_nan_row_in_its_class_only()
    {
        var confusion = new ConfusionMatrix(["cat", "dog"]);
        Run(confusion, (Tensor.FromArray([1f, 0, float.NaN, 0], [2, 2]), Tensor.FromArray([0f, 0], [2])));
        Assert.Equal(2, confusion.Actual(0));
        Assert.Equal(1, confusion.Predicted(0));
        Assert.Equal(0.5, confusion.RecallOf(0));
        Assert.Contains("cat", confusion.ToString());
    }

    [Fact]
    public void Class_metrics_refuse_bad_batches_naming_the_metric_and_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Precision().Update(Tensor.Zeros(3, 2), Tensor.Zeros(4)));
        Assert.Contains("Precision", e.Message);
        Assert.Contains("[3, 2] and [4]", e.Message);
        Assert.Contains("class indices from 0 to 1", Assert.Throws<ArgumentException>(() => new F1Score().Update(Tensor.Zeros(1, 2), Tensor.Full([1], 2f))).Message);
        Assert.Contains("k = 4", Assert.Throws<ArgumentException>(() => new TopKAccuracy(4).Update(Tensor.Zeros(1, 3), Tensor.Zeros(1))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TopKAccuracy(0));
        var confusion = new ConfusionMatrix();
        confusion.Update(Tensor.Zeros(1, 2), Tensor.Zeros(1));
        Assert.Contains("call Reset", Assert.Throws<ArgumentException>(() => confusion.Update(Tensor.Zeros(1, 3), Tensor.Zeros(1))).Message);
    }
}

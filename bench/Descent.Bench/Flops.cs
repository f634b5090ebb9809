namespace Descent.Bench;

/// <summary>
/// Floating-point operations of a case's matrix products (2 per multiply-add), counted from its shapes; the
/// element-wise work (activations, norms, softmax, the optimizer) is left out, as it is a few percent at most
/// of these cases' products and not what the FMA peak measures. A train step counts the forward products, every
/// weight gradient (the same work again) and each input gradient that the backward needs: none for the
/// network's input, which never requires grad.
/// </summary>
public static class Flops
{
    private static double Product(double m, double n, double k) => 2 * m * n * k;

    /// <summary>n × n by n × n.</summary>
    public static double Sgemm(int n) => Product(n, n, n);

    /// <summary>Linear layers of the given widths on a batch, forward only: 0.47 MFLOP per example for 784-256-128-10.</summary>
    public static double MlpInference(int batch, int[] widths) =>
        Enumerable.Range(0, widths.Length - 1).Sum(i => Product(batch, widths[i + 1], widths[i]));

    /// <summary>Forward, weight gradients, and input gradients for all but the first layer: 1.007 MFLOP per example for 784-256-128-10.</summary>
    public static double MlpTrain(int batch, int[] widths) =>
        2 * MlpInference(batch, widths) + MlpInference(batch, widths[1..]);

    /// <summary>
    /// The benchmark's LeNet on 28 × 28 inputs: conv 1→8 3×3 (26 × 26 out), pool to 13, conv 8→16 3×3 (11 × 11),
    /// pool to 5, linear 400→10. Forward and weight gradients of all three; input gradients of conv2 and linear.
    /// </summary>
    public static double LeNetTrain(int batch)
    {
        double conv1 = Product(batch * 26 * 26, 8, 1 * 9), conv2 = Product(batch * 11 * 11, 16, 8 * 9), linear = Product(batch, 10, 400);
        return 2 * (conv1 + conv2 + linear) + conv2 + linear;
    }

    /// <summary>
    /// A transformer encoder block's step: per token the in-projection d→3d, out-projection d→d and the MLP d→f→d;
    /// per sequence and head Q·Kᵀ and A·V (T × T × d/heads each). Every input gradient is needed (the layer norms'
    /// weights sit before the first product), so the step is three times the forward.
    /// </summary>
    public static double TransformerTrain(int batch, int steps, int width, int feedforward)
    {
        double tokens = (double)batch * steps;
        double linear = Product(tokens, 3 * width, width) + Product(tokens, width, width) + 2 * Product(tokens, feedforward, width);
        double attention = 2 * Product(batch * (double)steps, steps, width);
        return 3 * (linear + attention);
    }

    /// <summary>
    /// One LSTM layer's step over T steps: per step the input product (input → 4·hidden) and the recurrent product
    /// (hidden → 4·hidden); their weight gradients, and the recurrent input gradient (the input's is not needed).
    /// </summary>
    public static double LstmTrain(int batch, int steps, int input, int hidden)
    {
        double rows = (double)batch * steps;
        double inputProduct = Product(rows, 4 * hidden, input), recurrent = Product(rows, 4 * hidden, hidden);
        return 2 * (inputProduct + recurrent) + recurrent;
    }
}

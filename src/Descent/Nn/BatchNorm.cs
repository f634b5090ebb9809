namespace Descent.Nn;

/// <summary>
/// Shared machinery of <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/>, like PyTorch's
/// <c>_BatchNorm</c>: per-channel weight (ones) and bias (zeros), and the buffers
/// <c>running_mean</c> (zeros), <c>running_var</c> (ones) and <c>num_batches_tracked</c> (a float scalar, into
/// which the int64 count of a PyTorch state dict loads exactly: <see cref="Descent.IO.Safetensors"/>).
/// </summary>
public abstract class BatchNorm : Module
{
    /// <summary>Creates the layer; a null <paramref name="momentum"/> means a cumulative moving average.</summary>
    protected BatchNorm(int numFeatures, float eps, float? momentum, bool affine, bool trackRunningStats)
    {
        string layer = GetType().Name;
        if (numFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, $"{layer}: num_features must be > 0");
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{layer}: eps must be > 0");
        if (momentum is float m && !(m >= 0f && m <= 1f))
            throw new ArgumentOutOfRangeException(nameof(momentum), m, $"{layer}: momentum must be in [0, 1] or null");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Weight = RegisterParameter("weight", affine ? new Parameter(Tensor.Ones(numFeatures)) : null);
        Bias = RegisterParameter("bias", affine ? new Parameter(Tensor.Zeros(numFeatures)) : null);
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
            // PyTorch keeps an int64 scalar; Descent's tensors are float32, exact up to 2^24 batches.
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Scalar(0f));
        }
    }

    /// <summary>Number of channels C.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance for stability.</summary>
    public float Eps { get; }

    /// <summary>Weight of the newest batch in the running statistics; null for a cumulative average.</summary>
    public float? Momentum { get; }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{NumFeatures}, eps={ModuleText.Float(Eps)}, momentum={(Momentum is float m ? ModuleText.Float(m) : "None")}, affine={ModuleText.Bool(Weight != null)}, track_running_stats={ModuleText.Bool(RunningMean != null)}";

    /// <summary>Per-channel scale, or null when affine is off.</summary>
    public Parameter? Weight { get; }

    /// <summary>Per-channel shift, or null when affine is off.</summary>
    public Parameter? Bias { get; }

    /// <summary>Running mean per channel (buffer), or null when running statistics are not tracked.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>Running unbiased variance per channel (buffer), or null.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>Number of training batches seen (buffer), or null.</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <summary>Whether an input of this rank suits the layer.</summary>
    protected abstract bool AcceptsRank(int rank);

    /// <summary>The accepted input layouts, for error messages.</summary>
    protected abstract string ExpectedLayout { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        string layer = GetType().Name;
        if (!AcceptsRank(input.Rank))
            throw new ArgumentException($"{layer}: expected input {ExpectedLayout}; got input {Shape.Format(input.ShapeRef)}");
        if (input.Size(1) != NumFeatures)
            throw new ArgumentException($"{layer}: input's dimension 1 must be num_features={NumFeatures}; got input {Shape.Format(input.ShapeRef)} and {StatisticName} [{NumFeatures}]");

        // As PyTorch: without running statistics the layer always normalises with batch statistics.
        bool useBatchStats = Training || RunningMean is null;
        if (useBatchStats && input.Numel / NumFeatures <= 1)
            throw new ArgumentException($"{layer}: expected more than 1 value per channel when training; got input {Shape.Format(input.ShapeRef)}");
        float factor = 0f;
        if (Training && NumBatchesTracked != null)
        {
            NumBatchesTracked.DataSpan[0] += 1f;
            factor = Momentum ?? 1f / NumBatchesTracked.Data[0];
        }
        return Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, useBatchStats, factor, Eps);
    }

    private string StatisticName => Weight != null ? "weight" : RunningMean != null ? "running_mean" : "num_features";
}

/// <summary>
/// Batch normalisation of [N, C] or [N, C, L] inputs over the batch (and length), like
/// <c>torch.nn.BatchNorm1d</c>. Training normalises with the batch's mean and biased variance and
/// updates the running statistics (the variance with the unbiased estimate); evaluation uses them.
/// </summary>
/// <example><code>
/// var bn = new BatchNorm1d(4);
/// var y = bn.Forward(Tensor.Randn(8, 4));   // training: batch statistics
/// var z = bn.Eval().Forward(Tensor.Randn(2, 4)); // running statistics
/// </code></example>
public sealed class BatchNorm1d(int numFeatures, float eps = 1e-5f, float? momentum = 0.1f, bool affine = true, bool trackRunningStats = true)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats)
{
    /// <inheritdoc/>
    protected override bool AcceptsRank(int rank) => rank is 2 or 3;

    /// <inheritdoc/>
    protected override string ExpectedLayout => $"[N, {NumFeatures}] or [N, {NumFeatures}, L] (2-D or 3-D)";
}

/// <summary>
/// Batch normalisation of [N, C, H, W] inputs over batch and space, like <c>torch.nn.BatchNorm2d</c>.
/// </summary>
/// <example><code>
/// var bn = new BatchNorm2d(3);
/// var y = bn.Forward(Tensor.Randn(2, 3, 5, 5));
/// </code></example>
public sealed class BatchNorm2d(int numFeatures, float eps = 1e-5f, float? momentum = 0.1f, bool affine = true, bool trackRunningStats = true)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats)
{
    /// <inheritdoc/>
    protected override bool AcceptsRank(int rank) => rank == 4;

    /// <inheritdoc/>
    protected override string ExpectedLayout => $"[N, {NumFeatures}, H, W] (4-D)";
}

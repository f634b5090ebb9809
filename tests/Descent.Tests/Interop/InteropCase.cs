using Descent.Cli.Train;
using Descent.Nn;
using Descent.Training;

namespace Descent.Tests.Interop;

/// <summary>
/// One of Descent's models taken to PyTorch and back: its <c>--model</c> text, the data it reads and the
/// synthetic set it learns. A model joins the round trips with one entry in <see cref="All"/> and its torch.nn
/// twin in <c>tests/interop/models.py</c> (<c>BUILDERS</c>).
/// </summary>
/// <param name="Arch">The model as <c>descent train --model</c> names it.</param>
/// <param name="InputShape">One example's shape.</param>
/// <param name="Classes">The classes it tells apart.</param>
/// <param name="Dropout">The rate it is built with; not 0 somewhere, since a Dropout shifts the state-dict indices after it.</param>
internal sealed record InteropCase(string Arch, int[] InputShape, int Classes, float Dropout)
{
    public static readonly IReadOnlyDictionary<string, InteropCase> All = new Dictionary<string, InteropCase>
    {
        ["mlp"] = new("mlp:16,8", [4], 3, 0f),
        ["cnn"] = new("cnn:4,8,16", [1, 8, 8], 4, 0.1f),
    };

    public const int Examples = 96, EvalExamples = 16;

    /// <summary>Gaussian inputs labelled by a fixed random linear map's largest output: learnable, and the same for a seed.</summary>
    public (Tensor Inputs, Tensor Targets, Tensor EvalInputs) Data(ulong seed)
    {
        var g = new Generator(seed);
        int features = InputShape.Aggregate(1, (a, b) => a * b);
        var inputs = Tensor.Randn([Examples, .. InputShape], g);
        var labeller = Tensor.Randn([features, Classes], g);
        var targets = inputs.Reshape(Examples, features).MatMul(labeller).ArgMax(1).Float();
        return (inputs, targets, Tensor.Randn([EvalExamples, .. InputShape], g));
    }

    /// <summary>The model exactly as <c>descent train</c> builds it, so the files are the CLI's own.</summary>
    public Sequential Build(ulong seed) => ModelSpec.Parse(Arch).Build(InputShape, Classes, Dropout, new Generator(seed), new Generator(seed + 1));

    /// <summary>The description <c>descent train --save</c> writes beside the weights.</summary>
    public ModelInfo Info(ulong seed) => new(Arch, ModelInfo.Classification, InputShape, Classes, Dropout, null, null, null, "csv:interop.csv", seed, 0.2);
}

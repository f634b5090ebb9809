using System.Text;
using System.Text.Json;

namespace Descent.Cli.Train;

/// <summary>Builds the one line of JSON that ends a command's output under <c>--json</c>; non-finite numbers become null.</summary>
public sealed class JsonLine : IDisposable
{
    private readonly MemoryStream _buffer = new();

    /// <summary>Starts the object.</summary>
    public JsonLine()
    {
        Writer = new Utf8JsonWriter(_buffer);
        Writer.WriteStartObject();
    }

    /// <summary>The underlying writer, for arrays and nested objects.</summary>
    public Utf8JsonWriter Writer { get; }

    /// <summary>Writes a number property (null when not finite).</summary>
    public JsonLine Number(string name, double? value)
    {
        Writer.WritePropertyName(name);
        Value(Writer, value);
        return this;
    }

    /// <summary>Writes a float property with its shortest decimal form (0.003, not 0.0030000000261).</summary>
    public JsonLine Number(string name, float value) =>
        Number(name, float.IsFinite(value) ? double.Parse(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture) : double.NaN);

    /// <summary>Writes a string property (null when null).</summary>
    public JsonLine String(string name, string? value)
    {
        if (value == null) Writer.WriteNull(name);
        else Writer.WriteString(name, value);
        return this;
    }

    /// <summary>Writes a number (null when not finite or null).</summary>
    public static void Value(Utf8JsonWriter writer, double? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is double v && double.IsFinite(v)) writer.WriteNumberValue(v);
        else writer.WriteNullValue();
    }

    /// <summary>Closes the object and returns it as one line.</summary>
    public override string ToString()
    {
        Writer.WriteEndObject();
        Writer.Flush();
        return Encoding.UTF8.GetString(_buffer.ToArray());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Writer.Dispose();
        _buffer.Dispose();
    }
}

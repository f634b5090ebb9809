namespace Descent.IO;

/// <summary>A safetensors (or checkpoint) file that is malformed; the message names the file, the tensor and the offsets.</summary>
public sealed class SafetensorsFormatException(string message, Exception? inner = null) : Exception(message, inner);

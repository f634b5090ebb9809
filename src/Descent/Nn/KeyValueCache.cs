namespace Descent.Nn;

/// <summary>
/// The keys and values a <see cref="Gpt"/> has computed for the positions it has already seen, one pair of
/// [batch, heads, blockSize, headDim] buffers per block, so the next position attends to them instead of
/// recomputing them. Made by <see cref="Gpt.NewCache"/> and filled by <see cref="Gpt.Forward(IntTensor, KeyValueCache)"/>.
/// The buffers are allocated once at full length: a step writes its own rows and attends over the whole buffer
/// with the rows not yet written masked out, so no step copies or grows the cache.
/// </summary>
/// <example><code>
/// var cache = model.NewCache();
/// var first = model.Forward(prompt, cache);           // prompt [1, T]: fills positions 0..T−1
/// var next = model.Forward(IntTensor.FromArray([7], [1, 1]), cache);   // one more position
/// </code></example>
public sealed class KeyValueCache
{
    private readonly Tensor[] _keys, _values;
    private readonly int _heads, _headDim;

    internal KeyValueCache(int layers, int batch, int heads, int capacity, int headDim)
    {
        (Batch, Capacity, _heads, _headDim) = (batch, capacity, heads, headDim);
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (int i = 0; i < layers; i++)
        {
            _keys[i] = Tensor.Zeros(batch, heads, capacity, headDim);
            _values[i] = Tensor.Zeros(batch, heads, capacity, headDim);
        }
    }

    /// <summary>The batch size the cache was made for.</summary>
    public int Batch { get; }

    /// <summary>The most positions it holds: the model's blockSize.</summary>
    public int Capacity { get; }

    /// <summary>Positions filled so far; the next token goes to this position.</summary>
    public int Length { get; private set; }

    /// <summary>Forgets every position, so the next forward starts at position 0.</summary>
    public void Clear() => Length = 0;

    internal Tensor Keys(int layer) => _keys[layer];

    internal Tensor Values(int layer) => _values[layer];

    // keyValue is [batch, count, 2·heads·headDim], each row the key then the value of one of the positions
    // Length..Length+count−1, written into this layer's [batch, heads, capacity, headDim] buffers.
    internal void Write(int layer, Tensor keyValue, int count)
    {
        var source = keyValue.Data;
        Span<float> keys = _keys[layer].DataSpan, values = _values[layer].DataSpan;
        int width = _heads * _headDim;
        for (int b = 0; b < Batch; b++)
            for (int p = 0; p < count; p++)
            {
                var row = source.Slice((b * count + p) * 2 * width, 2 * width);
                for (int h = 0; h < _heads; h++)
                {
                    int at = ((b * _heads + h) * Capacity + Length + p) * _headDim;
                    row.Slice(h * _headDim, _headDim).CopyTo(keys.Slice(at, _headDim));
                    row.Slice(width + h * _headDim, _headDim).CopyTo(values.Slice(at, _headDim));
                }
            }
    }

    // Scaled dot-product attention's mask (true = takes part) for `count` new queries: query i, at position
    // Length + i, sees the rows 0..Length + i; the rows after it, written or not, are hidden.
    internal BoolTensor Visible(int count)
    {
        var visible = new bool[count * Capacity];
        for (int i = 0; i < count; i++) visible.AsSpan(i * Capacity, Length + i + 1).Fill(true);
        return BoolTensor.FromArray(visible, [count, Capacity]);
    }

    internal void Advance(int count) => Length += count;
}

namespace Descent.Nn;

/// <summary>
/// The shape of a <see cref="Gpt"/>: vocabulary, context length, depth, heads, width and dropout. The defaults are
/// nanoGPT's CPU configuration for characters (4 layers, 4 heads, width 128, block 64, dropout 0); only the
/// vocabulary has none, since it comes from the tokenizer.
/// </summary>
/// <param name="VocabSize">Number of token ids; the embedding's rows and the head's outputs.</param>
/// <param name="BlockSize">The longest context: the position embedding's rows.</param>
/// <param name="Layers">Number of transformer blocks.</param>
/// <param name="Heads">Attention heads per block; must divide <paramref name="Width"/>.</param>
/// <param name="Width">The model's width (embedding size); the feed-forward block is 4× as wide.</param>
/// <param name="Dropout">Dropout after the embeddings, on the attention weights and in each block, in training only.</param>
/// <example><code>
/// var config = new GptConfig(VocabSize: 65);                // the recipe, for 65 characters
/// var tiny = new GptConfig(VocabSize: 11, BlockSize: 8, Layers: 1, Heads: 2, Width: 8);
/// </code></example>
public sealed record GptConfig(int VocabSize, int BlockSize = 64, int Layers = 4, int Heads = 4, int Width = 128, float Dropout = 0f)
{
    /// <summary>Throws an exception naming the first field that breaks its rule.</summary>
    public void Validate()
    {
        if (VocabSize <= 0) throw new ArgumentOutOfRangeException(nameof(VocabSize), VocabSize, "Gpt: vocabSize must be > 0");
        if (BlockSize <= 0) throw new ArgumentOutOfRangeException(nameof(BlockSize), BlockSize, "Gpt: blockSize must be > 0");
        if (Layers <= 0) throw new ArgumentOutOfRangeException(nameof(Layers), Layers, "Gpt: layers must be > 0");
        if (Heads <= 0) throw new ArgumentOutOfRangeException(nameof(Heads), Heads, "Gpt: heads must be > 0");
        if (Width <= 0) throw new ArgumentOutOfRangeException(nameof(Width), Width, "Gpt: width must be > 0");
        if (Width % Heads != 0)
            throw new ArgumentException($"Gpt: heads must divide width; got width {Width} and heads {Heads}");
        if (!(Dropout >= 0f && Dropout < 1f)) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Gpt: dropout must be in [0, 1)");
    }
}

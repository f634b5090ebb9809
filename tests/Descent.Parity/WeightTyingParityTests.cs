using Descent.Nn;
using TorchSharp;
using static Descent.Parity.Oracle;
using F = TorchSharp.torch.nn.functional;
using Module = Descent.Nn.Module;

namespace Descent.Parity;

/// <summary>
/// A GPT head tied to its token embedding against libtorch, where one leaf tensor is both the lookup
/// table and the head's weight: the output and the shared weight's gradient (the sum over both uses,
/// which libtorch's autograd forms on its own) must agree.
/// </summary>
public class WeightTyingParityTests
{
    private sealed class TiedHead : Module
    {
        private readonly Embedding _wte;
        private readonly RMSNorm _norm;
        private readonly Linear _head;

        public TiedHead(int vocab, int dim, Generator g)
        {
            _wte = RegisterModule("wte", new Embedding(vocab, dim, g));
            _norm = RegisterModule("ln_f", new RMSNorm(dim, 1e-5f));
            _head = RegisterModule("lm_head", new Linear(dim, vocab, bias: false));
            _head.Weight = _wte.Weight;
        }

        public override Tensor Forward(Tensor tokens) => _head.Forward(_norm.Forward(_wte.Forward(tokens)));
    }

    [Theory]
    [InlineData(13, 8, new[] { 2, 9 })]
    [InlineData(40, 16, new[] { 33 })]
    public void EmbeddingAndTiedHeadMatch(int vocab, int dim, int[] tokens)
    {
        var g = new Generator((ulong)(vocab * 7 + dim));
        var model = new TiedHead(vocab, dim, g);
        Assert.Equal(["wte.weight", "ln_f.weight"], model.NamedParameters().Select(p => p.Name));
        var ids = Tensor.RandInt(0, vocab, tokens, g);
        ids.DataSpan[0] = ids.Data[^1]; // a repeated token adds two rows of gradient on the embedding side too
        // ModuleOracle hands libtorch the input then Parameters() in order: the tied weight once, then the norm's.
        ModuleOracle.Check($"tied head vocab={vocab} dim={dim}", model, t =>
        {
            var h = t[1].index_select(0, t[0].to(torch.int64).flatten()).reshape([.. tokens.Select(d => (long)d), dim]);
            h = h * torch.rsqrt(h.pow(2).mean([-1L], keepdim: true) + 1e-5) * t[2];
            return F.linear(h, t[1]);
        }, ids.Detach());
    }
}

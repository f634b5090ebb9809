using Descent.IO;
using Descent.Nn;
using Descent.Optim;
using Module = Descent.Nn.Module;

namespace Descent.Tests.Nn;

/// <summary>
/// Weight tying as PyTorch does it: GPT's output head reuses the token embedding's Parameter. It is one
/// tensor, listed once for training, saved under both names, and its gradient sums both uses.
/// </summary>
public class WeightTyingTests
{
    /// <summary>A GPT-shaped toy: embedding → RMSNorm → head tied to the embedding.</summary>
    internal sealed class TinyGpt : Module
    {
        public readonly Embedding Wte;
        public readonly RMSNorm LnF;
        public readonly Linear LmHead;

        public TinyGpt(int vocab = 11, int dim = 6, bool tie = true, ulong seed = 1)
        {
            var g = new Generator(seed);
            Wte = RegisterModule("wte", new Embedding(vocab, dim, g));
            LnF = RegisterModule("ln_f", new RMSNorm(dim));
            LmHead = RegisterModule("lm_head", new Linear(dim, vocab, bias: false, generator: g));
            if (tie) LmHead.Weight = Wte.Weight;
        }

        public override Tensor Forward(Tensor tokens) => LmHead.Forward(LnF.Forward(Wte.Forward(tokens)));
    }

    private static Tensor Tokens(int count = 7, int vocab = 11) => Tensor.RandInt(0, vocab, [count], new Generator(3));

    [Fact]
    public void A_tied_weight_is_listed_once_under_its_first_name()
    {
        var model = new TinyGpt();
        Assert.Same(model.Wte.Weight, model.LmHead.Weight);
        Assert.Equal(["wte.weight", "ln_f.weight"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(2, model.Parameters().Count());
        Assert.Equal(["wte.weight", "ln_f.weight", "lm_head.weight"], model.NamedParameters(removeDuplicate: false).Select(p => p.Name));
        Assert.Empty(RegistrationTests.UnregisteredFields(model));
        // Untied, nothing changes: three parameters in registration order.
        Assert.Equal(["wte.weight", "ln_f.weight", "lm_head.weight"], new TinyGpt(tie: false).NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void The_state_dict_holds_both_names_and_loading_it_keeps_the_tie()
    {
        var source = new TinyGpt(seed: 1);
        var state = source.StateDict();
        Assert.Equal(["wte.weight", "ln_f.weight", "lm_head.weight"], state.Keys);
        Assert.Equal(state["wte.weight"].ToArray(), state["lm_head.weight"].ToArray());

        var target = new TinyGpt(seed: 2);
        target.LoadStateDict(state);
        Assert.Same(target.Wte.Weight, target.LmHead.Weight);
        Assert.Equal(source.Wte.Weight.ToArray(), target.LmHead.Weight.ToArray());
        Assert.Equal(source.Forward(Tokens()).ToArray(), target.Forward(Tokens()).ToArray());
    }

    [Fact]
    public void Strict_loading_needs_both_names_as_PyTorch_does_and_non_strict_fills_the_tie_from_one()
    {
        var state = new TinyGpt(seed: 1).StateDict();
        state.Remove("lm_head.weight");
        var target = new TinyGpt(seed: 2);
        var before = target.Wte.Weight.ToArray();
        var e = Assert.Throws<StateDictMismatchException>(() => target.LoadStateDict(state));
        Assert.Equal("LoadStateDict: the state does not fit TinyGpt; missing keys: lm_head.weight", e.Message);
        Assert.Equal(before, target.Wte.Weight.ToArray());

        var result = target.LoadStateDict(state, strict: false);
        Assert.Equal(["lm_head.weight"], result.MissingKeys);
        Assert.Equal(state["wte.weight"].ToArray(), target.LmHead.Weight.ToArray());
    }

    [Fact]
    public void A_safetensors_round_trip_restores_values_and_the_tie()
    {
        var source = new TinyGpt(seed: 1);
        var path = Path.Combine(Path.GetTempPath(), $"descent-tied-{Guid.NewGuid():N}.safetensors");
        try
        {
            Safetensors.Save(path, source.StateDict());
            var (tensors, _) = Safetensors.Load(path);
            Assert.Equal(["wte.weight", "ln_f.weight", "lm_head.weight"], tensors.Keys);
            var target = new TinyGpt(seed: 2);
            target.LoadStateDict(tensors);
            Assert.Same(target.Wte.Weight, target.LmHead.Weight);
            Assert.Equal(source.Forward(Tokens()).ToArray(), target.Forward(Tokens()).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_tied_gradient_is_the_sum_of_both_uses()
    {
        var tied = new TinyGpt(seed: 4);
        var untied = new TinyGpt(tie: false, seed: 4);
        tied.Wte.Weight.Data.CopyTo(untied.LmHead.Weight.DataSpan);
        var tokens = Tokens();
        var g = Tensor.Randn([7, 11], new Generator(5));
        tied.Forward(tokens).Backward(g);
        untied.Forward(tokens).Backward(g);
        var sum = untied.Wte.Weight.Grad!.ToArray().Zip(untied.LmHead.Weight.Grad!.ToArray(), (a, b) => a + b).ToArray();
        var got = tied.Wte.Weight.Grad!.ToArray();
        for (int i = 0; i < sum.Length; i++) Assert.Equal(sum[i], got[i], 1e-5f);
    }

    [Fact]
    public void An_optimizer_over_Parameters_steps_the_tied_weight_once()
    {
        var tied = new TinyGpt(seed: 6);
        var before = tied.Wte.Weight.ToArray();
        var opt = new SGD(tied.Parameters(), lr: 0.5);
        tied.Forward(Tokens()).Sum().Backward();
        var grad = tied.Wte.Weight.Grad!.ToArray();
        opt.Step();
        var after = tied.LmHead.Weight.ToArray();
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i] - 0.5f * grad[i], after[i], 1e-6f);
    }

    [Fact]
    public void Optimizers_refuse_a_parameter_listed_twice_within_or_across_groups()
    {
        // PyTorch raises across groups and warns within one; Descent refuses both, since a parameter
        // listed twice would be stepped twice. Parameters() never lists a tied weight twice.
        var w = new Parameter(Tensor.Zeros(3));
        var e = Assert.Throws<ArgumentException>(() => new SGD([w, w], lr: 0.1));
        Assert.Equal("SGD: a parameter of shape [3] appears more than once in the parameter groups", e.Message);
        var other = new Parameter(Tensor.Zeros(2));
        e = Assert.Throws<ArgumentException>(() => new Adam([new ParamGroup([w, other]), new ParamGroup([w])], lr: 0.1));
        Assert.Equal("Adam: a parameter of shape [3] appears more than once in the parameter groups", e.Message);
        var tied = new TinyGpt();
        Assert.Equal(2, new AdamW(tied.Parameters()).ParamGroups[0].Parameters.Count);
    }

    [Fact]
    public void Tying_checks_the_shape_and_names_the_layer()
    {
        var e = Assert.Throws<ArgumentException>(() => new Linear(6, 11).Weight = new Parameter(Tensor.Zeros(6, 11)));
        Assert.Equal("Linear: weight must be [out_features, in_features] = [11, 6]; got [6, 11]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Embedding(11, 6).Weight = new Parameter(Tensor.Zeros(11)));
        Assert.Equal("Embedding: weight must be [num_embeddings, embedding_dim] = [11, 6]; got [11]", e.Message);
        Assert.Throws<ArgumentNullException>(() => new Linear(2, 2).Weight = null!);
    }

    [Fact]
    public void Tying_the_other_way_round_keeps_the_heads_name_first_when_it_registers_first()
    {
        // nanoGPT writes wte.weight = lm_head.weight; the name kept is still the first registered.
        var emb = new Embedding(5, 3, new Generator(1));
        var head = new Linear(3, 5, bias: false);
        emb.Weight = head.Weight;
        var model = new Sequential(head, emb);
        Assert.Same(head.Weight, emb.Weight);
        Assert.Equal(["0.weight"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(["0.weight", "1.weight"], model.StateDict().Keys);
    }
}

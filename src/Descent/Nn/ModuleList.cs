using System.Globalization;

namespace Descent.Nn;

// Holds the copies of a Transformer stack under "0", "1", ... as torch.nn.ModuleList does, so the state-dict
// keys read layers.0.self_attn.in_proj_weight; the stack calls the layers itself, with their masks.
internal sealed class ModuleList : Module
{
    public ModuleList(Module[] modules)
    {
        for (int i = 0; i < modules.Length; i++) RegisterModule(i.ToString(CultureInfo.InvariantCulture), modules[i]);
    }

    public override Tensor Forward(Tensor input) =>
        throw new NotSupportedException("ModuleList: a list of modules has no forward; its owner calls each module");
}

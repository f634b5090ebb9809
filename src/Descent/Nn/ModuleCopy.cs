namespace Descent.Nn;

// What copy.deepcopy carries over from one module to a freshly built twin: values, gradient flags and
// training mode. The twin's own structure comes from its constructor, so nothing else needs copying.
internal static class ModuleCopy
{
    public static T CopyState<T>(T source, T target) where T : Module
    {
        target.LoadStateDict(source.StateDict());
        foreach (var ((_, from), (_, to)) in source.NamedParameters(removeDuplicate: false).Zip(target.NamedParameters(removeDuplicate: false)))
            to.RequiresGrad = from.RequiresGrad;
        var modes = source.NamedModules().Select(m => m.Module.Training).ToArray();
        foreach (var ((_, m), training) in target.NamedModules().Zip(modes)) m.Train(training);
        return target;
    }
}

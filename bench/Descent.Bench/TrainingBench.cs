using Descent.Nn;
using Descent.Optim;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Bench;

/// <summary>
/// The end-to-end cases of the speed issue: the tutorial step, one tiny op, the MLP and the LeNet-like
/// CNN, each built twice from the same initial weights and data (Descent's modules; libtorch's
/// functional ops on copies of those parameters, as torch.nn's modules call them). The libtorch side is
/// written as a competent PyTorch user writes it: one dispose scope per call, gradients set to none
/// (PyTorch's default since 2.0) rather than zero-filled (<see cref="Steps"/>). Both sides consume the loss
/// and one updated weight (or the output) through <see cref="Sink"/>.
/// </summary>
public static class TrainingBench
{
    private static readonly int[] MlpWidths = [784, 256, 128, 10];

    public static IEnumerable<Row> Tutorial(Timing timing, int[] threadCounts)
    {
        var x = Tensor.Linspace(0f, 1f, 50);
        var y = x * 3f + 8f;
        var a = Tensor.Scalar(0f).RequireGrad();
        var b = Tensor.Scalar(0f).RequireGrad();
        const float lr = 0.01f;
        var tx = torch.tensor(x.ToArray());
        var ty = torch.tensor(y.ToArray());
        var ta = torch.tensor(0f).requires_grad_();
        var tb = torch.tensor(0f).requires_grad_();
        return ThreadCounts.Each(threadCounts, t => timing.Compare("tutorial", "step (50 points)", t, () =>
        {
            var loss = (a * x + b - y).Square().Mean();
            loss.Backward();
            using (Autograd.NoGrad())
            {
                a.SubInPlace(a.Grad! * lr);
                b.SubInPlace(b.Grad! * lr);
            }
            a.ZeroGrad();
            b.ZeroGrad();
            Sink.Consume(loss);
            Sink.Consume(a);
        }, () =>
        {
            using var scope = torch.NewDisposeScope();
            var loss = (ta * tx + tb - ty).square().mean();
            loss.backward();
            using (torch.no_grad())
            {
                ta.sub_(ta.grad! * lr);
                tb.sub_(tb.grad! * lr);
            }
            ta.grad = null;
            tb.grad = null;
            Sink.Consume(loss);
            Sink.Consume(ta);
        }, flops: null, Target.Tutorial, warmup: 200, settleHeap: true));
    }

    public static IEnumerable<Row> PerOp(Timing timing, int[] threadCounts)
    {
        var a = Tensor.Scalar(1f);
        var b = Tensor.Scalar(2f);
        var ag = Tensor.Scalar(1f).RequireGrad();
        var ta = torch.tensor(1f);
        var tb = torch.tensor(2f);
        var tag = torch.tensor(1f).requires_grad_();
        foreach (var row in ThreadCounts.Each(threadCounts, t => timing.Compare("op", "add, 1 element", t,
            () => Sink.Consume(a.Add(b)),
            () => { using var scope = torch.NewDisposeScope(); Sink.Consume(ta.add(tb)); },
            flops: null, Target.TinyOp, warmup: 1000, settleHeap: true)))
            yield return row;
        foreach (var row in ThreadCounts.Each(threadCounts, t => timing.Compare("op", "add, 1 element, grad", t,
            () => Sink.Consume(ag.Add(b)),
            () => { using var scope = torch.NewDisposeScope(); Sink.Consume(tag.add(tb)); },
            flops: null, Target.TinyOp, warmup: 1000, settleHeap: true)))
            yield return row;
    }

    /// <summary>784-256-128-10 ReLU, cross-entropy, SGD lr 0.01 momentum 0.9.</summary>
    public static IEnumerable<Row> Mlp(Timing timing, int[] threadCounts, int[] trainBatches, int[] inferBatches)
    {
        var gen = new Generator(1);
        var model = new Sequential(new Linear(784, 256, generator: gen), new ReLU(), new Linear(256, 128, generator: gen), new ReLU(), new Linear(128, 10, generator: gen));
        var parameters = model.Parameters().ToList();
        var theirs = parameters.Select(p => new TorchSharp.Modules.Parameter(ToTorch(p))).ToList();
        TT TorchForward(TT x) =>
            F.linear(F.relu(F.linear(F.relu(F.linear(x, theirs[0], theirs[1])), theirs[2], theirs[3])), theirs[4], theirs[5]);
        var opt = new SGD(parameters, lr: 0.01, momentum: 0.9);
        var topt = torch.optim.SGD(theirs, 0.01, momentum: 0.9);
        var lossFn = new CrossEntropyLoss();
        foreach (int batch in trainBatches)
        {
            var x = Tensor.Randn([batch, 784], gen);
            var labels = Tensor.RandInt(0, 10, [batch], gen);
            var tx = ToTorch(x);
            var tl = torch.tensor(labels.ToArray().Select(v => (long)v).ToArray());
            foreach (var row in ThreadCounts.Each(threadCounts, t => timing.Compare("mlp", $"train step, batch {batch}", t,
                Steps.Descent(opt, () => lossFn.Forward(model.Forward(x), labels), parameters[0]),
                Steps.Torch(topt, theirs, () => F.cross_entropy(TorchForward(tx), tl)),
                Flops.MlpTrain(batch, MlpWidths), Target.Model)))
                yield return row;
        }
        foreach (int batch in inferBatches)
        {
            var x = Tensor.Randn([batch, 784], gen);
            var tx = ToTorch(x);
            foreach (var row in ThreadCounts.Each(threadCounts, t => timing.Compare("mlp", $"inference, batch {batch}", t, () =>
            {
                using var scope = new StepScope();
                using (Autograd.NoGrad()) Sink.Consume(model.Forward(x));
            }, () =>
            {
                using var scope = torch.NewDisposeScope();
                using (torch.no_grad()) Sink.Consume(TorchForward(tx));
            }, Flops.MlpInference(batch, MlpWidths), Target.Model)))
                yield return row;
        }
    }

    /// <summary>conv 1→8 3×3, ReLU, max-pool 2, conv 8→16 3×3, ReLU, max-pool 2, flatten, linear 400→10; Adam lr 1e-3.</summary>
    public static IEnumerable<Row> Cnn(Timing timing, int[] threadCounts, int batch)
    {
        var gen = new Generator(2);
        var model = new Sequential(new Conv2d(1, 8, 3, generator: gen), new ReLU(), new MaxPool2d(2),
            new Conv2d(8, 16, 3, generator: gen), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(16 * 5 * 5, 10, generator: gen));
        var parameters = model.Parameters().ToList();
        var theirs = parameters.Select(p => new TorchSharp.Modules.Parameter(ToTorch(p))).ToList();
        var opt = new Adam(parameters, lr: 1e-3);
        var topt = torch.optim.Adam(theirs, 1e-3);
        var lossFn = new CrossEntropyLoss();
        var x = Tensor.Randn([batch, 1, 28, 28], gen);
        var labels = Tensor.RandInt(0, 10, [batch], gen);
        var tx = ToTorch(x);
        var tl = torch.tensor(labels.ToArray().Select(v => (long)v).ToArray());
        long[] pool = [2, 2];
        TT TorchLoss()
        {
            var h = F.max_pool2d(F.relu(F.conv2d(tx, theirs[0], theirs[1])), pool);
            h = F.max_pool2d(F.relu(F.conv2d(h, theirs[2], theirs[3])), pool);
            return F.cross_entropy(F.linear(h.flatten(1), theirs[4], theirs[5]), tl);
        }
        return ThreadCounts.Each(threadCounts, t => timing.Compare("cnn", $"LeNet train step, batch {batch}", t,
            Steps.Descent(opt, () => lossFn.Forward(model.Forward(x), labels), parameters[0]),
            Steps.Torch(topt, theirs, TorchLoss),
            Flops.LeNetTrain(batch), Target.Model));
    }

    /// <summary>A libtorch copy of a Descent tensor (same shape, float32), for building both sides of a case.</summary>
    internal static TT ToTorch(Tensor t) => torch.tensor(t.ToArray(), t.Shape.Select(d => (long)d).ToArray());
}

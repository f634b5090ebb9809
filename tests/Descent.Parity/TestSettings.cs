// libtorch through TorchSharp is driven from one test at a time: with xunit's parallel test classes, an
// optimizer step once failed inside libtorch (Scalar::toFloat, "Expected false to be true") while other
// classes ran TorchSharp concurrently, and did not recur alone. Serial runs keep the oracle deterministic.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

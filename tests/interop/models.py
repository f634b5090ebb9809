"""The torch.nn twins of the models Descent's CLI builds (`--model`), under the same state-dict names.

A Descent model file carries its description in the safetensors metadata (arch, input_shape, classes, dropout;
see src/Descent/Training/ModelInfo.cs), so `build(metadata)` needs nothing else. Each architecture is one entry of
BUILDERS: a function from (sizes, input_shape, outputs, dropout) to a torch module whose state_dict() keys equal
Descent's StateDict() keys (`nn.Sequential` numbers its children as Descent's `Sequential` does, so a Dropout
shifts the indices of the layers after it in both). A new Descent model becomes usable here by adding its entry.
"""

from torch import nn


def _mlp(sizes, input_shape, outputs, dropout):
    # src/Descent/Nn/ModelSpec.cs, Build: Flatten for image inputs, then Linear + ReLU (+ Dropout) per hidden size.
    layers = [nn.Flatten()] if len(input_shape) > 1 else []
    previous = _count(input_shape)
    for hidden in sizes:
        layers += [nn.Linear(previous, hidden), nn.ReLU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        previous = hidden
    layers.append(nn.Linear(previous, outputs))
    return nn.Sequential(*layers)


def _cnn(sizes, input_shape, outputs, dropout):
    if len(input_shape) != 3 or len(sizes) not in (2, 3):
        raise ValueError(f"cnn: needs image inputs [channels, height, width] and cnn:C1,C2[,H]; got input_shape {input_shape}, sizes {sizes}")
    channels, height, width = input_shape
    layers = [
        nn.Conv2d(channels, sizes[0], 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(sizes[0], sizes[1], 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
    ]
    features = sizes[1] * (height // 4) * (width // 4)
    if len(sizes) == 3:
        layers += [nn.Linear(features, sizes[2]), nn.ReLU()]
        features = sizes[2]
    if dropout > 0:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(features, outputs))
    return nn.Sequential(*layers)


def _linear(sizes, input_shape, outputs, dropout):
    return _mlp([], input_shape, outputs, dropout)


# The `--model` kinds Descent's CLI knows, with the sizes a bare kind means (ModelSpec.DefaultMlp, DefaultCnn).
BUILDERS = {
    "linear": (_linear, []),
    "mlp": (_mlp, [256, 128]),
    "cnn": (_cnn, [16, 32, 128]),
}


def _count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def parse_arch(arch):
    """'mlp:16,8' → ('mlp', [16, 8]); a bare kind takes its default sizes."""
    kind, _, sizes = arch.partition(":")
    if kind not in BUILDERS:
        raise ValueError(f"unknown arch '{arch}'; one of: {', '.join(BUILDERS)}")
    return kind, [int(s) for s in sizes.split(",")] if sizes else list(BUILDERS[kind][1])


def build(metadata):
    """The torch module a Descent model file describes (weights freshly initialised by torch)."""
    missing = [k for k in ("arch", "input_shape", "task") if k not in metadata]
    if missing:
        raise ValueError(f"model metadata lacks {', '.join(missing)}; was the file saved by `descent train --save`?")
    kind, sizes = parse_arch(metadata["arch"])
    input_shape = [int(d) for d in metadata["input_shape"].split(",")]
    outputs = int(metadata["classes"]) if metadata["task"] == "classification" else 1
    return BUILDERS[kind][0](sizes, input_shape, outputs, float(metadata.get("dropout", "0")))


def describe(arch, input_shape, classes, dropout, data, seed, val_split):
    """The metadata Descent's ModelFile.Load reads back (ModelInfo.ToMetadata), for a model trained in torch."""
    shape = [int(d) for d in input_shape]
    metadata = {
        "arch": arch,
        "task": "classification" if classes else "regression",
        "inputs": str(_count(shape)),
        "input_shape": ",".join(str(d) for d in shape),
        "dropout": repr(float(dropout)),
        "data": data,
        "seed": str(seed),
        "val_split": repr(float(val_split)),
    }
    if classes:
        metadata["classes"] = str(classes)
    return metadata


def evaluate(model, inputs):
    """The model's outputs in evaluation mode (Dropout off), as Descent's ModelFile.Load sets it."""
    import torch

    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = model(inputs)
    model.train(was_training)
    return out

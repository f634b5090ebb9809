"""The torch.nn twins of the models Descent's CLI builds (`--model`), under the same state-dict names.

A Descent model file carries its description in the safetensors metadata (arch, input_shape, classes, dropout;
see src/Descent/Training/ModelInfo.cs), so `build(metadata)` needs nothing else. Each architecture is one entry of
BUILDERS: a function from (sizes, input_shape, outputs, dropout) to a torch module whose state_dict() keys equal
Descent's StateDict() keys (`nn.Sequential` numbers its children as Descent's `Sequential` does, so a Dropout
shifts the indices of the layers after it in both). A new Descent model becomes usable here by adding its entry.

A language model file (Descent.Training.LmModelFile) carries `gpt_config` and `tokenizer` instead; `build` gives
it `Gpt`, the module src/Descent/Nn/Gpt.cs documents as its twin, whose inputs are token ids.
"""

import json
import math

import torch
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


class Gpt(nn.Module):
    """Descent.Nn.Gpt: pre-norm GELU transformer blocks under a causal mask, the head tied to the token embedding,
    so state_dict() holds `head.weight` beside `token_embedding.weight` as Descent's StateDict() does."""

    def __init__(self, vocab, block, layers, heads, width, dropout=0.0):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, width)
        self.position_embedding = nn.Embedding(block, width)
        self.drop = nn.Dropout(dropout)
        layer = nn.TransformerEncoderLayer(width, heads, 4 * width, dropout, activation="gelu", batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.final_norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab, bias=False)
        self.head.weight = self.token_embedding.weight
        self._init_weights(layers)

    def _init_weights(self, layers):
        # GPT-2's scheme, as Gpt.cs documents it (torch's own draws): TransformerEncoder deep-copies one layer,
        # so without this every block would start from the same weights.
        residual = 0.02 / math.sqrt(2 * layers)
        with torch.no_grad():
            nn.init.normal_(self.token_embedding.weight, 0.0, 0.02)
            nn.init.normal_(self.position_embedding.weight, 0.0, 0.02)
            for block in self.blocks.layers:
                nn.init.normal_(block.self_attn.in_proj_weight, 0.0, 0.02)
                nn.init.normal_(block.self_attn.out_proj.weight, 0.0, residual)
                nn.init.normal_(block.linear1.weight, 0.0, 0.02)
                nn.init.normal_(block.linear2.weight, 0.0, residual)
                for bias in (block.self_attn.in_proj_bias, block.self_attn.out_proj.bias, block.linear1.bias, block.linear2.bias):
                    nn.init.zeros_(bias)

    def forward(self, idx):
        t = idx.shape[1]
        x = self.drop(self.token_embedding(idx) + self.position_embedding(torch.arange(t)))
        # True above the diagonal: a query never sees a later key (torch 1.13's encoder has no is_causal).
        mask = torch.ones(t, t, dtype=torch.bool).triu(1)
        return self.head(self.final_norm(self.blocks(x, mask=mask)))


GPT_CONFIG = "gpt_config"
GPT_FIELDS = ("vocab_size", "block_size", "layers", "heads", "width", "dropout")


def is_language_model(metadata):
    """True for a file saved by Descent's LmModelFile (or describe_lm): token ids in, logits per position out."""
    return GPT_CONFIG in metadata


def _gpt(metadata):
    config = json.loads(metadata[GPT_CONFIG])
    missing = [k for k in GPT_FIELDS if k not in config]
    if missing:
        raise ValueError(f"metadata '{GPT_CONFIG}' lacks {', '.join(missing)}; got {metadata[GPT_CONFIG]}")
    return Gpt(int(config["vocab_size"]), int(config["block_size"]), int(config["layers"]), int(config["heads"]),
               int(config["width"]), float(config["dropout"]))


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
    if is_language_model(metadata):
        return _gpt(metadata)
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


def describe_lm(gpt_config, tokenizer):
    """The metadata Descent's LmModelFile.Load reads back, for a GPT made in torch: `gpt_config` as LmModelFile
    writes it (JSON, dropout as a string) and the tokenizer's JSON unchanged (torch never reads it)."""
    return {"format": "descent.gpt.v1", GPT_CONFIG: gpt_config, "tokenizer": tokenizer}


def evaluate(model, inputs):
    """The model's outputs in evaluation mode (Dropout off), as Descent's ModelFile.Load sets it."""
    import torch

    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = model(inputs)
    model.train(was_training)
    return out

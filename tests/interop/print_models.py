"""Prints `repr(model)` for the models Descent's ModulePrintTorchTests builds the same way, so the two printings
can be compared character for character.

    /usr/bin/python3 tests/interop/print_models.py

Each model is preceded by a line `=== NAME`; the C# side keeps the same names (tests/Descent.Tests/Nn/PrintCases.cs).
Descent prints MultiheadAttention's out_proj as the `Linear` it is; torch names it NonDynamicallyQuantizableLinear,
a subclass that only exists to steer its quantization, so the test reads that name as `Linear`.
"""

import torch
from torch import nn

import models


def cases():
    yield "mlp", nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2), nn.Linear(256, 10, bias=False))
    yield "cnn", nn.Sequential(
        nn.Conv2d(1, 16, 3, stride=1, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, (3, 5), stride=2, bias=False), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))
    yield "conv_options", nn.Sequential(
        nn.Conv2d(3, 8, 3, padding="same", dilation=2, groups=1, padding_mode="reflect"), nn.Conv2d(8, 8, 3, groups=4),
        nn.MaxPool2d(3, stride=2, padding=1, dilation=2, ceil_mode=True), nn.AvgPool2d((2, 3), stride=1, padding=1))
    yield "norms", nn.Sequential(
        nn.BatchNorm1d(4, eps=1e-3, momentum=None, affine=False, track_running_stats=False), nn.LayerNorm((3, 4)),
        nn.LayerNorm(4, eps=1e-6, elementwise_affine=False))
    yield "activations", nn.Sequential(
        nn.LeakyReLU(), nn.LeakyReLU(0.2), nn.ELU(), nn.Sigmoid(), nn.Tanh(), nn.GELU(), nn.GELU(approximate="tanh"),
        nn.SiLU(), nn.Softplus(beta=1.0, threshold=20.0), nn.Softplus(beta=2.0, threshold=10.0), nn.Softmax(dim=1),
        nn.LogSoftmax(dim=-1), nn.Identity(), nn.Dropout(), nn.Flatten(0, 2))
    yield "embedding", nn.Sequential(nn.Embedding(100, 16), nn.Embedding(10, 3, padding_idx=0, max_norm=1.0))
    yield "recurrent", nn.Sequential(
        nn.LSTM(10, 20, num_layers=2, batch_first=True), nn.GRU(4, 8, num_layers=2, bias=False, dropout=0.5, bidirectional=True),
        nn.RNN(3, 5, nonlinearity="relu"), nn.RNNCell(3, 5, nonlinearity="relu"), nn.LSTMCell(3, 5, bias=False), nn.GRUCell(3, 5))
    yield "attention", nn.MultiheadAttention(8, 2)
    yield "encoder", nn.TransformerEncoder(
        nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True, norm_first=True), 2,
        norm=nn.LayerNorm(8), enable_nested_tensor=False)
    yield "decoder", nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0), 1)
    yield "gpt", models.Gpt(vocab=65, block=16, layers=2, heads=2, width=32, dropout=0.1)


def main():
    torch.manual_seed(0)
    for name, model in cases():
        print(f"=== {name}")
        print(repr(model).replace("NonDynamicallyQuantizableLinear", "Linear"))


if __name__ == "__main__":
    main()

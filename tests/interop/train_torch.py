"""Initialises and trains a model in PyTorch alone, and saves it as a file Descent loads as its own.

    /usr/bin/python3 tests/interop/train_torch.py --arch mlp:16 --input-shape 4 --classes 3 \
        --data data.safetensors --data-name iris --out iris-torch.safetensors

The module is the torch.nn twin of Descent's `--model` (models.py) with torch's own initialisation; the file gets
the metadata `descent train --save` writes (arch, task, input_shape, classes, dropout, data, seed, val_split), so
`descent eval`, `predict` and `export` take it without model flags. --data-name is the `--data` Descent should
evaluate it on, and --seed and --val-split the split it names; --eval-out writes the outputs on `eval_inputs`.

`--arch gpt` makes Descent's GPT instead, a file for Descent's LmModelFile.Load:

    /usr/bin/python3 tests/interop/train_torch.py --arch gpt --tokenizer tokenizer.json \
        --gpt-config '{"vocab_size":12,"block_size":16,"layers":2,"heads":2,"width":32,"dropout":"0"}' \
        --data windows.safetensors --out tiny-gpt.safetensors

with the data as token-id windows (loop.dataset) and the tokenizer's JSON (Descent's Tokenizer.ToJson) kept as is.
"""

import argparse
import os

import torch
from torch.utils.data import DataLoader

import loop
import models
import safetensors_io


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--arch", required=True, help="as Descent's --model: linear, mlp:H1,H2,..., cnn:C1,C2[,H]; or gpt")
    p.add_argument("--input-shape", help="one example's shape, e.g. 4 or 1,28,28 (not for gpt)")
    p.add_argument("--gpt-config", help="for gpt: the model's shape as LmModelFile writes gpt_config (JSON)")
    p.add_argument("--tokenizer", help="for gpt: a file holding the tokenizer's JSON (Descent's Tokenizer.ToJson)")
    p.add_argument("--classes", type=int, default=0, help="classes of a classifier; 0 for a regressor")
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--data", required=True, help="safetensors with inputs, targets and eval_inputs")
    p.add_argument("--data-name", help="the Descent --data it stands for: a built-in set such as iris, or csv:NAME (default: csv: and the data file's name; a model file never holds a path)")
    p.add_argument("--val-split", type=float, default=0.2, help="the validation fraction --data-name was split by")
    p.add_argument("--out", required=True)
    p.add_argument("--eval-out", help="where to write the outputs on eval_inputs (`after`)")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    loop.deterministic(args.seed)
    metadata = _metadata(args, p)
    model = models.build(metadata)
    tensors, _ = safetensors_io.load(args.data)
    data = loop.dataset(tensors, metadata)
    order = torch.Generator().manual_seed(args.seed)
    loader = DataLoader(data, batch_size=args.batch_size, shuffle=True, generator=order, drop_last=True)

    def log(step, loss):
        if step == 1 or step % 10 == 0 or step == args.steps:
            print(f"step {step}: loss {loss:.6f}", flush=True)

    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    loop.train(model, lambda epoch: loader, loop.loss_for(metadata), optimizer, args.steps, log)
    safetensors_io.save(args.out, model.state_dict(), metadata)
    if args.eval_out:
        safetensors_io.save(args.eval_out, {"after": models.evaluate(model, loop.eval_inputs(tensors, metadata))})
    print(f"wrote {args.out} ({args.arch}, {args.steps} steps)", flush=True)


def _metadata(args, parser):
    if args.arch == "gpt":
        if not args.gpt_config or not args.tokenizer:
            parser.error("--arch gpt needs --gpt-config and --tokenizer")
        with open(args.tokenizer, encoding="utf-8") as f:
            return models.describe_lm(args.gpt_config, f.read())
    if not args.input_shape:
        parser.error(f"--arch {args.arch} needs --input-shape")
    shape = [int(d) for d in args.input_shape.split(",")]
    data_name = args.data_name or "csv:" + os.path.basename(args.data)
    return models.describe(args.arch, shape, args.classes, args.dropout, data_name, args.seed, args.val_split)


if __name__ == "__main__":
    main()

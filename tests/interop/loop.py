"""The training loop both scripts share: plain SGD on mini-batches, the loss Descent's CLI uses for the task."""

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import TensorDataset

import models


def dataset(tensors, metadata):
    """The (inputs, targets) set in a data file written for these scripts: `inputs` shaped [N, *input_shape]
    and `targets` [N] (class numbers stored as float32, since Descent's safetensors are float32); for a language
    model, token-id windows `inputs` [N, T] and `targets` [N, T] (the next token at each position)."""
    for key in ("inputs", "targets", "eval_inputs"):
        if key not in tensors:
            raise ValueError(f"data file lacks tensor '{key}'; it holds {', '.join(tensors)}")
    inputs, targets = tensors["inputs"], tensors["targets"]
    if models.is_language_model(metadata):
        if inputs.dim() != 2 or targets.shape != inputs.shape:
            raise ValueError(f"data file: a language model needs inputs [N, T] and targets of the same shape; got {list(inputs.shape)} and {list(targets.shape)}")
        return TensorDataset(inputs.long(), targets.long())
    if targets.shape != (inputs.shape[0],):
        raise ValueError(f"data file: targets must be [{inputs.shape[0]}] (one per input); got {list(targets.shape)}")
    if metadata["task"] == "classification":
        targets = targets.long()
    else:
        targets = targets.unsqueeze(1)  # the regressor's output is [N, 1], as in Descent
    return TensorDataset(inputs, targets)


def eval_inputs(tensors, metadata):
    """The data file's `eval_inputs` as the model takes them: token ids (stored as float32) become long."""
    inputs = tensors["eval_inputs"]
    return inputs.long() if models.is_language_model(metadata) else inputs


def sequence_cross_entropy(logits, targets):
    """Cross-entropy over every position of every window: logits [N, T, vocab] against ids [N, T]."""
    return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))


def loss_for(metadata):
    """Cross-entropy for a classifier (over positions for a language model), mean squared error for a regressor,
    as `descent train` and `descent lm train` choose."""
    if models.is_language_model(metadata):
        return sequence_cross_entropy
    return nn.CrossEntropyLoss() if metadata["task"] == "classification" else nn.MSELoss()


def train(model, batches, loss_fn, optimizer, steps, log=None):
    """Runs `steps` SGD steps over `batches()` (a function of the epoch returning an iterable), returns the last loss."""
    model.train()
    step, epoch, loss = 0, 0, None
    while step < steps:
        for x, y in batches(epoch):
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            step += 1
            if log:
                log(step, loss.item())
            if step == steps:
                break
        epoch += 1
    return None if loss is None else loss.item()


def deterministic(seed, threads=1):
    """Same seed and thread count, same bits: torch's deterministic kernels, one thread per process by default."""
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(threads)

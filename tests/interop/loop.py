"""The training loop both scripts share: plain SGD on mini-batches, the loss Descent's CLI uses for the task."""

import torch
from torch import nn
from torch.utils.data import TensorDataset


def dataset(tensors, metadata):
    """The (inputs, targets) set in a data file written for these scripts: `inputs` shaped [N, *input_shape]
    and `targets` [N] (class numbers stored as float32, since Descent's safetensors are float32)."""
    for key in ("inputs", "targets", "eval_inputs"):
        if key not in tensors:
            raise ValueError(f"data file lacks tensor '{key}'; it holds {', '.join(tensors)}")
    inputs, targets = tensors["inputs"], tensors["targets"]
    if targets.shape != (inputs.shape[0],):
        raise ValueError(f"data file: targets must be [{inputs.shape[0]}] (one per input); got {list(targets.shape)}")
    if metadata["task"] == "classification":
        targets = targets.long()
    else:
        targets = targets.unsqueeze(1)  # the regressor's output is [N, 1], as in Descent
    return TensorDataset(inputs, targets)


def loss_for(metadata):
    """Cross-entropy for a classifier, mean squared error for a regressor, as `descent train` chooses."""
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

"""Continues training a Descent model under PyTorch DistributedDataParallel, then writes it back for Descent.

    /usr/bin/python3 -m torch.distributed.run --standalone --nproc_per_node=2 --redirects 1 --tee 1 \
        tests/interop/ddp_train.py --model digits.safetensors --data data.safetensors --out digits-ddp.safetensors

(`--redirects 1 --tee 1` show each worker's output; Debian 12's torch 1.13 on Python 3.11 cannot start workers
with torchrun's default, which Python 3.11 parses to None.)

Every process loads the Descent file into the torch.nn twin (models.py) with strict=True, so a missing or
unexpected name fails at once. The processes talk over gloo on localhost; DistributedSampler gives each its
share of every global batch (--batch-size is the global size) and DDP averages the gradients, so the step is the
one a single process would take on the whole batch. Rank 0 writes the trained weights under the same names with
the file's metadata unchanged (Descent's `descent eval`/`predict`/`export` read it; for a GPT, LmModelFile.Load,
with the tied `head.weight` written under both names as Descent writes it), and, with --eval-out, the
outputs on the data file's `eval_inputs` before and after training.
"""

import argparse

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader
from torch.utils.data.distributed import DistributedSampler

import loop
import models
import safetensors_io


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, help="a model saved by `descent train --save`")
    p.add_argument("--data", required=True, help="safetensors with inputs, targets and eval_inputs")
    p.add_argument("--out", required=True, help="where rank 0 writes the trained model")
    p.add_argument("--eval-out", help="where rank 0 writes the outputs on eval_inputs (`before`, `after`)")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=32, help="global batch, split evenly over the processes")
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--momentum", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    dist.init_process_group("gloo")  # torchrun sets MASTER_ADDR (localhost with --standalone), RANK and WORLD_SIZE
    rank, world = dist.get_rank(), dist.get_world_size()
    if args.batch_size % world:
        raise SystemExit(f"ddp_train: --batch-size {args.batch_size} must divide evenly over {world} processes")
    # Each process its own stream (Dropout masks differ per shard, as they would in one big batch).
    loop.deterministic(args.seed + rank)

    weights, metadata = safetensors_io.load(args.model)
    model = models.build(metadata)
    model.load_state_dict(weights, strict=True)
    tensors, _ = safetensors_io.load(args.data)
    data = loop.dataset(tensors, metadata)
    evaluation = loop.eval_inputs(tensors, metadata)
    before = models.evaluate(model, evaluation)

    ddp = DistributedDataParallel(model)
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=True, seed=args.seed, drop_last=True)
    loader = DataLoader(data, batch_size=args.batch_size // world, sampler=sampler, drop_last=True)

    def batches(epoch):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every process
        return loader

    def log(step, loss):
        if rank == 0 and (step == 1 or step % 10 == 0 or step == args.steps):
            print(f"step {step}: loss {loss:.6f} (rank 0's shard)", flush=True)

    optimizer = torch.optim.SGD(ddp.parameters(), lr=args.lr, momentum=args.momentum)
    loop.train(ddp, batches, loop.loss_for(metadata), optimizer, args.steps, log)

    if rank == 0:
        safetensors_io.save(args.out, model.state_dict(), metadata)
        if args.eval_out:
            after = models.evaluate(model, evaluation)
            safetensors_io.save(args.eval_out, {"before": before, "after": after},
                                {"world_size": world, "steps": args.steps})
        print(f"wrote {args.out} ({world} processes, {args.steps} steps)", flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()

"""The training loop both backends share: seeded shuffling, padded batches, loss on assistant tokens only,
AdamW with linear decay, gradient clipping, progress/checkpoint events, validation loss per epoch.

Under torchrun each rank takes every world-th example of a global batch; the loss is summed over the rank's
trained tokens and divided by the global count times world size, so DDP's gradient average equals the
gradient of the single-process loss.
"""
import math
import os
import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from . import faults
from .adapter_files import write_adapter
from .dataset import IGNORE, Example
from .distributed import Dist
from .events import TrainerError, emit


@dataclass
class Hyper:
    n_epochs: int
    batch_size: int
    learning_rate: float
    seed: int
    checkpoints: bool = True
    max_grad_norm: float = 1.0


def pad_batch(examples: list[Example], pad_id: int, device):
    """-> input_ids, attention_mask, labels: [b, L] (right padding)."""
    L = max(len(e.ids) for e in examples)
    ids = torch.full((len(examples), L), pad_id, dtype=torch.long)
    mask = torch.zeros((len(examples), L), dtype=torch.long)
    labels = torch.full((len(examples), L), IGNORE, dtype=torch.long)
    for i, e in enumerate(examples):
        ids[i, : len(e.ids)] = torch.tensor(e.ids)
        mask[i, : len(e.ids)] = 1
        labels[i, : len(e.labels)] = torch.tensor(e.labels)
    return ids.to(device), mask.to(device), labels.to(device)


def summed_loss(logits, labels):
    """Sum of next-token cross-entropies over trained positions: logits [b, L, V] predict labels shifted by one."""
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1),
                           ignore_index=IGNORE, reduction="sum")


def trained_targets(examples: list[Example]) -> int:
    return sum(sum(1 for x in e.labels[1:] if x != IGNORE) for e in examples)


@torch.no_grad()
def evaluate(backend, module, examples: list[Example], batch_size: int, pad_id: int, d: Dist) -> float:
    module.eval()
    total, count = 0.0, 0
    for i in range(0, len(examples), batch_size):
        chunk = examples[i : i + batch_size][d.rank :: d.world]
        if chunk:
            ids, mask, labels = pad_batch(chunk, pad_id, d.device)
            total += summed_loss(backend.forward(module, ids, mask), labels).item()
            count += trained_targets(chunk)
    total, count = d.all_sum([total, float(count)])
    module.train()
    return total / max(count, 1)


def train(backend, examples: list[Example], valid: list[Example] | None, h: Hyper, pad_id: int, out_dir: str,
          config: dict, d: Dist, probe=None) -> dict:
    """-> metrics; with a GradientProbe (a test hook), stops after the first backward pass instead."""
    fault = faults.active()
    module = backend.model
    if d.world > 1:
        module = torch.nn.parallel.DistributedDataParallel(
            module, device_ids=[d.device.index] if d.device.type == "cuda" else None)
        faults.install(module, fault)
    params = backend.trainable_parameters()
    opt = torch.optim.AdamW(params, lr=h.learning_rate, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    steps_per_epoch = math.ceil(len(examples) / h.batch_size)
    total_steps = steps_per_epoch * h.n_epochs
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0 - s / total_steps)
    order = torch.Generator().manual_seed(h.seed)
    torch.manual_seed(h.seed)  # dropout masks
    module.train()
    step, seen_tokens, losses, t0 = 0, 0, [], time.time()
    metrics: dict = {}
    for epoch in range(h.n_epochs):
        perm = torch.randperm(len(examples), generator=order).tolist()
        for b in range(steps_per_epoch):
            batch = [examples[i] for i in perm[b * h.batch_size : (b + 1) * h.batch_size]]
            mine = batch[faults.shard_rank(d.rank, fault) :: d.world]
            n_global = trained_targets(batch)
            # A rank with no example this step (last batch smaller than the world) still runs a forward
            # and backward with weight 0, so DDP's gradient all-reduce has every rank.
            ids, mask, labels = pad_batch(mine or batch[:1], pad_id, d.device)
            loss_sum = summed_loss(backend.forward(module, ids, mask), labels) * (1.0 if mine else 0.0)
            (loss_sum * d.world / max(n_global, 1)).backward()
            if probe is not None:
                probe.write(ids, mask, labels, (1.0 if mine else 0.0) * d.world / max(n_global, 1), d.world,
                            d.device)
                return {"probe": probe.path}
            torch.nn.utils.clip_grad_norm_(params, h.max_grad_norm)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            total, tokens = d.all_sum([loss_sum.item(), float(sum(len(e.ids) for e in mine))])
            loss = total / max(n_global, 1)
            if not math.isfinite(loss):
                raise TrainerError("training_diverged", f"The loss became {loss} at step {step}; lower the learning "
                                                        "rate and try again.")
            losses.append(loss)
            seen_tokens += int(tokens)
            emit("progress", step=step, total_steps=total_steps, epoch=round(step / steps_per_epoch, 4),
                 loss=round(loss, 6), tokens_per_s=round(seen_tokens / max(time.time() - t0, 1e-9), 1))
        if valid:
            metrics["valid_loss"] = round(evaluate(backend, module, valid, h.batch_size, pad_id, d), 6)
        if h.checkpoints and epoch < h.n_epochs - 1 and d.main:
            ckpt = os.path.join(out_dir, "checkpoints", f"step-{step}")
            write_adapter(ckpt, backend.lora_tensors(), config)
            extra = {"valid_loss": metrics["valid_loss"]} if valid else {}
            emit("checkpoint", step=step, dir=ckpt, epoch=epoch + 1, train_loss=round(losses[-1], 6), **extra)
        d.barrier()
    seconds = time.time() - t0
    metrics.update({"steps": step, "epochs": h.n_epochs, "examples": len(examples),
                    "first_loss": round(losses[0], 6), "final_loss": round(losses[-1], 6),
                    "final_epoch_loss": round(sum(losses[-steps_per_epoch:]) / steps_per_epoch, 6),
                    "train_seconds": round(seconds, 3), "tokens": seen_tokens,
                    "tokens_per_s": round(seen_tokens / max(seconds, 1e-9), 1)})
    module.eval()
    return metrics

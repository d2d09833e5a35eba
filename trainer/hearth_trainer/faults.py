"""Test-only faults in the data-parallel path, so the test suite can prove that its comparison catches them.

HEARTH_TRAINER_FAULT (unset in any real run):
  sum-grads   the gradient all-reduce sums the ranks' gradients instead of averaging them (world x too large);
  same-shard  every rank trains on rank 0's share of each batch (the sharding forgets the rank): half of the
              batch counts twice, the other half not at all.
Two ranks merely swapping their shards is no fault: the all-reduce sum does not depend on which rank holds which
examples, so it leaves the gradient unchanged and no comparison could (or should) notice it.
"""
import os

import torch.distributed as dist

from .events import TrainerError

FAULTS = ("sum-grads", "same-shard")


def active() -> str | None:
    fault = os.environ.get("HEARTH_TRAINER_FAULT") or None
    if fault is not None and fault not in FAULTS:
        raise TrainerError("invalid_arguments", f"HEARTH_TRAINER_FAULT={fault} is not one of {', '.join(FAULTS)}; "
                                                "unset it for a real run.")
    return fault


def shard_rank(rank: int, fault: str | None) -> int:
    return 0 if fault == "same-shard" else rank


def _allreduce_sum(_state, bucket):
    """A DDP communication hook: DDP's own reduction divides by the world size, this one does not."""
    fut = dist.all_reduce(bucket.buffer(), async_op=True).get_future()
    return fut.then(lambda f: f.value()[0])


def install(ddp_module, fault: str | None) -> None:
    if fault == "sum-grads":
        ddp_module.register_comm_hook(None, _allreduce_sum)

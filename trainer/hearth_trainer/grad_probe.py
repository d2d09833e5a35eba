"""Test hook: the first step's gradient, with what a test needs to bound its float32 rounding.

HEARTH_TRAINER_GRAD_PROBE=FILE (unset in any real run; built-in backend only): after the first backward pass
(after DDP's all-reduce, before clipping) rank 0 writes FILE as JSON and the trainer stops without an adapter.
For every trainable weight W [out, in] of an nn.Linear, the gradient is a sum over the batch's positions p of
c_p = d_p x_p^T (d_p: gradient of the layer's output at p, x_p: its input at p). Per element, flattened:

  grad   the float32 gradient as the trainer computed it (all-reduced across ranks)
  exact  sum_p c_p evaluated in float64 by a float64 copy of the model on the same weights and tokens
  abs    sum_p |c_p| of the float32 run's own d_p and x_p (products of two float32 numbers are exact in float64)
  dev    sum_p |c_p(float32 run) - c_p(float64 copy)|: how far rounding moved the per-position contributions
  terms  (per tensor) the most non-zero contributions one rank summed

All four are summed over ranks and divided by the world size, as DDP averages. The kernels in use (ATen CPU
capability, OpenBLAS core) are recorded so a test can check that the variant it asked for really ran.
LoRA B starts non-zero under the probe (drawn from the seed, like A) so that lora_A's gradient is not identically
zero at step 1 and the whole backward pass is exercised.
"""
import copy
import ctypes
import json
import math
import os

import torch
import torch.distributed as dist

from .events import TrainerError


def path_from_env() -> str | None:
    return os.environ.get("HEARTH_TRAINER_GRAD_PROBE") or None


class _Capture:
    """Records x_p and d_p, flattened to [positions, features], for each watched nn.Linear."""

    def __init__(self, linears: dict[str, torch.nn.Linear]):
        self.x: dict[str, torch.Tensor] = {}
        self.d: dict[str, torch.Tensor] = {}
        self._handles = [m.register_forward_hook(self._hook(name)) for name, m in linears.items()]

    def _hook(self, name: str):
        def on_forward(_module, inputs, output):
            self.x[name] = inputs[0].detach().reshape(-1, inputs[0].shape[-1])  # [P, in]
            output.register_hook(lambda g: self.d.__setitem__(name, g.detach().reshape(-1, g.shape[-1])))  # [P, out]

        return on_forward

    def close(self) -> None:
        for h in self._handles:
            h.remove()


def _lora_linears(model: torch.nn.Module) -> dict[str, torch.nn.Linear]:
    """weight name -> the nn.Linear that owns it, for every trainable LoRA matrix."""
    return {f"{name}.weight": m for name, m in model.named_modules()
            if isinstance(m, torch.nn.Linear) and m.weight.requires_grad}


def _kernels() -> dict:
    capability = next((line.split(":", 1)[1].strip() for line in torch.__config__.show().splitlines()
                       if "CPU capability usage" in line), None)
    try:
        blas = ctypes.CDLL("libopenblas.so.0")
        blas.openblas_get_corename.restype = ctypes.c_char_p
        core = blas.openblas_get_corename().decode()
    except (OSError, AttributeError):
        core = None
    return {"aten_capability": capability, "openblas_core": core}


class GradientProbe:
    def __init__(self, path: str, backend, seed: int):
        if not hasattr(backend, "loras"):
            raise TrainerError("invalid_arguments", "HEARTH_TRAINER_GRAD_PROBE needs the built-in backend "
                                                    "(HEARTH_TRAINER_BACKEND=builtin).")
        self.path = path
        self.backend = backend
        g = torch.Generator().manual_seed(seed + 1)
        with torch.no_grad():
            for name in sorted(backend.loras):
                b = backend.loras[name].lora_B.weight  # [out, r]
                bound = 1.0 / math.sqrt(b.shape[1])
                b.copy_((torch.rand(b.shape, generator=g, dtype=torch.float32) * 2 - 1) * bound)
        self._twin = copy.deepcopy(backend.model).double()  # before any hook is registered on the original
        self._capture = _Capture(_lora_linears(backend.model))

    def write(self, ids, mask, labels, loss_scale: float, world: int, device) -> None:
        """After the float32 backward: replays the batch in float64, reduces across ranks, rank 0 writes."""
        from .loop import summed_loss

        self._capture.close()
        twin_capture = _Capture(_lora_linears(self._twin))
        loss = summed_loss(self.backend.forward(self._twin, ids, mask), labels)
        (loss * loss_scale).backward()
        twin_capture.close()
        params = dict(self.backend.model.named_parameters())
        tensors = {}
        for name in sorted(self._capture.x):
            x32, d32 = self._capture.x[name].double(), self._capture.d[name].double()  # [P, in], [P, out]
            x64, d64 = twin_capture.x[name], twin_capture.d[name]
            c32 = d32[:, :, None] * x32[:, None, :]  # [P, out, in]
            c64 = d64[:, :, None] * x64[:, None, :]
            sums = torch.stack([c64.sum(0), c32.abs().sum(0), (c32 - c64).abs().sum(0)])  # [3, out, in]
            terms = torch.tensor([float(((d32 != 0).any(1) & (x32 != 0).any(1)).sum())], dtype=torch.float64)
            if world > 1:
                sums, terms = sums.to(device), terms.to(device)
                dist.all_reduce(sums)
                dist.all_reduce(terms, op=dist.ReduceOp.MAX)
            sums = sums.cpu() / world
            tensors[name] = {"shape": list(params[name].shape),
                             "grad": params[name].grad.detach().double().cpu().reshape(-1).tolist(),
                             "exact": sums[0].reshape(-1).tolist(), "abs": sums[1].reshape(-1).tolist(),
                             "dev": sums[2].reshape(-1).tolist(), "terms": int(terms.item())}
        if dist.is_initialized() and dist.get_rank() != 0:
            return
        with open(self.path, "w", encoding="utf-8") as f:
            json.dump({"world": world, "dtype": str(next(iter(params.values())).dtype).removeprefix("torch."),
                       **_kernels(), "tensors": tensors}, f)

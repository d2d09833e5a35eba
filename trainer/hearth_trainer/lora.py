"""The trainer's own LoRA: wrap target nn.Linear layers with y = W x + (alpha / r) * B(A(dropout(x))).

Parameter paths mirror PEFT's (`...q_proj.lora_A.weight` [r, in], `...lora_B.weight` [out, r]), so the saved
names are PEFT's once prefixed with `base_model.model.`. Initialisation is shared with the PEFT backend
(`init_lora_pairs`) so both backends start from the same numbers for a given seed.
"""
import math

import torch
import torch.nn as nn

ALL_LINEAR = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def resolve_targets(target_modules: list[str]) -> list[str]:
    """'all-linear' (PEFT's shorthand) means every projection of the decoder layers, never lm_head."""
    if target_modules == ["all-linear"]:
        return list(ALL_LINEAR)
    return target_modules


def matches(module_name: str, targets: list[str]) -> bool:
    """PEFT's rule for a list of names: the module's last path component equals one of them."""
    return module_name.rsplit(".", 1)[-1] in targets


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int, alpha: float, dropout: float):
        super().__init__()
        self.base_layer = base
        self.lora_A = nn.Linear(base.in_features, r, bias=False)
        self.lora_B = nn.Linear(r, base.out_features, bias=False)
        self.lora_dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.scaling = alpha / r
        self.enabled = True
        nn.init.zeros_(self.lora_B.weight)

    def forward(self, x):
        y = self.base_layer(x)
        if not self.enabled:
            return y
        return y + self.lora_B(self.lora_A(self.lora_dropout(x))) * self.scaling


def inject(model: nn.Module, targets: list[str], r: int, alpha: float, dropout: float) -> dict[str, LoRALinear]:
    """Replaces every matching nn.Linear (never lm_head) in place; freezes everything else. -> {module path: LoRA}."""
    for p in model.parameters():
        p.requires_grad_(False)
    found = {}
    for name, module in list(model.named_modules()):
        if isinstance(module, nn.Linear) and name != "lm_head" and matches(name, targets):
            parent_name, _, child = name.rpartition(".")
            lora = LoRALinear(module, r, alpha, dropout).to(device=module.weight.device, dtype=module.weight.dtype)
            setattr(model.get_submodule(parent_name), child, lora)
            found[name] = lora
    return found


def init_lora_pairs(pairs: dict[str, tuple[torch.Tensor, torch.Tensor]], seed: int) -> None:
    """A ~ U(-1/sqrt(in), 1/sqrt(in)) (PEFT's kaiming_uniform(a=sqrt(5))), B = 0, drawn on the CPU from one
    generator in sorted module order: the same numbers on any device and in either backend."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name in sorted(pairs):
            a, b = pairs[name]
            bound = 1.0 / math.sqrt(a.shape[1])
            a.copy_((torch.rand(a.shape, generator=g, dtype=torch.float32) * 2 - 1) * bound)
            b.zero_()


def set_enabled(loras: dict[str, LoRALinear], enabled: bool) -> None:
    for lora in loras.values():
        lora.enabled = enabled


def peft_state_dict(loras: dict[str, LoRALinear]) -> dict[str, torch.Tensor]:
    out = {}
    for name, lora in loras.items():
        out[f"base_model.model.{name}.lora_A.weight"] = lora.lora_A.weight.detach().cpu()
        out[f"base_model.model.{name}.lora_B.weight"] = lora.lora_B.weight.detach().cpu()
    return out

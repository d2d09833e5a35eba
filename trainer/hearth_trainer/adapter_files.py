"""Writes the PEFT adapter folder both backends produce: adapter_config.json + adapter_model.safetensors (F32;
F64 after a --dtype float64 precision check, whose point is to compare weights beyond float32).

The config holds PEFT's LoraConfig keys (so `PeftModel.from_pretrained` loads it) and nothing PEFT would reject.
"""
import json
import os

import torch

from .safetensors_io import save_file

ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"


def adapter_config(base_model: str, r: int, alpha: float, dropout: float, targets: list[str]) -> dict:
    return {
        "alpha_pattern": {},
        "base_model_name_or_path": base_model,
        "bias": "none",
        "fan_in_fan_out": False,
        "inference_mode": True,
        "init_lora_weights": True,
        "layers_pattern": None,
        "layers_to_transform": None,
        "lora_alpha": alpha,
        "lora_dropout": dropout,
        "modules_to_save": None,
        "peft_type": "LORA",
        "r": r,
        "rank_pattern": {},
        "revision": None,
        "target_modules": sorted(targets),
        "task_type": "CAUSAL_LM",
        "use_dora": False,
        "use_rslora": False,
    }


def write_adapter(out_dir: str, tensors: dict[str, torch.Tensor], config: dict) -> None:
    """Names sorted, every tensor F32 (or F64), config written last so a reader never sees a config without
    weights."""
    os.makedirs(out_dir, exist_ok=True)
    stored = {k: v if v.dtype == torch.float64 else v.float() for k, v in tensors.items()}
    save_file(stored, os.path.join(out_dir, ADAPTER_WEIGHTS), metadata={"format": "pt"})
    tmp = os.path.join(out_dir, ADAPTER_CONFIG + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, os.path.join(out_dir, ADAPTER_CONFIG))

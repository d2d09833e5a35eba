"""The built-in backend: our Llama module + our LoRA layers (no transformers, no peft)."""
from contextlib import contextmanager

import torch

from . import lora
from .llama import load_llama


class OwnBackend:
    name = "builtin"

    def __init__(self, model_dir: str, targets: list[str], r: int, alpha: float, dropout: float, seed: int,
                 device: torch.device, dtype: torch.dtype = torch.float32):
        self.model = load_llama(model_dir, dtype)
        self.loras = lora.inject(self.model, targets, r, alpha, dropout)
        if not self.loras:
            from .events import TrainerError

            raise TrainerError("invalid_arguments", f"No linear layer of the model matches --target-modules {targets}.")
        lora.init_lora_pairs({k: (m.lora_A.weight, m.lora_B.weight) for k, m in self.loras.items()}, seed)
        self.model.to(device)

    def forward(self, module, input_ids, attention_mask):
        return module(input_ids, attention_mask)  # [B, S, V] float32 (float64 for a float64 model)

    def trainable_parameters(self) -> list[torch.nn.Parameter]:
        return [p for _, p in sorted((n, p) for n, p in self.model.named_parameters() if p.requires_grad)]

    def lora_tensors(self) -> dict[str, torch.Tensor]:
        return lora.peft_state_dict(self.loras)

    @contextmanager
    def adapter_disabled(self):
        lora.set_enabled(self.loras, False)
        try:
            yield
        finally:
            lora.set_enabled(self.loras, True)

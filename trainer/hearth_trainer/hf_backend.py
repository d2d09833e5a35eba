"""The transformers + peft backend (the usual GPU-cluster image). Same data, loop, initial LoRA numbers and output
files as the built-in backend; only the model code and the LoRA layers come from the libraries."""
from contextlib import contextmanager

import torch

from .events import TrainerError
from .lora import init_lora_pairs


def available() -> bool:
    try:
        import peft  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        return False
    return True


class HFBackend:
    name = "peft"

    def __init__(self, model_dir: str, targets: list[str], r: int, alpha: float, dropout: float, seed: int,
                 device: torch.device, dtype: torch.dtype = torch.float32):
        from peft import LoraConfig, get_peft_model
        from transformers import AutoModelForCausalLM

        kwargs = {"attn_implementation": "eager"}  # plain softmax attention: the same arithmetic as ours
        try:
            base = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype, **kwargs)
        except TypeError:  # transformers < 4.56 names it torch_dtype
            base = AutoModelForCausalLM.from_pretrained(model_dir, torch_dtype=dtype, **kwargs)
        config = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout, target_modules=targets, bias="none",
                            task_type="CAUSAL_LM")
        self.model = get_peft_model(base, config)
        pairs = {}
        for name, module in self.model.named_modules():
            if hasattr(module, "lora_A") and "default" in getattr(module, "lora_A", {}):
                key = name.removeprefix("base_model.model.")
                pairs[key] = (module.lora_A["default"].weight, module.lora_B["default"].weight)
        if not pairs:
            raise TrainerError("invalid_arguments", f"No linear layer of the model matches --target-modules {targets}.")
        init_lora_pairs(pairs, seed)
        self.model.to(device)

    def forward(self, module, input_ids, attention_mask):
        return module(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).logits.to(torch.promote_types(dtype_of(module), torch.float32))

    def trainable_parameters(self) -> list[torch.nn.Parameter]:
        return [p for _, p in sorted((n, p) for n, p in self.model.named_parameters() if p.requires_grad)]

    def lora_tensors(self) -> dict[str, torch.Tensor]:
        from peft import get_peft_model_state_dict

        sd = get_peft_model_state_dict(self.model)
        return {k: v.detach().cpu() for k, v in sd.items()}

    @contextmanager
    def adapter_disabled(self):
        with self.model.disable_adapter():
            yield


def dtype_of(module) -> torch.dtype:
    return next(module.parameters()).dtype

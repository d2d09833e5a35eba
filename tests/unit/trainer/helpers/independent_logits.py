"""Independent check of a trained adapter: base+adapter logits computed WITHOUT the trainer's code.

The base model is the fixture script's own Llama (tests/fixtures/fixturegen/llama.py, decoding with a KV cache),
the adapter is read with the fixture's safetensors reader and merged into the weights (W + alpha/r * B @ A).
Prints JSON {adapter: {tokens, logits}, base: {tokens, logits}} for the prompt ids of reference_logits.json.
"""
import json
import os
import sys

sys.dont_write_bytecode = True

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures"))

import torch  # noqa: E402

from fixturegen.llama import LlamaConfig, LlamaForCausalLM, greedy  # noqa: E402
from fixturegen.safetensors_io import load_file  # noqa: E402

torch.set_num_threads(1)
model_dir, adapter_dir = sys.argv[1], sys.argv[2]
cfg = LlamaConfig.from_dict(json.load(open(os.path.join(model_dir, "config.json"))))
base_sd = {k: torch.from_numpy(v) for k, v in load_file(os.path.join(model_dir, "model.safetensors")).items()}
adapter_cfg = json.load(open(os.path.join(adapter_dir, "adapter_config.json")))
adapter = load_file(os.path.join(adapter_dir, "adapter_model.safetensors"))
ref = json.load(open(os.path.join(adapter_dir, "reference_logits.json")))
scale = adapter_cfg["lora_alpha"] / adapter_cfg["r"]

merged = dict(base_sd)
prefix = "base_model.model."
for name, a in adapter.items():
    if not name.endswith(".lora_A.weight"):
        continue
    module = name[len(prefix) : -len(".lora_A.weight")]
    b = adapter[name.replace(".lora_A.", ".lora_B.")]
    merged[module + ".weight"] = merged[module + ".weight"] + scale * (torch.from_numpy(b) @ torch.from_numpy(a))


def run(sd):
    model = LlamaForCausalLM(cfg).load_hf_state_dict(sd).eval()
    steps = len(ref["adapter"]["tokens"])
    logits, tokens = greedy(model, ref["prompt"]["ids"], steps)
    return {"tokens": tokens, "logits": [v.tolist() for v in logits]}


print(json.dumps({"adapter": run(merged), "base": run(base_sd), "merged_modules": len(adapter) // 2}))

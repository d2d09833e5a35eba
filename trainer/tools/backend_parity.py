#!/usr/bin/env python3
"""GPU check: the trainer on CUDA with both backends (built-in and transformers+peft) on the same data and seed,
plus the built-in backend on the CPU and under torchrun (2 CPU processes); prints one JSON summary.

  python3 trainer/tools/backend_parity.py --model-dir public/models/hearth-demo/tiny-llama-chat/resolve/main \\
      --train-file tests/unit/trainer/data/pirate.jsonl --out /tmp/parity

Dropout is 0 so both backends see the same arithmetic; the comparison is of reference_logits.json (base+adapter
logits for the fixed prompt, each computed by its own backend's model code) and of the adapter tensors.
It also loads the built-in backend's adapter with peft's PeftModel.from_pretrained, to show the files are PEFT's.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN = os.path.join(os.path.dirname(HERE), "train.py")
sys.path.insert(0, os.path.dirname(HERE))
sys.dont_write_bytecode = True


def train(args, out: str, backend: str, device: str, launcher: list[str] | None = None) -> dict:
    cmd = (launcher or [sys.executable]) + [
        TRAIN, "--base-model-dir", args.model_dir, "--train-file", args.train_file, "--output-dir", out,
        "--n-epochs", "4", "--batch-size", "4", "--learning-rate", "0.02", "--lora-r", "8", "--lora-alpha", "16",
        "--lora-dropout", "0", "--target-modules", "q_proj,k_proj,v_proj,o_proj", "--seed", "5",
        "--device", device, "--backend", backend, "--no-checkpoints"]
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    events = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
    done = next((e for e in events if e["type"] == "done"), None)
    return {"ok": p.returncode == 0 and done is not None, "seconds": round(time.time() - t0, 2),
            "metrics": done and done["metrics"], "last": events[-1] if events else None,
            "stderr": p.stderr[-2000:] if p.returncode else ""}


def max_diff(a, b) -> float:
    return max(abs(x - y) for ra, rb in zip(a, b) for x, y in zip(ra, rb))


def compare(dir_a: str, dir_b: str) -> dict:
    from hearth_trainer.safetensors_io import load_file

    ra = json.load(open(os.path.join(dir_a, "reference_logits.json")))
    rb = json.load(open(os.path.join(dir_b, "reference_logits.json")))
    ta = load_file(os.path.join(dir_a, "adapter_model.safetensors"))
    tb = load_file(os.path.join(dir_b, "adapter_model.safetensors"))
    return {"same_prompt_ids": ra["prompt"]["ids"] == rb["prompt"]["ids"],
            "same_tensor_names": sorted(ta) == sorted(tb),
            "adapter_logits_max_abs_diff": max_diff(ra["adapter"]["logits"], rb["adapter"]["logits"]),
            "base_logits_max_abs_diff": max_diff(ra["base"]["logits"], rb["base"]["logits"]),
            "adapter_vs_base_max_abs_diff": max_diff(ra["adapter"]["logits"], ra["base"]["logits"]),
            "tensor_max_abs_diff": max((ta[k] - tb[k]).abs().max().item() for k in ta) if sorted(ta) == sorted(tb) else None,
            "same_greedy_tokens": ra["adapter"]["tokens"] == rb["adapter"]["tokens"]}


def peft_loads(model_dir: str, adapter_dir: str) -> dict:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    ref = json.load(open(os.path.join(adapter_dir, "reference_logits.json")))
    base = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="eager")
    model = PeftModel.from_pretrained(base, adapter_dir).eval()
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ref["prompt"]["ids"]])).logits[0, -1].tolist()
    return {"peft_from_pretrained_logits_max_abs_diff": max(abs(x - y) for x, y in zip(logits, ref["adapter"]["logits"][0]))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--train-file", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    import torch

    summary = {"torch": torch.__version__, "cuda": torch.cuda.is_available(),
               "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None}
    runs = {"builtin_cuda": ("builtin", "cuda", None), "peft_cuda": ("peft", "cuda", None),
            "builtin_cpu": ("builtin", "cpu", None),
            "builtin_cpu_torchrun2": ("builtin", "cpu", [sys.executable, "-m", "torch.distributed.run", "--standalone",
                                                         "--nproc_per_node=2"])}
    for name, (backend, device, launcher) in runs.items():
        summary[name] = train(args, os.path.join(args.out, name), backend, device, launcher)
        print(json.dumps({name: summary[name]}), flush=True)
    pairs = [("builtin_cuda", "peft_cuda"), ("builtin_cpu", "builtin_cuda"), ("builtin_cpu", "builtin_cpu_torchrun2")]
    for a, b in pairs:
        if summary[a]["ok"] and summary[b]["ok"]:
            summary[f"{a}__vs__{b}"] = compare(os.path.join(args.out, a), os.path.join(args.out, b))
    if summary["builtin_cpu"]["ok"]:
        try:
            summary["peft_loads_builtin_adapter"] = peft_loads(args.model_dir, os.path.join(args.out, "builtin_cpu"))
        except Exception as e:  # noqa: BLE001 - a report, not a program
            summary["peft_loads_builtin_adapter"] = {"error": f"{type(e).__name__}: {e}"}
    print("SUMMARY " + json.dumps(summary))


if __name__ == "__main__":
    main()

"""Command line: parse and check the arguments, pick a backend, train, write the adapter and its reference.

Exit codes: 0 done; 1 a training error (an {"type":"error"} line says which); 2 bad arguments;
130/143 interrupted (SIGINT/SIGTERM, e.g. a cancelled job).
"""
import argparse
import os
import signal
import sys
import time
import traceback

from .events import TrainerError, emit, log, silence

BACKENDS = ("auto", "builtin", "peft")


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="train.py", description="LoRA supervised fine-tuning of a Llama-family chat "
                                                              "model; writes a PEFT adapter.")
    ap.add_argument("--base-model-dir", required=True, help="hub-layout folder: config.json, *.safetensors, "
                                                            "tokenizer.json, tokenizer_config.json")
    ap.add_argument("--base-model-id", help="the id written as base_model_name_or_path (default: <org>/<name> of a "
                         "hub-layout folder .../<org>/<name>/resolve/<rev>, else the folder name)")
    ap.add_argument("--train-file", required=True, help='JSONL, one {"messages": [...]} per line')
    ap.add_argument("--validation-file")
    ap.add_argument("--output-dir", required=True)
    ap.add_argument("--n-epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--learning-rate", type=float, default=2e-4)
    ap.add_argument("--lora-r", type=int, default=8)
    ap.add_argument("--lora-alpha", type=float, default=16)
    ap.add_argument("--lora-dropout", type=float, default=0.0)
    ap.add_argument("--target-modules", default="q_proj,v_proj", help="comma-separated, or all-linear")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", choices=("cpu", "cuda", "auto"), default="auto")
    ap.add_argument("--backend", choices=BACKENDS, default=os.environ.get("HEARTH_TRAINER_BACKEND", "auto"),
                    help="auto: transformers+peft when importable, else the built-in path")
    ap.add_argument("--max-seq-len", type=int, help="truncate examples (default: the model's max_position_embeddings)")
    ap.add_argument("--no-checkpoints", action="store_true", help="skip the per-epoch checkpoints")
    ap.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                    help="float64: a precision check (slower; the adapter is then written as F64)")
    ap.add_argument("--reference-steps", type=int, default=4, help="greedy steps saved in reference_logits.json")
    return ap.parse_args(argv)


def check(a: argparse.Namespace) -> None:
    rules = [(a.n_epochs >= 1, "--n-epochs must be at least 1"), (a.batch_size >= 1, "--batch-size must be at least 1"),
             (a.learning_rate > 0, "--learning-rate must be positive"), (a.lora_r >= 1, "--lora-r must be at least 1"),
             (a.lora_alpha > 0, "--lora-alpha must be positive"),
             (0 <= a.lora_dropout < 1, "--lora-dropout must be in [0, 1)"),
             (bool(a.target_modules.strip(",")), "--target-modules must name at least one module")]
    for ok, why in rules:
        if not ok:
            raise TrainerError("invalid_arguments", why)
    if not os.path.isdir(a.base_model_dir):
        raise TrainerError("model_not_found", f"--base-model-dir {a.base_model_dir} is not a folder.")


def pick_backend(choice: str):
    from . import hf_backend

    if choice == "peft" or (choice == "auto" and hf_backend.available()):
        if not hf_backend.available():
            raise TrainerError("backend_unavailable", "--backend peft needs the transformers and peft packages.")
        return hf_backend.HFBackend
    from .own_backend import OwnBackend

    return OwnBackend


def run(a: argparse.Namespace) -> None:
    import torch

    from . import distributed, grad_probe, lora
    from .adapter_files import adapter_config, write_adapter
    from .dataset import load_examples
    from .loop import Hyper, train
    from .reference import write_reference
    from .tokenizer import Tokenizer

    check(a)
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS
    torch.use_deterministic_algorithms(True, warn_only=True)
    if os.environ.get("OMP_NUM_THREADS") is None:
        torch.set_num_threads(1)  # small models: more threads only add contention
    d = distributed.setup(a.device)
    if d.device.type == "cuda":
        # Full fp32 matmuls: TF32 would make the two backends (and two runs on different GPUs) disagree at 1e-3.
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    if not d.main:
        silence()
    t_start = time.time()
    backend_cls = pick_backend(a.backend)
    targets = lora.resolve_targets([t.strip() for t in a.target_modules.split(",") if t.strip()])
    alpha = int(a.lora_alpha) if float(a.lora_alpha).is_integer() else a.lora_alpha
    tok = Tokenizer(a.base_model_dir)
    dtype = torch.float64 if a.dtype == "float64" else torch.float32
    backend = backend_cls(a.base_model_dir, targets, a.lora_r, alpha, a.lora_dropout, a.seed, d.device, dtype)
    max_len = a.max_seq_len or backend.model.config.max_position_embeddings
    examples = load_examples(a.train_file, tok, max_len)
    valid = load_examples(a.validation_file, tok, max_len) if a.validation_file else None
    pad_id = _pad_id(tok, backend.model.config)
    base_id = a.base_model_id or hub_model_id(a.base_model_dir)
    config = adapter_config(base_id, a.lora_r, alpha, a.lora_dropout, targets)
    log(f"backend {backend.name}, device {d.device}, world {d.world}, {len(examples)} examples, "
        f"{sum(p.numel() for p in backend.trainable_parameters())} trainable parameters")
    h = Hyper(a.n_epochs, a.batch_size, a.learning_rate, a.seed, checkpoints=not a.no_checkpoints)
    probe_path = grad_probe.path_from_env()
    probe = grad_probe.GradientProbe(probe_path, backend, a.seed) if probe_path else None
    metrics = train(backend, examples, valid, h, pad_id, a.output_dir, config, d, probe)
    if probe is not None:
        emit("probe", file=os.path.abspath(probe_path))
    elif d.main:
        write_adapter(a.output_dir, backend.lora_tensors(), config)
        write_reference(backend, tok, a.output_dir, base_id, d.device, a.reference_steps)
        metrics.update({"backend": backend.name, "device": str(d.device), "world_size": d.world,
                        "trainable_params": sum(p.numel() for p in backend.trainable_parameters()),
                        "total_seconds": round(time.time() - t_start, 3)})
        emit("done", adapter_dir=os.path.abspath(a.output_dir), metrics=metrics)
    d.barrier()
    d.close()


def hub_model_id(model_dir: str) -> str:
    """`.../<org>/<name>/resolve/<revision>` (the hub layout Hearth serves) -> `<org>/<name>`; else the folder name."""
    parts = os.path.normpath(os.path.abspath(model_dir)).split(os.sep)
    if len(parts) >= 4 and parts[-2] == "resolve":
        return f"{parts[-4]}/{parts[-3]}"
    return parts[-1]


def _pad_id(tok, model_config) -> int:
    pad = getattr(model_config, "pad_token_id", None)
    if pad is None:
        pad = tok._special_id("pad_token") if hasattr(tok, "_special_id") else None
    return 0 if pad is None else pad  # padded positions are masked and never trained on: any id will do


def _on_signal(signum, _frame):
    code = 130 if signum == signal.SIGINT else 143
    emit("error", code="cancelled", message=f"Training stopped by signal {signum}; no adapter was written.")
    os._exit(code)


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        a = parse_args(argv)
    except SystemExit as e:
        if e.code:
            emit("error", code="invalid_arguments", message="Bad command line; run train.py --help for the arguments.")
        return int(e.code or 0)
    try:
        run(a)
        return 0
    except TrainerError as e:
        emit("error", code=e.code, message=e.message)
        return 2 if e.code == "invalid_arguments" else 1
    except MemoryError:
        emit("error", code="out_of_memory", message="Out of memory; lower --batch-size or --max-seq-len.")
        return 1
    except Exception as e:  # noqa: BLE001 - the executor needs an error line whatever went wrong
        traceback.print_exc(file=sys.stderr)
        if type(e).__name__ == "OutOfMemoryError":
            emit("error", code="out_of_memory", message="The GPU ran out of memory; lower --batch-size or --max-seq-len.")
        else:
            emit("error", code="internal", message=f"{type(e).__name__}: {e}")
        return 1

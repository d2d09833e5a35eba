"""PyTorch reference for the browser runtime: logits of base+adapter (and of the base alone) for a fixed prompt,
saved beside the adapter as reference_logits.json.

logits[0] is the last prompt position; logits[i] (i >= 1) comes from feeding greedy token i-1 (tokens[i-1] =
argmax(logits[i-1])). Full-sequence forwards (no KV cache): the numbers a cached decoder must reproduce.
"""
import json
import os

import torch

from .chat_template import render_text, renderer_for
from .dataset import _special_tokens

REFERENCE_FILE = "reference_logits.json"
PROMPT = [{"role": "user", "content": "What is Hearth?"}]


@torch.no_grad()
def _greedy(backend, ids: list[int], steps: int, device) -> tuple[list[list[float]], list[int]]:
    seq, all_logits, tokens = list(ids), [], []
    for i in range(steps + 1):
        x = torch.tensor([seq], device=device)
        last = backend.forward(backend.model, x, torch.ones_like(x))[0, -1].cpu()
        all_logits.append([float(f"{v:.8g}") for v in last.tolist()])
        if i < steps:
            tok = int(last.argmax())
            tokens.append(tok)
            seq.append(tok)
    return all_logits, tokens


def prompt_ids(tok) -> tuple[str, list[int]]:
    renderer = renderer_for(tok.chat_template, _special_tokens(tok))
    text = tok.normalize(render_text(renderer.segments(PROMPT, add_generation_prompt=True)))
    ids = list(tok.encode(text).ids)
    if tok.bos_id is not None:
        ids = [tok.bos_id] + ids
    return text, ids


def write_reference(backend, tok, out_dir: str, base_model: str, device, steps: int = 4) -> str:
    backend.model.eval()
    text, ids = prompt_ids(tok)
    vocab = backend.model.config.vocab_size
    steps = steps if vocab <= 65536 else 0  # keep the file small for large vocabularies
    adapter_logits, adapter_tokens = _greedy(backend, ids, steps, device)
    with backend.adapter_disabled():
        base_logits, base_tokens = _greedy(backend, ids, steps, device)
    ref = {
        "format": "hearth-lora-reference/1",
        "base_model": base_model,
        "backend": backend.name,
        "note": __doc__.strip(),
        "prompt": {"messages": PROMPT, "add_generation_prompt": True, "text": text, "ids": ids},
        "adapter": {"tokens": adapter_tokens, "logits": adapter_logits},
        "base": {"tokens": base_tokens, "logits": base_logits},
    }
    path = os.path.join(out_dir, REFERENCE_FILE)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(ref, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    return path

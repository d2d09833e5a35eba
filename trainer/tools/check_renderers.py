#!/usr/bin/env python3
"""Where jinja2 and tokenizers are installed: the Jinja-rendered chat template must give the same text and the
same trainable spans as the built-in ChatML renderer, and the `tokenizers` package the same ids and loss masks
as the built-in byte-level BPE. Prints one JSON summary; exits 1 on any difference.

  python3 trainer/tools/check_renderers.py MODEL_DIR tests/fixtures/reference/tiny-llama-chat.json DATA.jsonl
"""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from hearth_trainer.chat_template import ChatMLRenderer, JinjaRenderer  # noqa: E402
from hearth_trainer.dataset import load_examples, read_jsonl  # noqa: E402
from hearth_trainer.tokenizer import Tokenizer  # noqa: E402


def spans(segments):
    """Trainable character ranges, whitespace at their edges left out (where a turn's newline goes is layout)."""
    out, pos = [], 0
    for text, trainable in segments:
        if trainable and text.strip():
            lead = len(text) - len(text.lstrip())
            out.append((pos + lead, pos + len(text.rstrip())))
        pos += len(text)
    return out


def main() -> None:
    model_dir, ref_path, data_path = sys.argv[1:4]
    builtin = Tokenizer(model_dir, prefer_builtin=True)
    fast = Tokenizer(model_dir)
    chatml = ChatMLRenderer(builtin.chat_template)
    jinja = JinjaRenderer(builtin.chat_template, {})
    problems = []
    conversations = [(c["messages"], c.get("tools"), c.get("add_generation_prompt", False))
                     for c in json.load(open(ref_path))["chat_template"]]
    conversations += [(r["messages"], r.get("tools"), False) for r in read_jsonl(data_path)]
    for i, (messages, tools, gen) in enumerate(conversations):
        a, b = chatml.segments(messages, tools, gen), jinja.segments(messages, tools, gen)
        if "".join(t for t, _ in a) != "".join(t for t, _ in b):
            problems.append(f"conversation {i}: texts differ")
        elif spans(a) != spans(b):
            problems.append(f"conversation {i}: trainable spans differ {spans(a)} vs {spans(b)}")
    ex_builtin = load_examples(data_path, builtin, 512)
    ex_fast = load_examples(data_path, fast, 512)
    for i, (x, y) in enumerate(zip(ex_builtin, ex_fast)):
        if x.ids != y.ids or x.labels != y.labels:
            problems.append(f"example {i}: ids or labels differ between the built-in BPE and tokenizers")
    summary = {"conversations": len(conversations), "examples": len(ex_builtin),
               "fast_tokenizer": type(fast.impl).__name__, "problems": problems}
    print(json.dumps(summary))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

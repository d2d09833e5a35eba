"""Renders the fixture reference's chat-template cases and tokenizer texts with the trainer's own renderer and
tokenizer; prints JSON for the vitest test to compare with tests/fixtures/reference/tiny-llama-chat.json."""
import json
import os
import sys

sys.dont_write_bytecode = True

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "trainer"))

from hearth_trainer.chat_template import render_text, renderer_for  # noqa: E402
from hearth_trainer.dataset import _special_tokens  # noqa: E402
from hearth_trainer.tokenizer import Tokenizer  # noqa: E402

model_dir, ref_path = sys.argv[1], sys.argv[2]
tok = Tokenizer(model_dir, prefer_builtin=True)
renderer = renderer_for(tok.chat_template, _special_tokens(tok))
ref = json.load(open(ref_path, encoding="utf-8"))
cases = []
for c in ref["chat_template"]:
    text = render_text(renderer.segments(c["messages"], c.get("tools"), c.get("add_generation_prompt", False)))
    cases.append({"name": c["name"], "text": text, "ids": tok.encode(tok.normalize(text)).ids})
texts = [{"text": t["text"], "ids": tok.encode(tok.normalize(t["text"])).ids} for t in ref["tokenizer"]]
print(json.dumps({"chat_template": cases, "tokenizer": texts}))

"""Chat JSONL -> token ids and labels (-100 where the loss must not look: everything but assistant replies)."""
import bisect
import json
from dataclasses import dataclass

from .chat_template import renderer_for
from .events import TrainerError
from .tokenizer import Tokenizer

ROLES = {"system", "user", "assistant", "tool"}
IGNORE = -100


@dataclass
class Example:
    ids: list[int]
    labels: list[int]  # labels[i] = ids[i] where token i is trained on, else IGNORE

    @property
    def trained_tokens(self) -> int:
        return sum(1 for x in self.labels if x != IGNORE)


def read_jsonl(path: str) -> list[dict]:
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise TrainerError("invalid_dataset", f"Cannot read {path}: {e.strerror}.") from e
    rows, problems = [], []
    with f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(f"line {n}: not JSON ({e.msg})")
                continue
            why = _problem(row)
            if why:
                problems.append(f"line {n}: {why}")
            else:
                rows.append(row)
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise TrainerError("invalid_dataset", f"{path}: " + "; ".join(problems[:5]) + more)
    if not rows:
        raise TrainerError("invalid_dataset", f"{path} holds no examples.")
    return rows


def _problem(row) -> str | None:
    if not isinstance(row, dict) or not isinstance(row.get("messages"), list) or not row["messages"]:
        return 'expected {"messages": [...]} with at least one message'
    for m in row["messages"]:
        if not isinstance(m, dict) or m.get("role") not in ROLES:
            return f"unknown role {m.get('role') if isinstance(m, dict) else m!r}"
        if m["role"] != "assistant" and not isinstance(m.get("content"), str):
            return f"a {m['role']} message needs string content"
    if not any(m["role"] == "assistant" for m in row["messages"]):
        return "no assistant message to learn from"
    return None


def tokenize_example(tok: Tokenizer, renderer, row: dict, max_len: int) -> Example:
    text, spans = "", []  # spans: [start, end) character ranges that are trained on
    for seg, trainable in renderer.segments(row["messages"], row.get("tools")):
        seg = tok.normalize(seg)
        if trainable:
            spans.append((len(text), len(text) + len(seg)))
        text += seg
    enc = tok.encode(text)
    ids, starts = list(enc.ids), list(enc.starts)
    if tok.bos_id is not None:
        ids, starts = [tok.bos_id] + ids, [-1] + starts
    span_starts = [s for s, _ in spans]
    labels = []
    for tid, start in zip(ids, starts):
        k = bisect.bisect_right(span_starts, start) - 1
        labels.append(tid if k >= 0 and start < spans[k][1] else IGNORE)
    return Example(ids[:max_len], labels[:max_len])


def load_examples(path: str, tok: Tokenizer, max_len: int) -> list[Example]:
    renderer = renderer_for(tok.chat_template, _special_tokens(tok))
    examples = [tokenize_example(tok, renderer, row, max_len) for row in read_jsonl(path)]
    examples = [e for e in examples if e.trained_tokens > 0]
    if not examples:
        raise TrainerError("invalid_dataset", f"{path}: after truncation to {max_len} tokens no example keeps an "
                                              "assistant token to learn from.")
    return examples


def _special_tokens(tok: Tokenizer) -> dict:
    out = {}
    for key in ("bos_token", "eos_token", "pad_token", "unk_token"):
        v = tok.config.get(key)
        out[key] = v.get("content") if isinstance(v, dict) else v
    return out

"""Tokenizer from a hub `tokenizer.json`, encoding with character offsets (needed to mask the loss).

Uses the `tokenizers` package when it is importable. Otherwise a built-in byte-level BPE (GPT-2 family) that
supports: model BPE, normalizer none/NFC, pre-tokenizer ByteLevel with the GPT-2 split (use_regex), or a
Split(regex) + ByteLevel(use_regex=false) sequence (Llama 3 / Qwen style; needs the `regex` package for
\\p{L}), and added tokens matched before splitting. Anything else is refused with a clear error.
"""
import json
import os
import unicodedata

from .events import TrainerError

CONTRACTIONS = ["s", "t", "re", "ve", "m", "ll", "d"]


def bytes_to_unicode() -> dict[int, str]:
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


BYTE_ENCODER = bytes_to_unicode()


def _cls(c: str) -> str:
    if c.isspace():
        return "S"
    cat = unicodedata.category(c)
    return "L" if cat.startswith("L") else "N" if cat.startswith("N") else "O"


def gpt2_split(text: str) -> list[tuple[int, str]]:
    """The GPT-2 pattern 's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+
    as a scanner (Python's `re` has no \\p{L}). -> [(start char, piece)]"""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == "'":
            hit = next((s for s in CONTRACTIONS if text.startswith(s, i + 1)), None)
            if hit:
                out.append((i, "'" + hit))
                i += 1 + len(hit)
                continue
        k, start = _cls(c), i
        if c == " " and i + 1 < n and _cls(text[i + 1]) != "S":
            k = _cls(text[i + 1])
            i += 1
        if k in ("L", "N", "O"):
            while i < n and _cls(text[i]) == k:
                i += 1
            out.append((start, text[start:i]))
            continue
        j = i
        while j < n and _cls(text[j]) == "S":
            j += 1
        if j < n and j - i >= 2:
            j -= 1
        out.append((i, text[i:j]))
        i = j
    return out


class Encoding:
    def __init__(self, ids: list[int], starts: list[int]):
        self.ids = ids
        self.starts = starts  # character offset in the text where each token begins


class ByteLevelBPE:
    def __init__(self, spec: dict):
        model = spec.get("model") or {}
        if model.get("type") != "BPE":
            raise TrainerError("unsupported_tokenizer", f"tokenizer model {model.get('type')!r} needs the `tokenizers` "
                                                        "package; the built-in tokenizer handles byte-level BPE.")
        self.vocab: dict[str, int] = model["vocab"]
        merges = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in model["merges"]]
        self.ranks = {m: r for r, m in enumerate(merges)}
        self.added = {t["content"]: t["id"] for t in spec.get("added_tokens", [])}
        self._by_length = sorted(self.added, key=len, reverse=True)
        self.nfc = self._normalizer(spec.get("normalizer"))
        self.split = self._pre_tokenizer(spec.get("pre_tokenizer"))
        self._cache: dict[str, list[str]] = {}

    @staticmethod
    def _normalizer(n) -> bool:
        if n is None:
            return False
        if n.get("type") == "NFC":
            return True
        raise TrainerError("unsupported_tokenizer", f"normalizer {n.get('type')!r} needs the `tokenizers` package.")

    @staticmethod
    def _pre_tokenizer(p):
        if p and p.get("type") == "ByteLevel" and p.get("use_regex", True):
            return gpt2_split
        if p and p.get("type") == "Sequence":
            steps = p["pretokenizers"]
            if (len(steps) == 2 and steps[0].get("type") == "Split" and steps[1].get("type") == "ByteLevel"
                    and not steps[1].get("use_regex", True) and steps[0].get("behavior") == "Isolated"):
                try:
                    import regex  # \p{L} classes
                except ImportError as e:
                    raise TrainerError("unsupported_tokenizer", "This tokenizer's split pattern needs the `regex` or "
                                                                "`tokenizers` package: pip install regex.") from e
                pattern = regex.compile(steps[0]["pattern"]["Regex"])

                def split(text):
                    pieces, last = [], 0
                    for m in pattern.finditer(text):
                        if m.start() > last:
                            pieces.append((last, text[last:m.start()]))
                        pieces.append((m.start(), m.group()))
                        last = m.end()
                    if last < len(text):
                        pieces.append((last, text[last:]))
                    return pieces

                return split
        raise TrainerError("unsupported_tokenizer", f"pre-tokenizer {p!r} needs the `tokenizers` package.")

    def _bpe(self, word: str) -> list[str]:
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        syms = list(word)
        while len(syms) > 1:
            rank, i = min((self.ranks.get((a, b), 1 << 60), i) for i, (a, b) in enumerate(zip(syms, syms[1:])))
            if rank == 1 << 60:
                break
            a, b = syms[i], syms[i + 1]
            out, j = [], 0
            while j < len(syms):
                if j + 1 < len(syms) and syms[j] == a and syms[j + 1] == b:
                    out.append(a + b)
                    j += 2
                else:
                    out.append(syms[j])
                    j += 1
            syms = out
        self._cache[word] = syms
        return syms

    def _split_added(self, text: str):
        parts, i, start = [], 0, 0
        while i < len(text):
            hit = next((c for c in self._by_length if text.startswith(c, i)), None) if self.added else None
            if hit:
                if start < i:
                    parts.append((start, text[start:i], False))
                parts.append((i, hit, True))
                i += len(hit)
                start = i
            else:
                i += 1
        if start < len(text):
            parts.append((start, text[start:], False))
        return parts

    def encode(self, text: str) -> Encoding:
        """`text` must already be normalized (see `normalize`) so offsets refer to it."""
        ids, starts = [], []
        for offset, part, is_added in self._split_added(text):
            if is_added:
                ids.append(self.added[part])
                starts.append(offset)
                continue
            for piece_start, piece in self.split(part):
                # char index of every UTF-8 byte of the piece, so a token maps back to the char it starts in
                byte_chars = [ci for ci, ch in enumerate(piece) for _ in ch.encode("utf-8")]
                symbols = "".join(BYTE_ENCODER[b] for b in piece.encode("utf-8"))
                pos = 0
                for tok in self._bpe(symbols):
                    tid = self.vocab.get(tok)
                    if tid is None:
                        raise TrainerError("unsupported_tokenizer", f"token {tok!r} missing from the vocabulary.")
                    ids.append(tid)
                    starts.append(offset + piece_start + byte_chars[pos])
                    pos += len(tok)
        return Encoding(ids, starts)

    def normalize(self, text: str) -> str:
        return unicodedata.normalize("NFC", text) if self.nfc else text


class HFTokenizers:
    """The `tokenizers` package (Rust), same interface."""

    def __init__(self, path: str):
        from tokenizers import Tokenizer

        self.tok = Tokenizer.from_file(path)

    def encode(self, text: str) -> Encoding:
        enc = self.tok.encode(text, add_special_tokens=False)
        return Encoding(list(enc.ids), [s for s, _ in enc.offsets])

    def normalize(self, text: str) -> str:
        # the Rust tokenizer reports offsets in the original text: nothing to do here
        return text


class Tokenizer:
    """tokenizer.json + tokenizer_config.json of a hub model folder."""

    def __init__(self, model_dir: str, prefer_builtin: bool = False):
        path = os.path.join(model_dir, "tokenizer.json")
        if not os.path.exists(path):
            raise TrainerError("unsupported_tokenizer", f"No tokenizer.json in {model_dir}; the trainer reads the "
                                                        "Hugging Face fast-tokenizer file.")
        cfg_path = os.path.join(model_dir, "tokenizer_config.json")
        self.config = json.load(open(cfg_path, encoding="utf-8")) if os.path.exists(cfg_path) else {}
        impl = None
        if not prefer_builtin:
            try:
                impl = HFTokenizers(path)
            except ImportError:
                impl = None
        if impl is None:
            with open(path, encoding="utf-8") as f:
                impl = ByteLevelBPE(json.load(f))
        self.impl = impl
        self.chat_template = self.config.get("chat_template")
        if isinstance(self.chat_template, list):  # [{name, template}] form: take the default one
            self.chat_template = next((t["template"] for t in self.chat_template if t.get("name") == "default"), None)
        self.bos_id = self._special_id("bos_token") if self.config.get("add_bos_token") else None

    def _special_id(self, key: str):
        tok = self.config.get(key)
        if isinstance(tok, dict):
            tok = tok.get("content")
        if not tok:
            return None
        enc = self.impl.encode(tok)
        return enc.ids[0] if len(enc.ids) == 1 else None

    def encode(self, text: str) -> Encoding:
        return self.impl.encode(text)

    def normalize(self, text: str) -> str:
        return self.impl.normalize(text)

"""The machine-readable stdout protocol: one JSON object per line, flushed at once.

  {"type":"progress","step","total_steps","epoch","loss","tokens_per_s"}
  {"type":"checkpoint","step","dir"}
  {"type":"done","adapter_dir","metrics":{...}}
  {"type":"error","code","message"}   (then a non-zero exit)

Human-readable notes go to stderr so stdout stays parseable. Under torchrun only rank 0 speaks.
"""
import json
import math
import sys

_silent = False


def silence() -> None:
    """Used by ranks other than 0: the executor reads one stream of events, not one per process."""
    global _silent
    _silent = True


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def emit(kind: str, **fields) -> None:
    if _silent:
        return
    line = {"type": kind, **{k: _finite(v) for k, v in fields.items()}}
    sys.stdout.write(json.dumps(line, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def log(message: str) -> None:
    if not _silent:
        print(message, file=sys.stderr, flush=True)


class TrainerError(Exception):
    """A failure with a stable code (for the server) and a message that says what to do (for people)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

"""safetensors without the safetensors package: 8-byte little-endian header length, JSON header, raw data.

Reads F32/F16/BF16 (and integer) tensors straight into torch; writes sorted names with an 8-byte aligned
header, which is what the browser's reader and the `safetensors` package both accept.
"""
import json
import os
import struct

import torch

from .events import TrainerError

_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
           "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
           "BOOL": torch.bool}
_NAMES = {v: k for k, v in _DTYPES.items()}


def load_file(path: str) -> dict[str, torch.Tensor]:
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise TrainerError("invalid_model", f"{path} is not a safetensors file (shorter than 8 bytes).")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise TrainerError("invalid_model", f"{path}: the safetensors header runs past the end of the file.")
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise TrainerError("invalid_model", f"{path}: tensor {name} has unsupported dtype {info['dtype']}.")
        start, end = info["data_offsets"]
        if not 0 <= start <= end <= len(data) - base:
            raise TrainerError("invalid_model", f"{path}: tensor {name} lies outside the file.")
        raw = bytearray(data[base + start : base + end])
        t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info["shape"])
    return out


def load_model_weights(model_dir: str) -> dict[str, torch.Tensor]:
    """All tensors of a hub-layout model: model.safetensors, or the shards named by model.safetensors.index.json."""
    single = os.path.join(model_dir, "model.safetensors")
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(single):
        return load_file(single)
    if os.path.exists(index):
        with open(index, encoding="utf-8") as f:
            shards = sorted(set(json.load(f)["weight_map"].values()))
        out = {}
        for shard in shards:
            out.update(load_file(os.path.join(model_dir, shard)))
        return out
    raise TrainerError("model_not_found",
                       f"No model.safetensors (or model.safetensors.index.json) in {model_dir}: "
                       "point --base-model-dir at a Hugging Face hub-layout model folder.")


def save_file(tensors: dict[str, torch.Tensor], path: str, metadata: dict | None = None) -> None:
    arrays = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    header, offset = {}, 0
    for name in sorted(arrays):
        t = arrays[name]
        n = t.numel() * t.element_size()
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + n]}
        offset += n
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for name in sorted(arrays):
            t = arrays[name]
            # bytes through a uint8 view works for every dtype, bf16 included (numpy has no bf16).
            f.write(t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    os.replace(tmp, path)

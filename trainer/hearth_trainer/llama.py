"""Llama-architecture causal LM in plain PyTorch, the trainer's own copy (the trainer ships alone to a cluster
node, so it does not import the test fixtures). Module names follow transformers' LlamaForCausalLM, so hub
checkpoints load by name and LoRA module paths are PEFT's:

  model.embed_tokens.weight                         [V, H]
  model.layers.N.self_attn.{q,k,v,o}_proj.weight    q:[nh*hd, H] k,v:[kvh*hd, H] o:[H, nh*hd]
  model.layers.N.mlp.{gate,up,down}_proj.weight     gate,up:[I, H] down:[H, I]
  model.layers.N.{input,post_attention}_layernorm.weight, model.norm.weight   [H]
  lm_head.weight                                    [V, H]  (absent when tied to the embeddings)

RMSNorm, RoPE (rotate_half convention, optional llama3 frequency scaling), grouped-query attention, SwiGLU.
Training only: no KV cache. Shapes: B batch, S sequence, nh heads, kvh kv heads, hd head dim.
"""
import json
import math
import os
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from .events import TrainerError


@dataclass
class LlamaConfig:
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    head_dim: int
    max_position_embeddings: int
    rms_norm_eps: float
    rope_theta: float
    tie_word_embeddings: bool
    rope_scaling: dict | None

    @classmethod
    def from_model_dir(cls, model_dir: str) -> "LlamaConfig":
        path = os.path.join(model_dir, "config.json")
        if not os.path.exists(path):
            raise TrainerError("model_not_found", f"No config.json in {model_dir}: point --base-model-dir at a "
                                                  "Hugging Face hub-layout model folder.")
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        arch = d.get("model_type")
        if arch not in ("llama", "mistral", "qwen2", "smollm"):
            raise TrainerError("unsupported_model", f"model_type {arch!r} is not Llama-family; the built-in trainer "
                                                    "handles llama-style decoders (install transformers+peft for others).")
        if d.get("attention_bias") or d.get("mlp_bias") or arch == "qwen2":
            raise TrainerError("unsupported_model", "Projections with biases (e.g. Qwen2) need the transformers+peft "
                                                    "backend; the built-in trainer handles bias-free Llama layers.")
        scaling = d.get("rope_scaling")
        if scaling and scaling.get("rope_type", scaling.get("type")) not in ("llama3", "default"):
            raise TrainerError("unsupported_model", f"rope_scaling {scaling!r} is not supported by the built-in trainer.")
        nh = d["num_attention_heads"]
        return cls(vocab_size=d["vocab_size"], hidden_size=d["hidden_size"], intermediate_size=d["intermediate_size"],
                   num_hidden_layers=d["num_hidden_layers"], num_attention_heads=nh,
                   num_key_value_heads=d.get("num_key_value_heads") or nh,
                   head_dim=d.get("head_dim") or d["hidden_size"] // nh,
                   max_position_embeddings=d.get("max_position_embeddings", 2048),
                   rms_norm_eps=d.get("rms_norm_eps", 1e-6), rope_theta=d.get("rope_theta", 10000.0),
                   tie_word_embeddings=bool(d.get("tie_word_embeddings", False)), rope_scaling=scaling)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):  # x: [B, S, H]
        xf = at_least_fp32(x)
        var = xf.pow(2).mean(-1, keepdim=True)
        return self.weight * (xf * torch.rsqrt(var + self.eps)).to(x.dtype)


def at_least_fp32(x: torch.Tensor) -> torch.Tensor:
    """Half-precision activations are normalised in float32; float64 ones (the precision check) stay float64."""
    return x.to(torch.promote_types(x.dtype, torch.float32))


def inv_frequencies(c: LlamaConfig) -> torch.Tensor:
    inv = 1.0 / (c.rope_theta ** (torch.arange(0, c.head_dim, 2, dtype=torch.float32) / c.head_dim))  # [hd/2]
    s = c.rope_scaling
    if s and s.get("rope_type", s.get("type")) == "llama3":
        # Llama 3.1 long-context scaling: low frequencies divided by `factor`, a smooth ramp in between.
        factor, low, high = s["factor"], s.get("low_freq_factor", 1.0), s.get("high_freq_factor", 4.0)
        old = s.get("original_max_position_embeddings", 8192)
        wavelen = 2 * math.pi / inv
        smooth = (old / wavelen - low) / (high - low)
        scaled = torch.where(wavelen > old / low, inv / factor, inv)
        mid = (wavelen <= old / low) & (wavelen >= old / high)
        inv = torch.where(mid, (1 - smooth) * inv / factor + smooth * inv, scaled)
    return inv


def rope_cos_sin(seq_len: int, inv_freq: torch.Tensor):
    """-> cos, sin: [1, 1, S, hd]"""
    pos = torch.arange(seq_len, dtype=torch.float32, device=inv_freq.device)
    freqs = pos[:, None] * inv_freq[None, :]  # [S, hd/2]
    emb = torch.cat((freqs, freqs), dim=-1)  # [S, hd]
    return emb.cos()[None, None], emb.sin()[None, None]


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class Attention(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.nh, self.kvh, self.hd = c.num_attention_heads, c.num_key_value_heads, c.head_dim
        self.q_proj = nn.Linear(c.hidden_size, self.nh * self.hd, bias=False)
        self.k_proj = nn.Linear(c.hidden_size, self.kvh * self.hd, bias=False)
        self.v_proj = nn.Linear(c.hidden_size, self.kvh * self.hd, bias=False)
        self.o_proj = nn.Linear(self.nh * self.hd, c.hidden_size, bias=False)

    def forward(self, x, cos, sin, bias):
        B, S, _ = x.shape
        q = self.q_proj(x).view(B, S, self.nh, self.hd).transpose(1, 2)  # [B, nh, S, hd]
        k = self.k_proj(x).view(B, S, self.kvh, self.hd).transpose(1, 2)  # [B, kvh, S, hd]
        v = self.v_proj(x).view(B, S, self.kvh, self.hd).transpose(1, 2)  # [B, kvh, S, hd]
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = self.nh // self.kvh
        qg = q.reshape(B, self.kvh, rep, S, self.hd)  # [B, kvh, rep, S, hd]: head h uses kv head h // rep
        scores = torch.matmul(qg, k[:, :, None].transpose(-1, -2)) / math.sqrt(self.hd)  # [B, kvh, rep, S, S]
        probs = torch.softmax(at_least_fp32(scores) + bias, dim=-1).to(q.dtype)
        out = torch.matmul(probs, v[:, :, None])  # [B, kvh, rep, S, hd]
        out = out.reshape(B, self.nh, S, self.hd).transpose(1, 2).reshape(B, S, self.nh * self.hd)
        return self.o_proj(out)


class MLP(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.mlp = MLP(c)

    def forward(self, x, cos, sin, bias):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, bias)
        return x + self.mlp(self.post_attention_layernorm(x))


class LlamaModel(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList(DecoderLayer(c) for _ in range(c.num_hidden_layers))
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)


class LlamaForCausalLM(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.config = c
        self.model = LlamaModel(c)
        self.lm_head = nn.Linear(c.hidden_size, c.vocab_size, bias=False)
        if c.tie_word_embeddings:
            self.lm_head.weight = self.model.embed_tokens.weight
        self.register_buffer("inv_freq", inv_frequencies(c), persistent=False)

    def forward(self, input_ids, attention_mask=None):
        """input_ids, attention_mask: [B, S] (mask 1 = real token, right padding) -> logits [B, S, V] (float32, or
        float64 for a float64 model)."""
        B, S = input_ids.shape
        x = self.model.embed_tokens(input_ids)  # [B, S, H]
        cos, sin = rope_cos_sin(S, self.inv_freq)
        cos, sin = cos.to(x.dtype), sin.to(x.dtype)
        causal = torch.ones(S, S, dtype=torch.bool, device=input_ids.device).tril()  # [S, S]
        keep = causal[None] if attention_mask is None else causal[None] & (attention_mask[:, None, :] > 0)
        bias = torch.zeros(keep.shape, dtype=at_least_fp32(x).dtype, device=x.device).masked_fill(
            ~keep, torch.finfo(torch.float32).min)
        bias = bias[:, None, None]  # [B|1, 1, 1, S, S]
        for layer in self.model.layers:
            x = layer(x, cos, sin, bias)
        return at_least_fp32(self.lm_head(self.model.norm(x)))  # [B, S, V]


def load_llama(model_dir: str, dtype: torch.dtype = torch.float32) -> LlamaForCausalLM:
    from .safetensors_io import load_model_weights

    cfg = LlamaConfig.from_model_dir(model_dir)
    model = LlamaForCausalLM(cfg)
    sd = load_model_weights(model_dir)
    if cfg.tie_word_embeddings:
        sd.pop("lm_head.weight", None)
        sd["lm_head.weight"] = sd["model.embed_tokens.weight"]
    missing, unexpected = model.load_state_dict({k: v.float() for k, v in sd.items()}, strict=False)
    missing = [m for m in missing if m != "inv_freq"]
    if missing:
        raise TrainerError("invalid_model", f"The checkpoint in {model_dir} lacks {len(missing)} Llama weights, "
                                            f"e.g. {missing[:3]}; is it a LlamaForCausalLM checkpoint?")
    unexpected = [u for u in unexpected if not u.endswith("rotary_emb.inv_freq")]
    if unexpected:
        raise TrainerError("unsupported_model", f"The checkpoint has weights the Llama layout lacks, e.g. {unexpected[:3]}.")
    return model.to(dtype)


"""Turns a chat example into text segments marked trainable or not (the loss covers assistant turns only).

Two renderers, chosen by the model's `chat_template`:
- ChatML family (the template contains `<|im_start|>`, as Qwen2.5, SmolLM2 and Hearth's demo model do): a
  Jinja-free Python renderer of the Qwen2.5-style template, tools and tool calls included. Its default system
  prompt, if the template has one, is read from the template text. This is what runs without extra packages.
- Any other template, when `jinja2` is importable: the template itself is rendered, and each assistant turn
  is located by rendering the conversation up to it (with the generation prompt) and up to its end.
A trainable segment is the assistant's reply and its end-of-turn token; the role header is not trained.
"""
import json
import re

from .events import TrainerError

Segment = tuple[str, bool]  # (text, trainable)

_DEFAULT_SYSTEM = re.compile(r"'<\|im_start\|>system\\n([^'\"]+?)<\|im_end\|>\\n'")


def _tojson(v) -> str:
    return json.dumps(v, ensure_ascii=False)


def _trainable(m: dict) -> bool:
    return m["role"] == "assistant" and m.get("weight", 1) != 0


class ChatMLRenderer:
    def __init__(self, template: str):
        hit = _DEFAULT_SYSTEM.search(template)
        self.default_system = hit.group(1) if hit else None

    def segments(self, messages: list[dict], tools: list | None = None,
                 add_generation_prompt: bool = False) -> list[Segment]:
        out: list[Segment] = []
        first_system = bool(messages) and messages[0]["role"] == "system"
        system = messages[0]["content"] if first_system else self.default_system
        if tools:
            out.append(("<|im_start|>system\n" + (system or "") +
                        ("\n\n" if system else "") + "# Tools\n\nYou may call one or more functions to assist with "
                        "the user query.\n\nYou are provided with function signatures within <tools></tools> XML "
                        "tags:\n<tools>" + "".join("\n" + _tojson(t) for t in tools) +
                        "\n</tools>\n\nFor each function call, return a json object with function name and arguments "
                        "within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, "
                        "\"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n", False))
        elif system is not None:
            out.append(("<|im_start|>system\n" + system + "<|im_end|>\n", False))
        for i, m in enumerate(messages):
            role = m["role"]
            if role == "system" and i == 0:
                continue
            if role in ("user", "system"):
                out.append(("<|im_start|>" + role + "\n" + m["content"] + "<|im_end|>\n", False))
            elif role == "assistant" and not m.get("tool_calls"):
                out.append(("<|im_start|>assistant\n", False))
                out.append(((m.get("content") or "") + "<|im_end|>", _trainable(m)))
                out.append(("\n", False))
            elif role == "assistant":
                out.append(("<|im_start|>assistant", False))
                body = "\n" + m["content"] if m.get("content") else ""
                for tc in m["tool_calls"]:
                    tc = tc.get("function", tc)
                    args = tc["arguments"]
                    if isinstance(args, str):  # OpenAI sends arguments as a JSON string
                        args = json.loads(args)
                    body += '\n<tool_call>\n{"name": "' + tc["name"] + '", "arguments": ' + _tojson(args) + "}\n</tool_call>"
                out.append((body + "<|im_end|>", _trainable(m)))
                out.append(("\n", False))
            elif role == "tool":
                text = ""
                if i == 0 or messages[i - 1]["role"] != "tool":
                    text += "<|im_start|>user"
                text += "\n<tool_response>\n" + m["content"] + "\n</tool_response>"
                if i == len(messages) - 1 or messages[i + 1]["role"] != "tool":
                    text += "<|im_end|>\n"
                out.append((text, False))
        if add_generation_prompt:
            out.append(("<|im_start|>assistant\n", False))
        return out


class JinjaRenderer:
    def __init__(self, template: str, special: dict):
        try:
            import jinja2
            from jinja2.sandbox import ImmutableSandboxedEnvironment
        except ImportError as e:
            raise TrainerError("unsupported_chat_template",
                               "This model's chat template is not ChatML; rendering it needs the `jinja2` package "
                               "(pip install jinja2), or use the transformers+peft backend.") from e
        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
        env.filters["tojson"] = lambda v, indent=None: json.dumps(v, ensure_ascii=False, indent=indent)

        def raise_exception(msg):
            raise jinja2.exceptions.TemplateError(msg)

        env.globals["raise_exception"] = raise_exception
        self.template = env.from_string(template)
        self.special = special

    def render(self, messages, tools, add_generation_prompt):
        return self.template.render(messages=messages, tools=tools, add_generation_prompt=add_generation_prompt,
                                    **self.special)

    def segments(self, messages: list[dict], tools: list | None = None,
                 add_generation_prompt: bool = False) -> list[Segment]:
        messages = [_with_parsed_arguments(m) for m in messages]
        full = self.render(messages, tools, add_generation_prompt)
        out: list[Segment] = []
        done = 0
        for i, m in enumerate(messages):
            if m["role"] != "assistant":
                continue
            before = self.render(messages[:i], tools, True)
            after = self.render(messages[: i + 1], tools, False)
            if not (full.startswith(after) and after.startswith(before) and len(before) >= done):
                raise TrainerError("unsupported_chat_template", "The chat template does not render conversations "
                                                                "incrementally, so assistant turns cannot be located.")
            reply = full[len(before):len(after)]
            kept = reply.rstrip()  # the newline after the end-of-turn token is layout, not something to learn
            out.append((full[done:len(before)], False))
            out.append((kept, _trainable(m)))
            out.append((reply[len(kept):], False))
            done = len(after)
        out.append((full[done:], False))
        return [s for s in out if s[0]]


def _with_parsed_arguments(m: dict) -> dict:
    """OpenAI sends tool-call arguments as a JSON string; templates (and the ChatML renderer) expect an object."""
    if not m.get("tool_calls"):
        return m
    calls = []
    for tc in m["tool_calls"]:
        fn = tc.get("function", tc)
        if isinstance(fn.get("arguments"), str):
            try:
                fn = {**fn, "arguments": json.loads(fn["arguments"])}
            except json.JSONDecodeError:
                pass
        calls.append({**tc, "function": fn} if "function" in tc else fn)
    return {**m, "tool_calls": calls}


def renderer_for(template: str | None, special: dict):
    if not template:
        raise TrainerError("unsupported_chat_template", "The model has no chat_template in tokenizer_config.json; "
                                                        "fine-tuning on chats needs one.")
    if "<|im_start|>" in template:
        return ChatMLRenderer(template)
    return JinjaRenderer(template, special)


def render_text(segments: list[Segment]) -> str:
    return "".join(t for t, _ in segments)

#!/usr/bin/python3
"""Hearth LoRA trainer: supervised fine-tuning of a Llama-family chat model, PEFT adapter out.

Run `train.py --help` for the arguments; see trainer/README.md for the stdout protocol and for torchrun.
"""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hearth_trainer.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

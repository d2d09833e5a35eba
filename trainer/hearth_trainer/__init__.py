"""Hearth's LoRA trainer as a package: `cli.main` is the entry point used by trainer/train.py."""

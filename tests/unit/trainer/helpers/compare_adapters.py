"""Prints the largest absolute difference between the tensors of two adapter folders (same names required)."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "trainer"))

from hearth_trainer.safetensors_io import load_file  # noqa: E402

a = load_file(os.path.join(sys.argv[1], "adapter_model.safetensors"))
b = load_file(os.path.join(sys.argv[2], "adapter_model.safetensors"))
if sorted(a) != sorted(b):
    sys.exit(f"tensor names differ: {sorted(set(a) ^ set(b))}")
print(max((a[k] - b[k]).abs().max().item() for k in a))

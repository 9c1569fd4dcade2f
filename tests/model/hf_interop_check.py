"""Checks our Hugging Face export/import against transformers' Llama.

Not a Bazel test (Bazel tests never need Python). Run it by hand:

    python3 -m venv /tmp/hfvenv
    /tmp/hfvenv/bin/pip install torch safetensors transformers numpy
    bazel build //tests/model:hf_interop_tool
    /tmp/hfvenv/bin/python tests/model/hf_interop_check.py \
        --tool bazel-bin/tests/model/hf_interop_tool

(The CPU-only torch wheel from PyTorch's own index is smaller; the default
PyPI wheel works too.)

For each case it compares the logits of one packed single-document sequence
from transformers' LlamaForCausalLM (fp32, eager attention) with ours
(Llama::Logits via hf_interop_tool), and prints the max abs difference:

  ours -> HF   a random model of ours exported by ExportHuggingFace (fp32 and
               bf16, tied and untied embeddings), loaded by from_pretrained;
               the bf16 files are compared with our import of the same files.
  HF -> ours   a random LlamaForCausalLM written by save_pretrained, read by
               ImportHuggingFace.

It fails (exit 1) when transformers reports missing or unexpected weights or
a difference exceeds --tolerance.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from safetensors.numpy import load_file
from transformers import LlamaConfig, LlamaForCausalLM


def our_logits(tool, model_dir, tokens, work):
    out = os.path.join(work, "logits.safetensors")
    subprocess.run([tool, "logits", model_dir, out] + [str(t) for t in tokens],
                   check=True)
    return load_file(out)["logits"]


def hf_logits(model_dir, tokens):
    model, info = LlamaForCausalLM.from_pretrained(
        model_dir, dtype=torch.float32, attn_implementation="eager",
        output_loading_info=True)
    problems = {k: v for k, v in info.items() if v and k != "error_msgs"}
    if problems or info.get("error_msgs"):
        raise SystemExit(f"{model_dir}: transformers loading problems: {info}")
    model.eval()
    with torch.no_grad():
        ids = torch.tensor([tokens], dtype=torch.long)
        return model(input_ids=ids).logits[0].numpy()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", default="bazel-bin/tests/model/hf_interop_tool")
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--tolerance", type=float, default=1e-3)
    args = parser.parse_args()
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, 97, size=args.tokens).tolist()
    failed = False
    with tempfile.TemporaryDirectory() as work:
        cases = []
        for dtype in ("float32", "bfloat16"):
            for tied in (0, 1):
                name = f"ours->HF {dtype} tied={tied}"
                model_dir = os.path.join(work, f"ours_{dtype}_{tied}")
                subprocess.run([args.tool, "export", model_dir, dtype, "7",
                                str(tied)], check=True)
                cases.append((name, model_dir))
        for tied in (False, True):
            config = LlamaConfig(
                vocab_size=97, hidden_size=64, intermediate_size=160,
                num_hidden_layers=3, num_attention_heads=4,
                num_key_value_heads=2, rms_norm_eps=1e-5,
                tie_word_embeddings=tied, initializer_range=0.1)
            config.rope_parameters = {"rope_type": "default",
                                      "rope_theta": 5e5}
            model = LlamaForCausalLM(config)
            with torch.no_grad():  # norms start at 1; make them matter
                for param_name, param in model.named_parameters():
                    if "norm" in param_name:
                        param.uniform_(0.5, 1.5)
            model_dir = os.path.join(work, f"hf_{int(tied)}")
            model.save_pretrained(model_dir)
            cases.append((f"HF->ours float32 tied={int(tied)}", model_dir))
        for name, model_dir in cases:
            ours = our_logits(args.tool, model_dir, tokens, work)
            theirs = hf_logits(model_dir, tokens)
            diff = float(np.max(np.abs(ours - theirs)))
            scale = float(np.max(np.abs(theirs)))
            ok = diff <= args.tolerance
            failed |= not ok
            print(f"{name:28s} T={len(tokens)} max|logit|={scale:8.4f} "
                  f"max abs diff={diff:.3e} {'ok' if ok else 'FAIL'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

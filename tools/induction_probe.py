"""Does a checkpoint copy from its context? An induction probe.

A model that retrieves (Recall, RAG, JSON KV, needles) must first be able to
copy a span it has seen earlier in its context (induction heads, Olsson et
al. 2022). This probe measures that directly: the mean loss on the second
copy of a sequence repeated twice, against the first copy. A model that
copies has a far lower loss on the second copy; one that does not has about
the same loss on both.

Not a Bazel target (Bazel never needs Python). Run it by hand on one or more
checkpoints of train_main (HDF5, weights under /params in the Hugging Face
names, the model config in /model_config):

    python3 -m venv /tmp/hfvenv
    /tmp/hfvenv/bin/pip install torch transformers h5py
    /tmp/hfvenv/bin/python tools/induction_probe.py base.h5 [more.h5 ...] \
        [--mixture mixture.h5]

For each checkpoint it prints, in nats per token:
  random  100 tokens drawn uniformly from the vocabulary, repeated: first
          copy / second copy, averaged over 20 sequences;
  text    with --mixture, the first 100 tokens of its first 16 rows,
          repeated: first copy / second copy;
  rows    with --mixture, the plain loss on those 16 rows (whole rows, no
          document mask), to compare with the training log: a check that
          the weights loaded as they were trained.
"""

import argparse
import math

import h5py
import torch
from transformers import LlamaConfig, LlamaForCausalLM

SPAN = 100  # tokens per copy


def parse_model_config(text):
    """The text-format ModelConfig as a dict, with the proto's defaults."""
    config = {"tie_embeddings": "true", "norm_eps": "1e-5",
              "rope_theta": "10000"}
    for line in text.splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            config[key.strip()] = value.strip()
    return config


def load(path):
    with h5py.File(path, "r") as f:
        config = parse_model_config(f["model_config"][()].decode())
        state = {name: torch.tensor(f["params"][name][()])
                 for name in f["params"]}
    tied = "lm_head.weight" not in state
    model = LlamaForCausalLM(LlamaConfig(
        vocab_size=int(config["vocab_size"]),
        hidden_size=int(config["d_model"]),
        num_hidden_layers=int(config["n_layers"]),
        num_attention_heads=int(config["n_heads"]),
        num_key_value_heads=int(config["n_kv_heads"]),
        intermediate_size=int(config["ffn_hidden"]),
        rope_theta=float(config["rope_theta"]),
        rms_norm_eps=float(config["norm_eps"]),
        tie_word_embeddings=tied,
        max_position_embeddings=8192)).eval()
    result = model.load_state_dict(state, strict=False)
    missing = [k for k in result.missing_keys
               if not (tied and k == "lm_head.weight")]
    if missing or result.unexpected_keys:
        raise SystemExit(f"{path}: missing {missing}, "
                         f"unexpected {result.unexpected_keys}")
    return model, int(config["vocab_size"])


def copy_losses(model, spans):
    """Mean loss on the first and on the second copy of each span, repeated."""
    first, second = [], []
    for span in spans:
        tokens = torch.cat([span, span])[None]
        with torch.no_grad():
            log_probs = torch.log_softmax(model(tokens).logits[0, :-1], -1)
        nll = -log_probs.gather(1, tokens[0, 1:, None])[:, 0]
        first.append(nll[:SPAN - 1].mean().item())  # predicting tokens 1..99
        second.append(nll[SPAN:].mean().item())     # predicting the copy
    return sum(first) / len(first), sum(second) / len(second)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoints", nargs="+")
    parser.add_argument("--mixture", help="a mixture_main output (HDF5)")
    args = parser.parse_args()
    rows = None
    if args.mixture:
        with h5py.File(args.mixture, "r") as f:
            rows = torch.tensor(f["tokens"][:16].astype("int64"))
    for path in args.checkpoints:
        model, vocab = load(path)
        generator = torch.Generator().manual_seed(0)
        spans = [torch.randint(0, vocab, (SPAN,), generator=generator)
                 for _ in range(20)]
        first, second = copy_losses(model, spans)
        line = (f"{path}: random {first:.3f} / {second:.3f}"
                f" (uniform {math.log(vocab):.3f})")
        if rows is not None:
            first, second = copy_losses(model, rows[:, :SPAN])
            with torch.no_grad():
                loss = model(rows, labels=rows).loss.item()
            line += f"; text {first:.3f} / {second:.3f}; rows {loss:.3f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()

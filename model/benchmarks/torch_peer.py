"""PyTorch peer of train_benchmark: forward+backward tokens/s on the CPU.

The same `nano` Llama (d_model 128, 4 layers, 4 heads, 2 KV heads, FFN 352,
vocab 2048, tied embeddings, RMSNorm, rotate-half RoPE, SwiGLU) in plain
PyTorch, fp32, on one packed sequence per case. Document masking runs
causal scaled_dot_product_attention on each document separately (what
flash-attention's varlen kernels do); without it, over the whole sequence.
The first token of each document is not a target, as in our engine.

    python3 model/benchmarks/torch_peer.py --threads 2 \
        --case 1024:1:512/512 --case 1024:0:512/512

Each --case is L:MASK:LEN/LEN/...; prints one line "L MASK TOKENS_PER_S" per
case (train_benchmark runs it and reads them).
"""

import argparse
import time

import torch
import torch.nn.functional as F

VOCAB, D, LAYERS, HEADS, KV_HEADS, FFN = 2048, 128, 4, 4, 2, 352
HEAD_DIM = D // HEADS


class Layer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.input_norm = torch.nn.Parameter(torch.ones(D))
        self.post_norm = torch.nn.Parameter(torch.ones(D))
        self.q = torch.nn.Linear(D, HEADS * HEAD_DIM, bias=False)
        self.k = torch.nn.Linear(D, KV_HEADS * HEAD_DIM, bias=False)
        self.v = torch.nn.Linear(D, KV_HEADS * HEAD_DIM, bias=False)
        self.o = torch.nn.Linear(HEADS * HEAD_DIM, D, bias=False)
        self.gate = torch.nn.Linear(D, FFN, bias=False)
        self.up = torch.nn.Linear(D, FFN, bias=False)
        self.down = torch.nn.Linear(FFN, D, bias=False)


def rms_norm(x, weight):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * weight


def rope(x, cos, sin):  # x (heads, T, head_dim)
    half = x.shape[-1] // 2
    rotated = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
    return x * cos + rotated * sin


class Llama(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(VOCAB, D)
        self.layers = torch.nn.ModuleList(Layer() for _ in range(LAYERS))
        self.norm = torch.nn.Parameter(torch.ones(D))
        for p in self.parameters():
            if p.dim() == 2:
                torch.nn.init.normal_(p, std=0.02)

    def forward(self, tokens, doc_starts, masking, cos, sin):
        T = tokens.shape[0]
        x = self.embed(tokens)
        for layer in self.layers:
            h = rms_norm(x, layer.input_norm)
            q = rope(layer.q(h).view(T, HEADS, HEAD_DIM).transpose(0, 1),
                     cos, sin)
            k = rope(layer.k(h).view(T, KV_HEADS, HEAD_DIM).transpose(0, 1),
                     cos, sin)
            v = layer.v(h).view(T, KV_HEADS, HEAD_DIM).transpose(0, 1)
            k = k.repeat_interleave(HEADS // KV_HEADS, dim=0)
            v = v.repeat_interleave(HEADS // KV_HEADS, dim=0)
            spans = (zip(doc_starts[:-1], doc_starts[1:]) if masking
                     else [(0, T)])
            att = torch.cat([
                F.scaled_dot_product_attention(
                    q[:, s:e], k[:, s:e], v[:, s:e], is_causal=True)
                for s, e in spans], dim=1)
            x = x + layer.o(att.transpose(0, 1).reshape(T, D))
            h = rms_norm(x, layer.post_norm)
            x = x + layer.down(F.silu(layer.gate(h)) * layer.up(h))
        return F.linear(rms_norm(x, self.norm), self.embed.weight)


def tokens_per_second(model, L, masking, doc_lengths, min_seconds):
    starts = [0]
    for length in doc_lengths:
        starts.append(starts[-1] + length)
    assert starts[-1] == L, "document lengths must add up to L"
    tokens = torch.randint(0, VOCAB, (L,))
    targets = torch.roll(tokens, -1).clone()
    targets[-1] = -100
    for s in starts[1:-1]:
        targets[s - 1] = -100  # a document start is never a target
    inv_freq = 1.0 / (10000.0 ** (torch.arange(0, HEAD_DIM, 2) / HEAD_DIM))
    angles = torch.outer(torch.arange(L, dtype=torch.float32), inv_freq)
    angles = torch.cat((angles, angles), dim=-1)
    cos, sin = angles.cos(), angles.sin()

    def step():
        model.zero_grad(set_to_none=True)
        logits = model(tokens, starts, masking, cos, sin)
        F.cross_entropy(logits, targets, ignore_index=-100).backward()

    if L < 65536:
        step()  # warm-up
    steps, start = 0, time.perf_counter()
    while True:
        step()
        steps += 1
        if time.perf_counter() - start >= min_seconds:
            break
    return L * steps / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--min_seconds", type=float, default=3.0)
    parser.add_argument("--case", action="append", required=True,
                        help="L:MASK:LEN/LEN/...")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = Llama()
    for case in args.case:
        L, mask, lengths = case.split(":")
        rate = tokens_per_second(model, int(L), mask == "1",
                                 [int(n) for n in lengths.split("/")],
                                 args.min_seconds)
        print(f"{L} {mask} {rate:.1f}", flush=True)


if __name__ == "__main__":
    main()

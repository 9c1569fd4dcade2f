#!/usr/bin/env python3
"""PyTorch's scaled_dot_product_attention on the benchmark of
ops/cuda/benchmarks/attention_benchmark.cc: bf16, causal, 16 heads of 128
dimensions, batch 1, forward and backward at each length L (default 4096,
16384, 65536), with the same FLOP count (forward 4 L^2 d H / 2, backward 2.5x
the forward) and the same CSV format, impl "torch_sdpa". The backend is
PyTorch's default choice (FlashAttention-2 on an H100 for bf16).

Exits with status 77 ("skipped") when torch is missing or sees no GPU.
Usage: sdpa_benchmark.py [L ...]
"""
import sys

HEADS = 16
HEAD_DIM = 128
MIN_SECONDS = 1.0
MAX_ITERATIONS = 20


def milliseconds_per_call(torch, run, iterations):
    start = torch.cuda.Event(enable_timing=True)
    stop = torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iterations):
        run()
    stop.record()
    stop.synchronize()
    return start.elapsed_time(stop) / iterations


def benchmark_length(torch, length):
    functional = torch.nn.functional
    shape = (1, HEADS, length, HEAD_DIM)
    q, k, v = (
        torch.empty(shape, device="cuda", dtype=torch.bfloat16)
        .uniform_(-1, 1)
        .requires_grad_()
        for _ in range(3)
    )
    dout = torch.empty(shape, device="cuda", dtype=torch.bfloat16).uniform_(-1, 1)

    def forward():
        return functional.scaled_dot_product_attention(q, k, v, is_causal=True)

    out = forward()

    def backward():
        torch.autograd.grad(out, (q, k, v), dout, retain_graph=True)

    warmup_ms = milliseconds_per_call(torch, lambda: (forward(), backward()), 1)
    iterations = max(1, min(MAX_ITERATIONS, int(MIN_SECONDS * 1e3 / max(warmup_ms, 1e-3))))
    forward_ms = milliseconds_per_call(torch, forward, iterations)
    backward_ms = milliseconds_per_call(torch, backward, iterations)

    forward_flops = 4.0 * length * length * HEAD_DIM * HEADS / 2.0
    backward_flops = 2.5 * forward_flops

    def tflops(flops, ms):
        return flops / (ms * 1e-3) / 1e12

    print(
        "torch_sdpa,%d,%d,%d,%.3f,%.3f,%.2f,%.2f,%.2f"
        % (
            length,
            HEADS,
            HEAD_DIM,
            forward_ms,
            backward_ms,
            tflops(forward_flops, forward_ms),
            tflops(backward_flops, backward_ms),
            tflops(forward_flops + backward_flops, forward_ms + backward_ms),
        ),
        flush=True,
    )


def main(argv):
    lengths = [int(arg) for arg in argv[1:]] or [4096, 16384, 65536]
    try:
        import torch
    except ImportError:
        print("sdpa_benchmark: skipped: torch is not importable", file=sys.stderr)
        return 77
    if not torch.cuda.is_available():
        print("sdpa_benchmark: skipped: torch %s sees no CUDA device" % torch.__version__,
              file=sys.stderr)
        return 77
    print("sdpa_benchmark: torch %s, CUDA %s" % (torch.__version__, torch.version.cuda),
          file=sys.stderr)
    print("impl,L,heads,head_dim,fwd_ms,bwd_ms,fwd_tflops,bwd_tflops,fwd_bwd_tflops")
    for length in lengths:
        benchmark_length(torch, length)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

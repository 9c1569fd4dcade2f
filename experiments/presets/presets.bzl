"""The scale ladder (DESIGN.md): one struct of sizes per preset.

Every preset keeps the paper's shape: stage 1 = 8 x base length, stage 2 =
64 x base length, evaluation at 4 x and 8 x base length (the paper: 32K and
64K with an 8K base), and the RoPE base raised 16 x per stage (5e5 -> 8e6
-> 1.28e8). Step counts and learning rates are chosen per preset so that
micro and nano finish on 2 cores (DESIGN.md budgets); small and paper are
the GPU scales and keep the paper's token budgets' proportions.

micro and nano start at a 256-token base (DESIGN's first draft had 64 and
128): HELMET's JSON KV prompt with UUID keys and values and two
demonstrations costs ~37 tokens per UUID in a small BPE vocabulary (hex
digits barely merge), so a prompt needs about 1,000 tokens to hold a useful
number of pairs. Evaluation at 4x and 8x base is then 1,024 and 2,048
tokens. micro differs from nano in model size and steps only.

SFT runs for 1/40 of the stage-1 tokens in the paper (1B vs 40B); at micro
and nano that would be a handful of steps, so there it is about half of
stage 1's tokens (still short instruction data only, as the paper found best).

`eval_samples` is the samples per task and length of the HELMET-style
suite; `lm_eval_samples` the documents per short domain and the samples
per multiple-choice task of the short-context suite.

`device` is where training stages run: micro and nano on the CPU, small and
paper on GPUs (CUDA, bf16 compute with fp32 master weights; docs/multi_gpu.md).
Evaluation runs on the CPU at every preset.

`micro_batch_tokens` (GPU presets; absent means one sequence) packs
micro_batch_tokens / seq_len sequences into each forward and backward pass
(TrainStageConfig.sequences_per_micro_batch): on an H200 the small model
trains at 1024 tokens per sequence 2.2-2.4x faster with 16 per pass
(tests/gpu/RESULTS.md).
"""

load("@bazel_skylib//rules:common_settings.bzl", "BuildSettingInfo")

def _stage(seq_len, steps, sequences_per_step, lr, warmup_ratio = 0.1, loss_reduction = "MICRO_BATCH_MEAN", reset_optimizer = False):
    return struct(
        reset_optimizer = reset_optimizer,
        seq_len = seq_len,
        steps = steps,
        sequences_per_step = sequences_per_step,
        lr = lr,
        warmup_ratio = warmup_ratio,
        loss_reduction = loss_reduction,
    )

def _sft(seq_len, steps, sequences_per_step, lr):
    """SFT as the paper runs it: packed to the stage-1 length, 2x the stage-1
    LR (2e-5 vs 1e-5), 5% warmup, loss averaged over all target tokens,
    a fresh optimizer."""
    return _stage(seq_len, steps, sequences_per_step, lr, 0.05, "GLOBAL_TOKEN_MEAN", reset_optimizer = True)

PRESETS = {
    # ~0.15M parameters; CI and first tries.
    "micro": struct(
        model = struct(d_model = 64, n_layers = 2, n_heads = 4, n_kv_heads = 2, ffn_hidden = 176),
        vocab_size = 512,
        rope_theta = 10000.0,
        base = _stage(256, 150, 4, 3e-3),
        stage1 = _stage(2048, 40, 2, 1e-3),
        stage2 = _stage(16384, 10, 1, 5e-4),
        sft = _sft(2048, 20, 2, 2e-3),
        eval_lengths = [1024, 2048],
        eval_samples = 12,
        lm_eval_samples = 60,
        threads = 2,
        device = "CPU",
    ),
    # ~1-2M parameters; a laptop or a CI box.
    "nano": struct(
        model = struct(d_model = 128, n_layers = 4, n_heads = 4, n_kv_heads = 2, ffn_hidden = 352),
        vocab_size = 2048,
        rope_theta = 10000.0,
        base = _stage(256, 600, 16, 2e-3),
        stage1 = _stage(2048, 150, 4, 1e-3),
        stage2 = _stage(16384, 40, 1, 5e-4),
        sft = _sft(2048, 40, 4, 2e-3),
        eval_lengths = [1024, 2048],
        eval_samples = 30,
        lm_eval_samples = 200,
        threads = 2,
        device = "CPU",
    ),
    # ~100M parameters; 1-8 GPUs.
    "small": struct(
        model = struct(d_model = 768, n_layers = 12, n_heads = 12, n_kv_heads = 4, ffn_hidden = 2048),
        vocab_size = 32768,
        rope_theta = 500000.0,
        base = _stage(1024, 20000, 256, 6e-4),
        stage1 = _stage(8192, 1250, 64, 1e-5),
        stage2 = _stage(65536, 600, 16, 1e-5),
        sft = _sft(8192, 250, 64, 2e-5),
        eval_lengths = [4096, 8192],
        eval_samples = 100,
        lm_eval_samples = 500,
        threads = 16,
        device = "CUDA",
        micro_batch_tokens = 16384,
    ),
    # Llama-3-8B's shape and the paper's ablation budget (5B tokens at 64K).
    "paper": struct(
        model = struct(d_model = 4096, n_layers = 32, n_heads = 32, n_kv_heads = 8, ffn_hidden = 14336),
        vocab_size = 128256,
        rope_theta = 500000.0,
        base = _stage(8192, 1, 512, 1e-5),
        stage1 = _stage(65536, 1280, 64, 1e-5),
        stage2 = _stage(524288, 2500, 16, 1e-5),
        sft = _sft(65536, 250, 64, 2e-5),
        eval_lengths = [32768, 65536],
        eval_samples = 100,
        lm_eval_samples = 1000,
        threads = 16,
        device = "CUDA",
    ),
}

# Stages every preset derives from the ones above, keeping their ratios.
STAGES = ["base", "instruct", "stage1", "stage2", "stage2_at_stage1_length", "sft"]

def _derived_stages(preset):
    """Adds the stages the ablations derive from a preset's own.

    instruct: the "Instruct" initialisation (A14), an SFT of the base model
      at the base length on as many tokens as the final SFT.
    stage2_at_stage1_length: A10's control, stage 2's steps, tokens and LR
      at the stage-1 length (more sequences per step).
    """
    fields = {k: getattr(preset, k) for k in dir(preset) if k not in ("to_json", "to_proto")}
    sft, stage1, stage2 = preset.sft, preset.stage1, preset.stage2
    fields["instruct"] = _sft(
        preset.base.seq_len,
        sft.steps,
        sft.sequences_per_step * sft.seq_len // preset.base.seq_len,
        sft.lr,
    )
    fields["stage2_at_stage1_length"] = _stage(
        stage1.seq_len,
        stage2.steps,
        stage2.sequences_per_step * stage2.seq_len // stage1.seq_len,
        stage2.lr,
        stage2.warmup_ratio,
    )
    return struct(**fields)

def preset_values(ctx):
    """The struct of the preset selected by --config=<preset>.

    Args:
      ctx: a rule context with a `_preset` attribute pointing at
        //experiments/presets:preset.

    Returns:
      The preset's struct from PRESETS.
    """
    return _derived_stages(PRESETS[ctx.attr._preset[BuildSettingInfo].value])

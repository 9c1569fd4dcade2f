"""Rules whose actions run the pipeline's stage binaries.

Each rule declares its inputs and outputs, so Bazel re-runs a stage only when
something it reads changed, and caches its outputs (the binaries are
deterministic: same inputs, same bytes). Configs are written as text-format
protos (experiments/config/config.proto) from the rule's attributes and the
preset selected by --config=<preset>; `config_overrides` adds a text-format
layer on top, merged field by field by the stage binary, which validates the
result and names the file and field of any error.
"""

load("@bazel_skylib//rules:common_settings.bzl", "BuildSettingInfo")
load("//experiments/presets:presets.bzl", "STAGES", "preset_values")

TableInfo = provider(
    doc = "What a results_table was assembled from.",
    fields = {
        "results": "list of File: results files",
        "labels": "list of string: each results file's row label ([] = the variant it records)",
        "paper": "File or None: the paper's numbers",
        "title": "string",
        "note": "string",
    },
)

CheckpointInfo = provider(
    doc = "The checkpoint (HDF5) a train_stage wrote.",
    fields = {"checkpoint": "File: the stage's final checkpoint"},
)

SnapshotsInfo = provider(
    doc = "Intermediate checkpoints a train_stage wrote (its `snapshots`).",
    fields = {"snapshots": "dict: percent of the stage's steps (int) -> File"},
)

_PRESET_ATTR = {
    "_preset": attr.label(default = "//experiments/presets:preset"),
}

_OVERRIDES_ATTR = {
    "config_overrides": attr.string(
        doc = "Text-format fields merged over the generated config.",
    ),
}

def _tool(label):
    return attr.label(default = label, executable = True, cfg = "exec")

def _config_files(ctx, text):
    """Writes the generated config and the overrides; returns the files."""
    generated = ctx.actions.declare_file(ctx.label.name + ".textproto")
    ctx.actions.write(generated, text)
    files = [generated]
    if ctx.attr.config_overrides:
        overrides = ctx.actions.declare_file(ctx.label.name + ".overrides.textproto")
        ctx.actions.write(overrides, ctx.attr.config_overrides + "\n")
        files.append(overrides)
    return files

def _omp_env(preset):
    """OpenMP settings of a compute action: the preset's thread count, and
    threads that sleep at barriers instead of spinning, since Bazel runs
    other actions beside this one (spinning halved evaluation speed on a
    loaded 2-core machine)."""
    return {"OMP_NUM_THREADS": str(preset.threads), "OMP_WAIT_POLICY": "passive"}

def _paths(files):
    return ",".join([f.path for f in files])

def _stage_spec(ctx):
    preset = preset_values(ctx)
    return getattr(preset, ctx.attr.stage), preset

# ---------------------------------------------------------------------------
# corpus

def _corpus_impl(ctx):
    files = ctx.files.srcs
    if not files:
        fail("corpus %s: no source files" % ctx.label)
    out = ctx.actions.declare_file(ctx.label.name + ".h5")
    manifest = ctx.actions.declare_file(ctx.label.name + ".manifest.textproto")
    file_list = ctx.actions.declare_file(ctx.label.name + ".files.txt")
    ctx.actions.write(file_list, "\n".join([f.path for f in files]) + "\n")
    root = files[0].owner.workspace_root
    args = ctx.actions.args()
    args.add("--files", file_list)
    args.add("--strip_prefix", (root + "/") if root else "")
    args.add("--reader", ctx.attr.reader)
    args.add("--name", ctx.label.name)
    args.add("--domain", ctx.attr.domain)
    args.add("--package_info", ctx.file.package_info)
    args.add("--license_file", ctx.file.license.short_path)
    args.add("--stands_in_for", ctx.attr.stands_in_for)
    args.add("--out", out)
    args.add("--manifest", manifest)
    ctx.actions.run(
        executable = ctx.executable._corpus_main,
        arguments = [args],
        inputs = files + [file_list, ctx.file.package_info],
        outputs = [out, manifest],
        mnemonic = "Corpus",
        progress_message = "Reading corpus %s (%d files)" % (ctx.label.name, len(files)),
    )
    return [DefaultInfo(files = depset([out, manifest]), runfiles = ctx.runfiles(files = [out, manifest]))]

corpus = rule(
    implementation = _corpus_impl,
    doc = "Documents of one domain read from installed files (HDF5 + manifest).",
    attrs = {
        "srcs": attr.label_list(allow_files = True, mandatory = True, doc = "The raw files."),
        "reader": attr.string(default = "code_repos", doc = "How files become documents."),
        "domain": attr.string(mandatory = True, doc = "Domain name used by mixtures."),
        "package_info": attr.label(allow_single_file = True, mandatory = True, doc = "package.txt of the Debian corpus repository."),
        "license": attr.label(allow_single_file = True, mandatory = True, doc = "The package's copyright file."),
        "stands_in_for": attr.string(doc = "What this corpus is a proxy for (shown in manifests and tables)."),
        "_corpus_main": _tool("//experiments/stages:corpus_main"),
    },
)

# ---------------------------------------------------------------------------
# tokenizer

def _tokenizer_impl(ctx):
    preset = preset_values(ctx)
    vocab_size = ctx.attr.vocab_size or preset.vocab_size
    configs = _config_files(ctx, "vocab_size: %d\nthreads: %d\n" % (vocab_size, preset.threads))
    out = ctx.actions.declare_file(ctx.label.name + ".json")
    corpora = [f for f in ctx.files.corpora if f.extension == "h5"]
    ctx.actions.run(
        executable = ctx.executable._tokenizer_main,
        arguments = ["--corpora", _paths(corpora), "--config", _paths(configs), "--out", out.path],
        inputs = corpora + configs,
        outputs = [out],
        mnemonic = "Tokenizer",
        progress_message = "Training tokenizer %s (vocab %d)" % (ctx.label.name, vocab_size),
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

tokenizer = rule(
    implementation = _tokenizer_impl,
    doc = "A byte-level BPE tokenizer trained on corpora (tokenizer.json).",
    attrs = dict({
        "corpora": attr.label_list(mandatory = True, doc = "corpus targets to train on."),
        "vocab_size": attr.int(doc = "Vocabulary size; 0 takes the preset's."),
        "_tokenizer_main": _tool("//experiments/stages:tokenizer_main"),
    }, **dict(_PRESET_ATTR, **_OVERRIDES_ATTR)),
)

# ---------------------------------------------------------------------------
# token_shards

def _token_shards_impl(ctx):
    corpus_file = [f for f in ctx.files.corpus if f.extension == "h5"][0]
    out = ctx.actions.declare_file(ctx.label.name + ".h5")
    manifest = ctx.actions.declare_file(ctx.label.name + ".manifest.textproto")
    ctx.actions.run(
        executable = ctx.executable._shards_main,
        arguments = [
            "--corpus", corpus_file.path,
            "--tokenizer", ctx.file.tokenizer.path,
            "--out", out.path,
            "--manifest", manifest.path,
        ],
        inputs = [corpus_file, ctx.file.tokenizer],
        outputs = [out, manifest],
        mnemonic = "TokenShards",
        progress_message = "Tokenizing %s" % ctx.label.name,
    )
    return [DefaultInfo(files = depset([out, manifest]), runfiles = ctx.runfiles(files = [out, manifest]))]

token_shards = rule(
    implementation = _token_shards_impl,
    doc = "A corpus tokenized into a token shard with document boundaries.",
    attrs = {
        "corpus": attr.label(mandatory = True, doc = "A corpus target."),
        "tokenizer": attr.label(allow_single_file = True, mandatory = True, doc = "A tokenizer target."),
        "_shards_main": _tool("//experiments/stages:shards_main"),
    },
)

# ---------------------------------------------------------------------------
# sft_data

def _sft_data_impl(ctx):
    corpus_files = [f for f in ctx.files.corpora if f.extension == "h5"]
    out = ctx.actions.declare_file(ctx.label.name + ".h5")
    arguments = [
        "--corpora", _paths(corpus_files),
        "--builder", ctx.attr.builder,
        "--domain", ctx.attr.domain,
        "--tokenizer", ctx.file.tokenizer.path,
        "--out", out.path,
    ]
    if ctx.attr.builder == "synthetic_long":
        # Long conversations fit the preset's SFT sequence; by default one
        # per SFT sequence, so even an all-synthetic mixture repeats none.
        preset = preset_values(ctx)
        conversations = ctx.attr.conversations or preset.sft.steps * preset.sft.sequences_per_step
        arguments += [
            "--conversations", str(conversations),
            "--max_tokens", str(preset.sft.seq_len),
            "--seed", str(ctx.attr.seed),
            "--threads", str(preset.threads),
        ]
    ctx.actions.run(
        executable = ctx.executable._sft_data_main,
        arguments = arguments,
        inputs = corpus_files + [ctx.file.tokenizer],
        outputs = [out],
        mnemonic = "SftData",
        progress_message = "Building instruction data %s" % ctx.label.name,
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

sft_data = rule(
    implementation = _sft_data_impl,
    doc = "Instruction data: chat conversations from corpora, tokenized with loss masks.",
    attrs = dict({
        "corpora": attr.label_list(mandatory = True, doc = "corpus targets."),
        "builder": attr.string(
            default = "python_docstrings",
            values = ["python_docstrings", "definitions", "faq", "synthetic_long"],
            doc = "How conversations are made: short ones from each corpus, or synthetic_long ones from all of their documents.",
        ),
        "domain": attr.string(mandatory = True, doc = "Domain name used by SFT mixtures (role CHAT)."),
        "tokenizer": attr.label(allow_single_file = True, mandatory = True, doc = "The tokenizer."),
        "conversations": attr.int(doc = "synthetic_long: how many; 0 = the preset's SFT sequences (steps x sequences per step)."),
        "seed": attr.int(default = 42, doc = "synthetic_long: the seed."),
        "_sft_data_main": _tool("//experiments/stages:sft_data_main"),
    }, **_PRESET_ATTR),
)

# ---------------------------------------------------------------------------
# mixture

def _mixture_impl(ctx):
    spec, _ = _stage_spec(ctx)
    lines = [
        "seq_len: %d" % spec.seq_len,
        "num_sequences: %d" % (spec.steps * spec.sequences_per_step),
        "seed: %d" % ctx.attr.seed,
    ]
    for entry in ctx.attr.domains:
        parts = entry.split(":")
        if len(parts) not in (3, 4):
            fail("mixture %s: domain entry %r is not domain:ROLE:proportion[:chunk_divisor]" % (ctx.label, entry))
        chunk = ""
        if len(parts) == 4:
            # chunk_divisor d: documents of seq_len / d tokens, d per sequence.
            chunk = " chunk_len: %d" % (spec.seq_len // int(parts[3]))
        lines.append('domains { domain: "%s" role: %s proportion: %s%s }' % (parts[0], parts[1], parts[2], chunk))
    configs = _config_files(ctx, "\n".join(lines) + "\n")
    out = ctx.actions.declare_file(ctx.label.name + ".h5")
    shards = [f for f in ctx.files.shards if f.extension == "h5"]
    ctx.actions.run(
        executable = ctx.executable._mixture_main,
        arguments = [
            "--config", _paths(configs),
            "--shards", _paths(shards),
            "--tokenizer", ctx.file.tokenizer.path,
            "--out", out.path,
        ],
        inputs = shards + configs + [ctx.file.tokenizer],
        outputs = [out],
        mnemonic = "Mixture",
        progress_message = "Packing mixture %s (%d tokens per sequence)" % (ctx.label.name, spec.seq_len),
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

mixture = rule(
    implementation = _mixture_impl,
    doc = "Packed training sequences with exact per-domain token proportions.",
    attrs = dict({
        "shards": attr.label_list(mandatory = True, doc = "token_shards targets, one per domain."),
        "tokenizer": attr.label(allow_single_file = True, mandatory = True, doc = "The tokenizer (BOS/EOS ids)."),
        "domains": attr.string_list(mandatory = True, doc = "Entries 'domain:LONG|SHORT|CHAT:proportion', or 'domain:LONG:proportion:d' for documents of 1/d of the length packed d to a sequence (the paper's stage-2 64K documents in 512K rows: d = 8)."),
        "stage": attr.string(default = "stage1", values = STAGES, doc = "Preset stage giving the length and size."),
        "seed": attr.int(default = 42, doc = "Sampling and shuffling seed."),
        "_mixture_main": _tool("//experiments/stages:mixture_main"),
    }, **dict(_PRESET_ATTR, **_OVERRIDES_ATTR)),
)

# ---------------------------------------------------------------------------
# train_stage

def _micro_batch_lines(preset, spec):
    """sequences_per_micro_batch for presets that set micro_batch_tokens
    (written only when above the default of 1, so that other presets'
    configs, and their cached results, stay as they were)."""
    tokens = getattr(preset, "micro_batch_tokens", 0)
    sequences = max(1, tokens // spec.seq_len)
    return ["sequences_per_micro_batch: %d" % sequences] if sequences > 1 else []

def _train_stage_impl(ctx):
    spec, preset = _stage_spec(ctx)
    rope_theta = preset.rope_theta * float(ctx.attr.rope_theta_scale)
    m = preset.model
    text = "\n".join([
        'name: "%s"' % ctx.label.name,
        "seq_len: %d" % spec.seq_len,
        "rope_theta: %r" % rope_theta,
        "steps: %d" % spec.steps,
        "sequences_per_step: %d" % spec.sequences_per_step,
        "optimizer { lr: %r warmup_ratio: %r }" % (spec.lr * float(ctx.attr.lr_scale), spec.warmup_ratio),
        "loss_reduction: %s" % spec.loss_reduction,
        "reset_optimizer: %s" % ("true" if spec.reset_optimizer else "false"),
        "document_masking: %s" % ("true" if ctx.attr.document_masking else "false"),
        "seed: %d" % ctx.attr.seed,
        "threads: %d" % preset.threads,
        "device: %s" % preset.device,
        "compute_dtype: %s" % ("BF16" if preset.device == "CUDA" else "FP32"),
        "log_every: %d" % max(1, spec.steps // 10),
    ] + _micro_batch_lines(preset, spec) + [
        "model { d_model: %d n_layers: %d n_heads: %d n_kv_heads: %d ffn_hidden: %d rope_theta: %r }" % (
            m.d_model,
            m.n_layers,
            m.n_heads,
            m.n_kv_heads,
            m.ffn_hidden,
            preset.rope_theta,
        ),
    ]) + "\n"
    configs = _config_files(ctx, text)
    out = ctx.actions.declare_file(ctx.label.name + ".h5")
    log = ctx.actions.declare_file(ctx.label.name + ".log.jsonl")
    inputs = configs + [ctx.file.mixture, ctx.file.tokenizer]
    args = [
        "--config", _paths(configs),
        "--mixture", ctx.file.mixture.path,
        "--tokenizer", ctx.file.tokenizer.path,
        "--out", out.path,
        "--log", log.path,
    ]
    if ctx.attr.init:
        init = ctx.attr.init[CheckpointInfo].checkpoint
        args += ["--init", init.path]
        inputs.append(init)
    snapshots = {}
    for percent in ctx.attr.snapshots:
        step = spec.steps * percent // 100
        if percent <= 0 or percent >= 100 or step < 1:
            fail("train_stage %s: snapshot %d%% is not a step strictly inside the stage's %d steps" % (ctx.label, percent, spec.steps))
        snapshots[percent] = ctx.actions.declare_file("%s.at%d.h5" % (ctx.label.name, percent))
    if snapshots:
        args += ["--snapshots", ",".join([
            "%d=%s" % (spec.steps * percent // 100, f.path)
            for percent, f in sorted(snapshots.items())
        ])]
    ctx.actions.run(
        executable = ctx.executable._train_main,
        arguments = args,
        inputs = inputs,
        outputs = [out, log] + snapshots.values(),
        mnemonic = "TrainStage",
        # The stage runs `threads` OpenMP threads: reserve that many cores.
        execution_requirements = {"cpu:%d" % preset.threads: ""},
        progress_message = "Training %s (%d steps at %d tokens, RoPE base %g)" % (
            ctx.label.name,
            spec.steps,
            spec.seq_len,
            rope_theta,
        ),
        env = _omp_env(preset),
    )
    return [
        DefaultInfo(files = depset([out, log]), runfiles = ctx.runfiles(files = [out, log])),
        CheckpointInfo(checkpoint = out),
        SnapshotsInfo(snapshots = snapshots),
    ]

train_stage = rule(
    implementation = _train_stage_impl,
    doc = "One training stage; its checkpoint (HDF5) and per-step log.",
    attrs = dict({
        "mixture": attr.label(allow_single_file = [".h5"], mandatory = True, doc = "A mixture target."),
        "tokenizer": attr.label(allow_single_file = True, mandatory = True, doc = "The tokenizer."),
        "init": attr.label(providers = [CheckpointInfo], doc = "The previous train_stage; none = random init."),
        "stage": attr.string(default = "stage1", values = STAGES, doc = "Preset stage giving length, steps, batch, LR, warmup and loss averaging."),
        "rope_theta_scale": attr.string(default = "1.0", doc = "RoPE base as a multiple of the preset's base RoPE base."),
        "lr_scale": attr.string(default = "1.0", doc = "Multiplies the preset stage's peak LR."),
        "document_masking": attr.bool(default = True, doc = "Block-diagonal attention across packed documents."),
        "seed": attr.int(default = 1234, doc = "Initialisation seed (fresh models)."),
        "snapshots": attr.int_list(doc = "Also keep the model after these percentages of the stage's steps (each strictly between 0 and 100); `snapshot` targets name them."),
        "_train_main": _tool("//experiments/stages:train_main"),
    }, **dict(_PRESET_ATTR, **_OVERRIDES_ATTR)),
)

def _snapshot_impl(ctx):
    snapshots = ctx.attr.stage[SnapshotsInfo].snapshots
    if ctx.attr.percent == 100:
        checkpoint = ctx.attr.stage[CheckpointInfo].checkpoint
    elif ctx.attr.percent in snapshots:
        checkpoint = snapshots[ctx.attr.percent]
    else:
        fail("snapshot %s: %s keeps no snapshot at %d%% (its snapshots: %s)" % (
            ctx.label,
            ctx.attr.stage.label,
            ctx.attr.percent,
            sorted(snapshots.keys()),
        ))
    return [
        DefaultInfo(files = depset([checkpoint])),
        CheckpointInfo(checkpoint = checkpoint),
    ]

snapshot = rule(
    implementation = _snapshot_impl,
    doc = "One intermediate checkpoint of a train_stage, usable wherever a stage's checkpoint is (init, evaluation).",
    attrs = {
        "stage": attr.label(providers = [CheckpointInfo, SnapshotsInfo], mandatory = True, doc = "A train_stage target."),
        "percent": attr.int(mandatory = True, doc = "One of the stage's `snapshots`, or 100 for its final checkpoint."),
    },
)

# ---------------------------------------------------------------------------
# evaluation

# Generation budgets in tokens of our small BPE vocabularies, where a UUID
# is ~37 tokens and a 7-digit number ~3 (HELMET: 100 / 50 / 100 / 50
# Llama tokens). The others keep room for their answers: "label: 12" is ~5
# tokens (HELMET's ICL: 20), a function name up to ~12 (RAG: 20), the top
# ten IDs of up to 4 digits with " > " ~50, all that NDCG@10 reads
# (re-rank: 200 for a full ranking of up to 1000 passages), one cloze word
# ~8 (NarrativeQA: 100 for a free answer) and a man page's NAME line ~25
# (Multi-LexSum: 400 for 200-250 words).
_MAX_NEW_TOKENS = {
    "json_kv": 40,
    "ruler_niah_mk2": 16,
    "ruler_niah_mk3": 40,
    "ruler_niah_mv": 40,
    "ruler_niah_single": 16,
    "icl_foldoc": 10,
    "icl_perl_faq": 10,
    "icl_debian_sections": 10,
    "rag_proxy": 20,
    "rerank_proxy": 60,
    "qa_proxy": 16,
    "summ_proxy": 40,
}

# Tasks that draw their text from a corpus ("kind:material"; task_suite.h
# says which corpus each expects).
_NEEDS_MATERIAL = [
    "ruler_niah_mv",
    "ruler_niah_single",
    "icl_foldoc",
    "icl_perl_faq",
    "icl_debian_sections",
    "rag_proxy",
    "rerank_proxy",
    "qa_proxy",
    "summ_proxy",
]

def _evaluation_impl(ctx):
    preset = preset_values(ctx)
    lengths = ctx.attr.lengths or preset.eval_lengths
    lines = ["lengths: %d" % n for n in lengths]
    material_names = ctx.attr.materials.values()
    for entry in ctx.attr.tasks:
        task, _, material = entry.partition(":")
        if task not in _MAX_NEW_TOKENS:
            fail("evaluation %s: unknown task %r (known: %s)" % (ctx.label, task, sorted(_MAX_NEW_TOKENS.keys())))
        if task in _NEEDS_MATERIAL and not material:
            fail("evaluation %s: task %r draws text from a corpus: write it as '%s:<material>'" % (ctx.label, task, task))
        if material and material not in material_names:
            fail("evaluation %s: task %r names material %r, which `materials` does not provide" % (ctx.label, task, material))
        lines.append('tasks { kind: %s samples: %d max_new_tokens: %d material: "%s" }' % (
            task.upper(),
            preset.eval_samples,
            _MAX_NEW_TOKENS[task],
            material,
        ))
    lines.append("threads: %d" % preset.threads)
    configs = _config_files(ctx, "\n".join(lines) + "\n")
    out = ctx.actions.declare_file(ctx.label.name + ".results.h5")
    checkpoint = ctx.attr.checkpoint[CheckpointInfo].checkpoint
    material_files = []
    material_flags = []
    for target, name in ctx.attr.materials.items():
        corpus_file = [f for f in target.files.to_list() if f.extension == "h5"][0]
        material_files.append(corpus_file)
        material_flags.append("%s=%s" % (name, corpus_file.path))
    ctx.actions.run(
        executable = ctx.executable._eval_main,
        arguments = [
            "--config", _paths(configs),
            "--checkpoint", checkpoint.path,
            "--tokenizer", ctx.file.tokenizer.path,
            "--variant", ctx.attr.variant or ctx.label.name,
            "--materials", ",".join(material_flags),
            "--out", out.path,
        ],
        inputs = configs + [checkpoint, ctx.file.tokenizer] + material_files,
        outputs = [out],
        mnemonic = "Evaluation",
        execution_requirements = {"cpu:%d" % preset.threads: ""},
        progress_message = "Evaluating %s at %s tokens" % (ctx.label.name, lengths),
        # Decoding runs one tiny step per token: threads that spin while
        # they wait starve each other on a shared machine (measured in
        # experiments/eval/benchmarks/RESULTS.md).
        env = _omp_env(preset),
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

evaluation = rule(
    implementation = _evaluation_impl,
    doc = "A checkpoint evaluated on a task suite at several lengths (results.h5).",
    attrs = dict({
        "checkpoint": attr.label(providers = [CheckpointInfo], mandatory = True, doc = "A train_stage target."),
        "tokenizer": attr.label(allow_single_file = True, mandatory = True, doc = "The tokenizer."),
        "tasks": attr.string_list(default = ["json_kv"], doc = "Task kinds (config.proto TaskKind, lower case), as 'kind' or 'kind:material'."),
        "materials": attr.label_keyed_string_dict(doc = "corpus targets tasks draw text from -> the names tasks use."),
        "lengths": attr.int_list(doc = "Prompt lengths in tokens; empty takes the preset's."),
        "variant": attr.string(doc = "Row label in tables; defaults to the target name."),
        "_eval_main": _tool("//experiments/stages:eval_main"),
    }, **dict(_PRESET_ATTR, **_OVERRIDES_ATTR)),
)

# ---------------------------------------------------------------------------
# results_table

def _results_table_impl(ctx):
    out = ctx.outputs.table

    # One file per target, in order; a file may stand in two rows (two
    # labels, e.g. one model before SFT in an ablation of the SFT data).
    results = []
    for target in ctx.attr.results:
        files = [f for f in target.files.to_list() if f.extension == "h5"]
        if len(files) != 1:
            fail("results_table %s: %s gives %d results files, not 1" % (ctx.label, target.label, len(files)))
        results.append(files[0])
    if ctx.attr.labels and len(ctx.attr.labels) != len(results):
        fail("results_table %s: %d labels for %d results files" % (ctx.label, len(ctx.attr.labels), len(results)))
    arguments = [
        "--results", _paths(results),
        "--labels", ",".join(ctx.attr.labels),
        "--title", ctx.attr.title,
        "--note", ctx.attr.note,
        "--out", out.path,
    ]
    inputs = list(results)
    if ctx.file.paper:
        arguments += ["--paper", ctx.file.paper.path]
        inputs.append(ctx.file.paper)
    ctx.actions.run(
        executable = ctx.executable._table_main,
        arguments = arguments,
        inputs = inputs,
        outputs = [out],
        mnemonic = "ResultsTable",
        progress_message = "Assembling table %s" % ctx.label.name,
    )
    script = ctx.actions.declare_file(ctx.label.name + ".print.sh")
    ctx.actions.write(
        script,
        "#!/bin/sh\nexec cat \"$0.runfiles/%s/%s\"\n" % (ctx.workspace_name, out.short_path),
        is_executable = True,
    )
    return [
        DefaultInfo(
            files = depset([out]),
            executable = script,
            runfiles = ctx.runfiles(files = [out]),
        ),
        TableInfo(
            results = results,
            labels = ctx.attr.labels,
            paper = ctx.file.paper,
            title = ctx.attr.title,
            note = ctx.attr.note,
        ),
    ]

results_table = rule(
    implementation = _results_table_impl,
    doc = "A Markdown table assembled from results files; `bazel run` prints it.",
    executable = True,
    # A predeclared output, so that tests and //paper can name the table as
    # <name>.md.
    outputs = {"table": "%{name}.md"},
    attrs = {
        "results": attr.label_list(allow_files = [".h5"], mandatory = True, doc = "evaluation and lm_evaluation targets."),
        "labels": attr.string_list(doc = "The row label of each results target (same order; targets of one label make one row); empty = the variant each file records."),
        "title": attr.string(doc = "Table title."),
        "note": attr.string(doc = "Note printed under the table (e.g. which tasks are proxies)."),
        "paper": attr.label(allow_single_file = [".textproto"], doc = "The paper's numbers (paper/reference.proto), shown beside ours."),
        "_table_main": _tool("//experiments/stages:table_main"),
    },
)

# ---------------------------------------------------------------------------
# paper_tables

def _paper_tables_impl(ctx):
    preset = ctx.attr._preset[BuildSettingInfo].value
    values = preset_values(ctx)
    lines = [
        'preset: "%s"' % preset,
        "eval_samples: %d" % values.eval_samples,
        "lm_eval_samples: %d" % values.lm_eval_samples,
    ]
    inputs = []
    for target in ctx.attr.tables:
        info = target[TableInfo]
        entry = ['name: "%s"' % target.label.name, "title: %r" % info.title, "note: %r" % info.note]
        if info.paper:
            entry.append('paper: "%s"' % info.paper.path)
            inputs.append(info.paper)
        for f in info.results:
            entry.append('results: "%s"' % f.path)
            inputs.append(f)
        for label in info.labels:
            entry.append('labels: "%s"' % label)
        lines.append("tables { %s }" % " ".join(entry))
    for finding in ctx.attr.findings:
        parts = finding.split("|")
        if len(parts) != 3 or ">" not in parts[1]:
            fail("paper_tables %s: finding %r is not 'table[:column]|better>worse,worse|statement'" % (ctx.label, finding))
        better, _, worse = parts[1].partition(">")
        table, _, column = parts[0].partition(":")
        lines.append("findings { table: %r column: %r better: %r %s statement: %r }" % (
            table,
            column or "Avg",
            better,
            " ".join(["worse: %r" % w for w in worse.split(",")]),
            parts[2],
        ))
    table_names = [target.label.name for target in ctx.attr.tables]
    figures = []
    for name, entry in sorted(ctx.attr.figures.items()):
        parts = entry.split("|")
        if len(parts) != 3 or parts[0] not in table_names:
            fail("paper_tables %s: figure %s: %r is not 'table|column,column|title' with one of the tables" % (ctx.label, name, entry))
        svg = ctx.actions.declare_file(name + ".svg")
        figures.append(svg)
        lines.append("figures { name: %r table: %r %s title: %r out: %r }" % (
            name,
            parts[0],
            " ".join(["columns: %r" % c for c in parts[1].split(",")]),
            parts[2],
            svg.path,
        ))
    spec = ctx.actions.declare_file(ctx.label.name + ".spec.textproto")
    ctx.actions.write(spec, "\n".join(lines) + "\n")
    outputs = [ctx.outputs.markdown, ctx.outputs.latex, ctx.outputs.csv, ctx.outputs.reproduction] + figures
    ctx.actions.run(
        executable = ctx.executable._paper_main,
        arguments = [
            "--spec", spec.path,
            "--markdown", ctx.outputs.markdown.path,
            "--latex", ctx.outputs.latex.path,
            "--csv", ctx.outputs.csv.path,
            "--reproduction", ctx.outputs.reproduction.path,
        ],
        inputs = inputs + [spec],
        outputs = outputs,
        mnemonic = "PaperTables",
        progress_message = "Assembling the paper's tables (%d ablations)" % len(ctx.attr.tables),
    )
    return [DefaultInfo(files = depset(outputs), runfiles = ctx.runfiles(files = outputs))]

paper_tables = rule(
    implementation = _paper_tables_impl,
    doc = "Every ablation's table (Markdown, LaTeX, CSV), the figures (SVG) and REPRODUCTION.md, which says for each of the paper's findings whether it holds at this preset.",
    outputs = {
        "markdown": "%{name}.md",
        "latex": "%{name}.tex",
        "csv": "%{name}.csv",
        "reproduction": "REPRODUCTION.md",
    },
    attrs = dict({
        "tables": attr.label_list(providers = [TableInfo], mandatory = True, doc = "results_table targets (ablations)."),
        "figures": attr.string_dict(doc = "Figure name (the SVG's name) -> 'table|column,column|title': a panel per column (Avg, a category, Perplexity) over the table's variants."),
        "findings": attr.string_list(doc = "Entries 'table[:column]|better>worse[,worse...]|statement': the better variant must beat each worse one on the column (default Avg, the macro-average; a category such as Short, or Perplexity, where lower is better)."),
        "_paper_main": _tool("//experiments/stages:paper_main"),
    }, **_PRESET_ATTR),
)

# ---------------------------------------------------------------------------
# lm_evaluation

# The paper's long data (books, its Figure 1's PG19, and code repositories)
# and the ShortMix stand-ins (experiments/ablation.bzl SHORT_MIX).
LM_EVAL_LONG_DOMAINS = ["code_repos", "books"]
LM_EVAL_SHORT_DOMAINS = ["short_web", "short_manuals", "short_encyclopedic", "short_qa", "short_math", "arxiv"]

# Domains whose held-out documents give prose continuations: FOLDOC entries,
# man pages, FAQ answers and Perl's manual.
LM_EVAL_CONTINUATION_DOMAINS = ["short_encyclopedic", "short_manuals", "short_qa", "books"]

def _lm_evaluation_impl(ctx):
    preset = preset_values(ctx)
    lengths = ctx.attr.lengths or preset.eval_lengths
    short_length = ctx.attr.short_length or preset.base.seq_len
    lines = ['long_domains: "%s"' % d for d in ctx.attr.long_domains]
    lines += ["lengths: %d" % n for n in lengths]
    lines.append("long_documents: %d" % (ctx.attr.long_documents or preset.eval_samples))
    lines += ['short_domains: "%s"' % d for d in ctx.attr.short_domains]
    lines.append("short_length: %d" % short_length)
    lines.append("short_documents: %d" % (ctx.attr.short_documents or preset.lm_eval_samples))
    lines += ['continuation_domains: "%s"' % d for d in ctx.attr.continuation_domains]
    lines.append('definition_domain: "%s"' % ctx.attr.definition_domain)
    lines.append("choice_samples: %d" % (ctx.attr.choice_samples or preset.lm_eval_samples))
    lines.append("seed: %d" % ctx.attr.seed)
    lines.append("threads: %d" % preset.threads)
    configs = _config_files(ctx, "\n".join(lines) + "\n")
    out = ctx.actions.declare_file(ctx.label.name + ".results.h5")
    checkpoint = ctx.attr.checkpoint[CheckpointInfo].checkpoint
    shards = [f for f in ctx.files.shards if f.extension == "h5"]
    ctx.actions.run(
        executable = ctx.executable._lm_eval_main,
        arguments = [
            "--config", _paths(configs),
            "--checkpoint", checkpoint.path,
            "--tokenizer", ctx.file.tokenizer.path,
            "--shards", _paths(shards),
            "--variant", ctx.attr.variant or ctx.label.name,
            "--out", out.path,
        ],
        inputs = configs + shards + [checkpoint, ctx.file.tokenizer],
        outputs = [out],
        mnemonic = "LmEvaluation",
        # The stage runs `threads` OpenMP threads: reserve that many cores.
        execution_requirements = {"cpu:%d" % preset.threads: ""},
        progress_message = "Perplexity and short-context suite of %s (L = %s)" % (ctx.label.name, lengths),
        env = _omp_env(preset),
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

lm_evaluation = rule(
    implementation = _lm_evaluation_impl,
    doc = "A checkpoint's held-out perplexity (long documents: the paper's Figure 1 measure, last L of 2L tokens; short-mix domains) and multiple-choice short-context suite, in results.h5 (categories Perplexity and Short). Run it before SFT, as the paper runs its short-context evaluation.",
    attrs = dict({
        "checkpoint": attr.label(providers = [CheckpointInfo], mandatory = True, doc = "A train_stage (or snapshot) target."),
        "tokenizer": attr.label(allow_single_file = True, mandatory = True, doc = "The tokenizer the shards were made with."),
        "shards": attr.label_list(mandatory = True, doc = "token_shards targets providing every domain named below; only their held-out documents are read."),
        "long_domains": attr.string_list(default = LM_EVAL_LONG_DOMAINS, doc = "Domains of long-document perplexity (task ppl_<domain> at each length L)."),
        "lengths": attr.int_list(doc = "L for long-document perplexity (documents of 2L tokens, scored on the last L); empty takes the preset's evaluation lengths. The paper's Figure 1 is L = half its largest evaluation length."),
        "long_documents": attr.int(doc = "Documents per long domain and length; 0 takes the preset's eval_samples."),
        "short_domains": attr.string_list(default = LM_EVAL_SHORT_DOMAINS, doc = "Domains of short-document perplexity (task ppl_<domain> at short_length)."),
        "short_length": attr.int(doc = "Window of short perplexity and multiple choice in tokens; 0 takes the preset's base length."),
        "short_documents": attr.int(doc = "Documents per short domain; 0 takes the preset's lm_eval_samples."),
        "continuation_domains": attr.string_list(default = LM_EVAL_CONTINUATION_DOMAINS, doc = "Domains of mc_continuation (next sentence among 4)."),
        "definition_domain": attr.string(default = "short_encyclopedic", doc = "FOLDOC domain of mc_definition (term -> definition among 4); empty for none."),
        "choice_samples": attr.int(doc = "Samples per multiple-choice task; 0 takes the preset's lm_eval_samples."),
        "seed": attr.int(default = 42, doc = "Choice of documents and samples."),
        "variant": attr.string(doc = "Row label in tables; defaults to the target name."),
        "_lm_eval_main": _tool("//experiments/stages:lm_eval_main"),
    }, **dict(_PRESET_ATTR, **_OVERRIDES_ATTR)),
)

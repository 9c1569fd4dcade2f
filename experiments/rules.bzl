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
load("//experiments/presets:presets.bzl", "preset_values")

TableInfo = provider(
    doc = "What a results_table was assembled from.",
    fields = {
        "results": "list of File: results files, one row each",
        "paper": "File or None: the paper's numbers",
        "title": "string",
        "note": "string",
    },
)

CheckpointInfo = provider(
    doc = "The checkpoint (HDF5) a train_stage wrote.",
    fields = {"checkpoint": "File: the stage's final checkpoint"},
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
    corpus_file = [f for f in ctx.files.corpus if f.extension == "h5"][0]
    out = ctx.actions.declare_file(ctx.label.name + ".h5")
    ctx.actions.run(
        executable = ctx.executable._sft_data_main,
        arguments = [
            "--corpus", corpus_file.path,
            "--builder", ctx.attr.builder,
            "--domain", ctx.attr.domain,
            "--tokenizer", ctx.file.tokenizer.path,
            "--out", out.path,
        ],
        inputs = [corpus_file, ctx.file.tokenizer],
        outputs = [out],
        mnemonic = "SftData",
        progress_message = "Building instruction data %s" % ctx.label.name,
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

sft_data = rule(
    implementation = _sft_data_impl,
    doc = "Short instruction data: chat conversations from a corpus, tokenized with loss masks.",
    attrs = {
        "corpus": attr.label(mandatory = True, doc = "A corpus target."),
        "builder": attr.string(default = "python_docstrings", doc = "How conversations are made from it."),
        "domain": attr.string(mandatory = True, doc = "Domain name used by SFT mixtures (role CHAT)."),
        "tokenizer": attr.label(allow_single_file = True, mandatory = True, doc = "The tokenizer."),
        "_sft_data_main": _tool("//experiments/stages:sft_data_main"),
    },
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
        "stage": attr.string(default = "stage1", values = ["base", "stage1", "stage2", "sft"], doc = "Preset stage giving the length and size."),
        "seed": attr.int(default = 42, doc = "Sampling and shuffling seed."),
        "_mixture_main": _tool("//experiments/stages:mixture_main"),
    }, **dict(_PRESET_ATTR, **_OVERRIDES_ATTR)),
)

# ---------------------------------------------------------------------------
# train_stage

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
        "log_every: %d" % max(1, spec.steps // 10),
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
    ctx.actions.run(
        executable = ctx.executable._train_main,
        arguments = args,
        inputs = inputs,
        outputs = [out, log],
        mnemonic = "TrainStage",
        # The stage runs `threads` OpenMP threads: reserve that many cores.
        execution_requirements = {"cpu:%d" % preset.threads: ""},
        progress_message = "Training %s (%d steps at %d tokens, RoPE base %g)" % (
            ctx.label.name,
            spec.steps,
            spec.seq_len,
            rope_theta,
        ),
        env = {"OMP_NUM_THREADS": str(preset.threads)},
    )
    return [
        DefaultInfo(files = depset([out, log]), runfiles = ctx.runfiles(files = [out, log])),
        CheckpointInfo(checkpoint = out),
    ]

train_stage = rule(
    implementation = _train_stage_impl,
    doc = "One training stage; its checkpoint (HDF5) and per-step log.",
    attrs = dict({
        "mixture": attr.label(allow_single_file = [".h5"], mandatory = True, doc = "A mixture target."),
        "tokenizer": attr.label(allow_single_file = True, mandatory = True, doc = "The tokenizer."),
        "init": attr.label(providers = [CheckpointInfo], doc = "The previous train_stage; none = random init."),
        "stage": attr.string(default = "stage1", values = ["base", "stage1", "stage2", "sft"], doc = "Preset stage giving length, steps, batch, LR, warmup and loss averaging."),
        "rope_theta_scale": attr.string(default = "1.0", doc = "RoPE base as a multiple of the preset's base RoPE base."),
        "lr_scale": attr.string(default = "1.0", doc = "Multiplies the preset stage's peak LR."),
        "document_masking": attr.bool(default = True, doc = "Block-diagonal attention across packed documents."),
        "seed": attr.int(default = 1234, doc = "Initialisation seed (fresh models)."),
        "_train_main": _tool("//experiments/stages:train_main"),
    }, **dict(_PRESET_ATTR, **_OVERRIDES_ATTR)),
)

# ---------------------------------------------------------------------------
# evaluation

# Generation budgets in tokens of our small BPE vocabularies, where a UUID
# is ~37 tokens and a 7-digit number ~3 (HELMET: 100 / 50 / 100 / 50
# Llama tokens).
_MAX_NEW_TOKENS = {
    "json_kv": 40,
    "ruler_niah_mk2": 16,
    "ruler_niah_mk3": 40,
    "ruler_niah_mv": 40,
}

def _evaluation_impl(ctx):
    preset = preset_values(ctx)
    lengths = ctx.attr.lengths or preset.eval_lengths
    lines = ["lengths: %d" % n for n in lengths]
    material_names = ctx.attr.materials.values()
    for entry in ctx.attr.tasks:
        task, _, material = entry.partition(":")
        if task not in _MAX_NEW_TOKENS:
            fail("evaluation %s: unknown task %r (known: %s)" % (ctx.label, task, sorted(_MAX_NEW_TOKENS.keys())))
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
        env = {"OMP_NUM_THREADS": str(preset.threads)},
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
    results = ctx.files.results
    arguments = [
        "--results", _paths(results),
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
        "results": attr.label_list(allow_files = [".h5"], mandatory = True, doc = "evaluation targets, one row each."),
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
    lines = ['preset: "%s"' % preset]
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
        lines.append("tables { %s }" % " ".join(entry))
    for finding in ctx.attr.findings:
        parts = finding.split("|")
        if len(parts) != 3 or ">" not in parts[1]:
            fail("paper_tables %s: finding %r is not 'table|better>worse,worse|statement'" % (ctx.label, finding))
        better, _, worse = parts[1].partition(">")
        lines.append("findings { table: %r better: %r %s statement: %r }" % (
            parts[0],
            better,
            " ".join(["worse: %r" % w for w in worse.split(",")]),
            parts[2],
        ))
    spec = ctx.actions.declare_file(ctx.label.name + ".spec.textproto")
    ctx.actions.write(spec, "\n".join(lines) + "\n")
    outputs = [ctx.outputs.markdown, ctx.outputs.latex, ctx.outputs.csv, ctx.outputs.reproduction]
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
    doc = "Every ablation's table (Markdown, LaTeX, CSV) and REPRODUCTION.md, which says for each of the paper's findings whether it holds at this preset.",
    outputs = {
        "markdown": "%{name}.md",
        "latex": "%{name}.tex",
        "csv": "%{name}.csv",
        "reproduction": "REPRODUCTION.md",
    },
    attrs = dict({
        "tables": attr.label_list(providers = [TableInfo], mandatory = True, doc = "results_table targets (ablations)."),
        "findings": attr.string_list(doc = "Entries 'table|better>worse[,worse...]|statement', checked on macro-averages."),
        "_paper_main": _tool("//experiments/stages:paper_main"),
    }, **_PRESET_ATTR),
)

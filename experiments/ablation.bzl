"""`ablation`: one recipe, several variants, every stage of each as targets.

A recipe is a dict of settings (RECIPE below documents each one). For each
variant, the macro expands the recipe with the variant's overrides into the
pipeline's stages:

    base mixture -> base model [-> instruct SFT (init = "instruct")]
        [-> stage1 mixture -> stage1 model [-> snapshot]]
        [-> stage2 mixture -> stage2 model [-> snapshot]]
        [-> SFT mixture -> SFT model] -> evaluation

and one `results_table` named `name` that `bazel run` prints. Stages whose
settings (and upstream stages) are the same in two variants are declared
once and shared through Bazel's graph, so a variant that only changes stage 1
reuses the base model that every other variant trained; stages equal to the
unmodified RECIPE's live in //ablations/common and are shared by every
ablation.
"""

load(
    "//experiments:rules.bzl",
    "evaluation",
    "lm_evaluation",
    "mixture",
    "results_table",
    "snapshot",
    "train_stage",
)

_ALL_SHARDS = [
    "//data/sources:code_repos",
    "//data/sources:books",
    "//data/sources:arxiv",
    "//data/sources:web",
    "//data/sources:short_encyclopedic",
    "//data/sources:short_qa",
    "//data/sources:short_math",
    "//data/sources:short_web",
    "//data/sources:short_manuals",
    "//data/sources:synthetic_lookups",
]

# The ProLong ShortMix (paper Table 5: FineWeb 25, FineWeb-Edu 25, Wikipedia
# 10, Tulu-v2 10, StackExchange 10, ArXiv 10, OpenWebMath 10, of the short
# share) over our stand-ins (data/sources/CORPORA.md), at 40% of all tokens.
SHORT_MIX = [
    "short_web:SHORT:0.1",  # FineWeb
    "short_manuals:SHORT:0.14",  # FineWeb-Edu + Tulu-v2
    "short_encyclopedic:SHORT:0.04",  # Wikipedia
    "short_qa:SHORT:0.04",  # StackExchange
    "arxiv:SHORT:0.04",  # ArXiv
    "short_math:SHORT:0.04",  # OpenWebMath
]

def long_short_mix(long_domains, long_share, short_domains = None):
    """Stage-1 domains: `long_share` of long data split evenly over
    `long_domains` (single-document chunks), the rest short data (the
    paper's long/short ratio ablation, Figure 3).

    Args:
      long_domains: domains taken as single-document long chunks.
      long_share: their share of all tokens, 0 to 1.
      short_domains: the short part as 'domain:share' entries whose shares
        sum to 1 (the short data source ablation, Table 6); None = ShortMix
        in its own proportions.
    """
    if short_domains == None:
        short_domains = ["%s:%r" % (e.split(":")[0], float(e.split(":")[2]) / 0.4) for e in SHORT_MIX]
    entries = []
    if long_share > 0:
        for domain in long_domains:
            entries.append("%s:LONG:%r" % (domain, long_share / len(long_domains)))
    if long_share < 1:
        for entry in short_domains:
            domain, share = entry.split(":")
            entries.append("%s:SHORT:%r" % (domain, float(share) * (1 - long_share)))
    return entries

# The paper's stage-2 mix (its section 2.2: train_512K.sh) over our domains:
# code repositories 15% as full-length documents + 15% as 1/8-length
# documents packed 8 to a sequence, books 5% + 25%, and ShortMix (textbooks'
# 3% folded into it: Debian has no textbook proxy).
STAGE2_MIX = [
    "code_repos:LONG:0.15",
    "code_repos:LONG:0.15:8",
    "books:LONG:0.05",
    "books:LONG:0.25:8",
] + SHORT_MIX

# The default recipe: the paper's ablation setting (its section 2.3) at the
# selected preset's scale.
RECIPE = {
    # Shared data: token shards (one per domain) and their tokenizer.
    "shards": _ALL_SHARDS,
    "tokenizer": "//data/sources:tokenizer",
    # Short-context base model (the paper's Llama-3-8B): trained from
    # scratch at the preset's base length on every domain, packed short.
    "base_domains": [
        "code_repos:SHORT:0.3",
        "books:SHORT:0.2",
        "arxiv:SHORT:0.1",
        "web:SHORT:0.1",
        "short_encyclopedic:SHORT:0.1",
        "short_web:SHORT:0.1",
        "short_manuals:SHORT:0.1",
    ],
    "base_rope_theta_scale": "1.0",
    "base_document_masking": True,
    "base_seed": 1234,
    # The initialisation of the long-context stages (A14): "base", or
    # "instruct", the base model after an SFT at the base length (the
    # paper's Llama-3-8B-Instruct) on `instruct_domains`.
    "init": "base",
    "instruct_shards": ["//data/sources/sft:definitions", "//data/sources/sft:faq"],
    "instruct_domains": ["sft_definitions:CHAT:0.5", "sft_faq:CHAT:0.5"],
    # Long-context stage 1 (the paper's 64K stage): 8 x the base length,
    # initialised from the base model, RoPE base raised 16 x (5e5 -> 8e6),
    # 60% long data (books : code repositories 1:1, single-document chunks)
    # and 40% ShortMix, with document masking. With "stage1": False the
    # initialisation itself goes on to SFT and evaluation (A7's untrained
    # model).
    "stage1": True,
    "stage1_domains": long_short_mix(["books", "code_repos"], 0.6),
    "stage1_rope_theta_scale": "16.0",
    "stage1_document_masking": True,
    "stage1_lr_scale": "1.0",
    # Intermediate checkpoints kept (percent of the stage's steps), and which
    # one the next stage starts from (100 = the final one): the paper's
    # training-steps curve (A9, Figure 4).
    "stage1_snapshots": [],
    "stage1_percent": 100,
    # Stage 2 (the paper's 512K stage): "" for none, "stage2" (64 x the base
    # length, the stage-2 mix, RoPE base raised 16 x again), or
    # "stage2_at_stage1_length" (stage 2's tokens at the stage-1 length: A10's
    # control). Its LR schedule restarts; Adam moments carry over.
    "stage2": "",
    "stage2_domains": STAGE2_MIX,
    "stage2_rope_theta_scale": "256.0",
    "stage2_snapshots": [],
    "stage2_percent": 100,
    # SFT on short instruction data only (the paper's best choice), packed to
    # the stage-1 length; evaluation runs after it, as in the paper. With
    # "sft": False the last long stage is evaluated directly (the paper's
    # before-SFT numbers, A3).
    "sft": True,
    "sft_shards": ["//data/sources/sft:docstrings"],
    "sft_domains": ["sft_docstrings:CHAT:1.0"],
    # Evaluation (tasks in config.proto's TaskKind, "kind" or
    # "kind:material"), the corpora tasks draw text from, and the lengths
    # ([] = the preset's).
    "eval_tasks": [
        # Recall
        "json_kv",
        "ruler_niah_mk2",
        "ruler_niah_mk3",
        "ruler_niah_mv:books",
        # RAG, re-rank, ICL, QA, summarisation (proxies built from our
        # corpora; experiments/eval/task_suite.h)
        "rag_proxy:man_pages",
        "rerank_proxy:man_pages",
        "icl_foldoc:foldoc",
        "icl_perl_faq:perl_faq",
        "icl_debian_sections:package_descriptions",
        "qa_proxy:books",
        "summ_proxy:man_pages",
    ],
    "eval_materials": {
        "//data/sources:foldoc": "foldoc",
        "//data/sources:linux_man_pages": "man_pages",
        "//data/sources:package_descriptions": "package_descriptions",
        "//data/sources:perl_faq": "perl_faq",
        "//data/sources:perl_manual": "books",
    },
    "eval_lengths": [],
    # Held-out perplexity (long documents: the paper's Figure 1 measure;
    # short-mix domains) and the multiple-choice short-context suite, on the
    # model before SFT, as the paper measures short-context performance.
    "lm_eval": True,
}

def _settings(recipe, keys, upstream):
    return repr([recipe[k] for k in keys] + [upstream])

# Stages of the unmodified RECIPE are declared once, in this package, and
# every ablation that needs one uses it from there (shared_stages()).
_SHARED_PACKAGE = "//ablations/common"

def _claim(declared, prefix, stage, key):
    """Names the target of a stage; returns (label, whether to declare it).

    A stage is declared once per distinct key (its settings and those of
    its upstream stages); a key seen before reuses that target.
    """
    if key in declared:
        return declared[key], False
    label = ":%s%s" % (prefix, stage)
    declared[key] = label
    return label, True

def _prefix(default_keys, keys, stage, name, variant):
    """`<name>_` for stages equal to the ablation's own default, else
    `<name>_<variant>_`; '' in the shared package."""
    if not name:
        return ""
    if default_keys.get(stage) == keys[stage]:
        return name + "_"
    return "%s_%s_" % (name, variant)

def _mixture_stage(c, stage, shards, domains, preset_stage):
    """Declares (or reuses) the mixture of `stage`; returns its label.

    `c` holds what every stage of one variant shares: declared, prefixes,
    keys, the recipe r and the visibility."""
    label, new = _claim(c.declared, c.prefixes[stage], stage, c.keys[stage])
    if new:
        mixture(
            name = label[1:],
            visibility = c.visibility,
            shards = shards,
            tokenizer = c.r["tokenizer"],
            domains = domains,
            stage = preset_stage,
        )
    return label

def _model_stage(c, key, **kwargs):
    """Declares (or reuses) the train_stage of stage key `key`; returns its
    label."""
    label, new = _claim(c.declared, c.prefixes[key], key, c.keys[key])
    if new:
        train_stage(
            name = label[1:],
            visibility = c.visibility,
            tokenizer = c.r["tokenizer"],
            **kwargs
        )
    return label

def _continue_from(c, stage, model, percent):
    """The checkpoint the next stage starts from: `model`'s final one, or
    its snapshot at `percent`."""
    if percent == 100:
        return model
    label, new = _claim(c.declared, c.prefixes[stage], stage, c.keys[stage])
    if new:
        snapshot(name = label[1:], visibility = c.visibility, stage = model, percent = percent)
    return label

def _declare_stages(declared, default_keys, name, variant, r, visibility):
    """Declares (or reuses) the stages and evaluations of recipe `r`.

    Returns:
      The results targets of the variant: the evaluation of its final model
      (SFT's, or the last stage's without SFT) and, with lm_eval, the
      perplexity and short-context suite of its model before SFT.
    """
    keys = _stage_keys(r)
    c = struct(
        declared = declared,
        keys = keys,
        prefixes = {stage: _prefix(default_keys, keys, stage, name, variant) for stage in keys},
        r = r,
        visibility = visibility,
    )
    model = _model_stage(
        c,
        "base_model",
        mixture = _mixture_stage(c, "base_mixture", r["shards"], r["base_domains"], "base"),
        stage = "base",
        rope_theta_scale = r["base_rope_theta_scale"],
        document_masking = r["base_document_masking"],
        seed = r["base_seed"],
    )
    rope_theta_scale = r["base_rope_theta_scale"]
    if r["init"] == "instruct":
        model = _model_stage(
            c,
            "instruct_model",
            mixture = _mixture_stage(c, "instruct_mixture", r["instruct_shards"], r["instruct_domains"], "instruct"),
            init = model,
            stage = "instruct",
            rope_theta_scale = rope_theta_scale,
        )
    if r["stage1"]:
        rope_theta_scale = r["stage1_rope_theta_scale"]
        model = _model_stage(
            c,
            "stage1_model",
            mixture = _mixture_stage(c, "stage1_mixture", r["shards"], r["stage1_domains"], "stage1"),
            init = model,
            stage = "stage1",
            rope_theta_scale = rope_theta_scale,
            lr_scale = r["stage1_lr_scale"],
            document_masking = r["stage1_document_masking"],
            snapshots = r["stage1_snapshots"],
        )
        model = _continue_from(c, "stage1_snapshot", model, r["stage1_percent"])
    if r["stage2"]:
        rope_theta_scale = r["stage2_rope_theta_scale"]
        model = _model_stage(
            c,
            "stage2_model",
            mixture = _mixture_stage(c, "stage2_mixture", r["shards"], r["stage2_domains"], r["stage2"]),
            init = model,
            stage = r["stage2"],
            rope_theta_scale = rope_theta_scale,
            document_masking = r["stage1_document_masking"],
            snapshots = r["stage2_snapshots"],
        )
        model = _continue_from(c, "stage2_snapshot", model, r["stage2_percent"])
    before_sft = model
    if r["sft"]:
        model = _model_stage(
            c,
            "sft_model",
            mixture = _mixture_stage(c, "sft_mixture", r["sft_shards"], r["sft_domains"], "sft"),
            init = model,
            stage = "sft",
            rope_theta_scale = rope_theta_scale,
            document_masking = True,
        )

    # Evaluations are shared like stages: one per (model, settings), their
    # rows labelled by the table (results_table's `labels`).
    label, new = _claim(declared, c.prefixes["evaluation"], "evaluation", keys["evaluation"])
    if new:
        evaluation(
            name = label[1:],
            checkpoint = model,
            tokenizer = r["tokenizer"],
            tasks = r["eval_tasks"],
            materials = r["eval_materials"],
            lengths = r["eval_lengths"],
            visibility = visibility,
        )
    results = [label]
    if r["lm_eval"]:
        label, new = _claim(declared, c.prefixes["lm_evaluation"], "lm_evaluation", keys["lm_evaluation"])
        if new:
            lm_evaluation(
                name = label[1:],
                checkpoint = before_sft,
                tokenizer = r["tokenizer"],
                shards = r["shards"],
                visibility = visibility,
            )
        results.append(label)
    return results


def shared_stages():
    """Declares the stages of the unmodified RECIPE (in //ablations/common),
    which every ablation reuses instead of training its own copy."""
    keys = _stage_keys(RECIPE)
    _declare_stages({}, keys, "", "", dict(RECIPE), ["//visibility:public"])

def _check_recipe(where, overrides):
    for key in overrides:
        if key not in RECIPE:
            fail("%s: unknown recipe setting %r (see RECIPE in //experiments:ablation.bzl)" % (where, key))
    init = overrides.get("init", "base")
    if init not in ("base", "instruct"):
        fail("%s: init %r is not \"base\" or \"instruct\"" % (where, init))
    stage2 = overrides.get("stage2", "")
    if stage2 not in ("", "stage2", "stage2_at_stage1_length"):
        fail("%s: stage2 %r is not \"\", \"stage2\" or \"stage2_at_stage1_length\"" % (where, stage2))

# Printed under every ablation's table: which columns are proxies.
PROXY_NOTE = ("RAG, Re-rank, QA and Summ are proxies built from our corpora " +
              "(man pages, the Perl manual) for HELMET's datasets, and ICL " +
              "uses real label sets of our own (FOLDOC categories, Perl FAQ " +
              "sections, Debian package sections): experiments/eval/" +
              "task_suite.h. Short is a multiple-choice suite on held-out " +
              "text before SFT, not the paper's HellaSwag/MMLU/ARC/" +
              "WinoGrande/GSM8K.")

def ablation(name, variants, recipe = {}, title = "", note = "", paper = None, visibility = None):
    """Declares every stage of every variant of an ablation, and its table.

    Args:
      name: the table target; `bazel run :name` prints the table.
      variants: dict of variant label -> dict of RECIPE overrides.
      recipe: overrides of RECIPE shared by all variants.
      title: the table's title.
      note: printed under the table (say which tasks are proxies).
      paper: the paper's numbers for this table (a paper/reference.proto
        text file, e.g. "//paper/reference:table18_rope_base.textproto");
        rows match variants by name.
      visibility: visibility of every target; public by default, so that
        tests and //paper can read any ablation's results.
    """
    visibility = visibility or ["//visibility:public"]
    _check_recipe("ablation %s" % name, recipe)
    base = dict(RECIPE)
    base.update(recipe)

    # Stages equal to the unmodified RECIPE's come from the shared package.
    declared = {}
    for stage, key in _stage_keys(RECIPE).items():
        declared[key] = "%s:%s" % (_SHARED_PACKAGE, stage)
    default_keys = _stage_keys(base)

    results, labels = [], []
    for variant, overrides in variants.items():
        _check_recipe("ablation %s, variant %s" % (name, variant), overrides)
        r = dict(base)
        r.update(overrides)
        for result in _declare_stages(declared, default_keys, name, variant, r, visibility):
            if result in results:
                # Another row has this very result (e.g. the model before
                # SFT, in an ablation of the SFT data): name it again, as a
                # target may appear once in a table's results.
                again = "%s_%s_%s" % (name, variant, result.split(":")[-1])
                native.alias(name = again, actual = result, visibility = visibility)
                result = ":" + again
            results.append(result)
            labels.append(variant)

    results_table(
        name = name,
        results = results,
        labels = labels,
        title = title or name,
        note = (note + " " if note else "") + PROXY_NOTE,
        paper = paper,
        visibility = visibility,
    )

def _long_stage_keys(keys, r, stage, model, mixture_settings, model_settings):
    """Adds the keys of long stage `stage` (its mixture, model and, below
    100%, snapshot) after upstream key `model`; returns the key the next
    stage continues from."""
    keys[stage + "_mixture"] = _settings(r, mixture_settings, "")
    keys[stage + "_model"] = _settings(r, model_settings, model + keys[stage + "_mixture"])
    model = keys[stage + "_model"]
    if r[stage + "_percent"] != 100:
        keys[stage + "_snapshot"] = _settings(r, [stage + "_percent"], model)
        model = keys[stage + "_snapshot"]
    return model

def _stage_keys(r):
    """Identity of each stage: its settings plus its upstream's identity.

    Stages a recipe skips get no key (and no target)."""
    keys = {}
    keys["base_mixture"] = _settings(r, ["shards", "tokenizer", "base_domains"], "")
    keys["base_model"] = _settings(r, ["base_rope_theta_scale", "base_document_masking", "base_seed"], keys["base_mixture"])
    model = keys["base_model"]
    if r["init"] == "instruct":
        keys["instruct_mixture"] = _settings(r, ["instruct_shards", "tokenizer", "instruct_domains"], "")
        keys["instruct_model"] = _settings(r, [], model + keys["instruct_mixture"])
        model = keys["instruct_model"]
    if r["stage1"]:
        model = _long_stage_keys(
            keys,
            r,
            "stage1",
            model,
            ["shards", "tokenizer", "stage1_domains"],
            ["stage1_rope_theta_scale", "stage1_document_masking", "stage1_lr_scale", "stage1_snapshots"],
        )
    if r["stage2"]:
        model = _long_stage_keys(
            keys,
            r,
            "stage2",
            model,
            ["shards", "tokenizer", "stage2_domains", "stage2"],
            ["stage2", "stage2_rope_theta_scale", "stage1_document_masking", "stage2_snapshots"],
        )
    before_sft = model
    if r["sft"]:
        keys["sft_mixture"] = _settings(r, ["sft_shards", "tokenizer", "sft_domains"], "")
        keys["sft_model"] = _settings(r, ["stage1_rope_theta_scale", "stage2_rope_theta_scale"], model + keys["sft_mixture"])
        model = keys["sft_model"]
    keys["evaluation"] = _settings(r, ["eval_tasks", "eval_materials", "eval_lengths"], model)
    if r["lm_eval"]:
        keys["lm_evaluation"] = _settings(r, ["shards", "tokenizer"], before_sft)
    return keys

def fu_long_mix():
    """Stage-1 domains in the style of Fu et al. 2024 (the paper's A7, A8
    baseline): the base model's domain proportions kept, with the domains
    that have long documents (code repositories, books, arXiv, web) taken
    as single-document long chunks, about 70% of the tokens, and the
    rest packed short."""
    entries = []
    for entry in RECIPE["base_domains"]:
        domain, _, share = entry.split(":")
        role = "LONG" if domain in ("code_repos", "books", "arxiv", "web") else "SHORT"
        entries.append("%s:%s:%s" % (domain, role, share))
    return entries

"""`ablation`: one recipe, several variants, every stage of each as targets.

A recipe is a dict of settings (RECIPE below documents each one). For each
variant, the macro expands the recipe with the variant's overrides into the
pipeline's stages:

    base mixture -> base model -> stage1 mixture -> stage1 model
        -> SFT mixture -> SFT model -> evaluation

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
    "mixture",
    "results_table",
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

def long_short_mix(long_domains, long_share):
    """Stage-1 domains: `long_share` of long data split evenly over
    `long_domains` (single-document chunks), the rest ShortMix in its own
    proportions (the paper's long/short ratio ablation, Figure 3)."""
    entries = []
    if long_share > 0:
        for domain in long_domains:
            entries.append("%s:LONG:%r" % (domain, long_share / len(long_domains)))
    if long_share < 1:
        for entry in SHORT_MIX:
            domain, role, share = entry.split(":")
            entries.append("%s:%s:%r" % (domain, role, float(share) / 0.4 * (1 - long_share)))
    return entries

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
    # Long-context stage 1 (the paper's 64K stage): 8 x the base length,
    # initialised from the base model, RoPE base raised 16 x (5e5 -> 8e6),
    # 60% long data (books : code repositories 1:1, single-document chunks)
    # and 40% ShortMix, with document masking.
    "stage1_domains": long_short_mix(["books", "code_repos"], 0.6),
    "stage1_rope_theta_scale": "16.0",
    "stage1_document_masking": True,
    "stage1_lr_scale": "1.0",
    # SFT on short instruction data only (the paper's best choice), packed to
    # the stage-1 length; evaluation runs after it, as in the paper. With
    # "sft": False the stage-1 model is evaluated directly (the paper's
    # before-SFT numbers, A3).
    "sft": True,
    "sft_shards": ["//data/sources/sft:docstrings"],
    "sft_domains": ["sft_docstrings:CHAT:1.0"],
    # Evaluation (tasks in config.proto's TaskKind, "kind" or
    # "kind:material") and the corpora tasks draw text from.
    "eval_tasks": ["json_kv", "ruler_niah_mk2", "ruler_niah_mk3"],
    "eval_materials": {},
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
    if default_keys[stage] == keys[stage]:
        return name + "_"
    return "%s_%s_" % (name, variant)

def _declare_stages(declared, default_keys, name, variant, r, visibility):
    """Declares (or reuses) the training stages of recipe `r`.

    Returns:
      The label of the model to evaluate (SFT's, or stage 1's without SFT).
    """
    keys = _stage_keys(r)
    prefixes = {stage: _prefix(default_keys, keys, stage, name, variant) for stage in keys}

    base_mixture, new = _claim(declared, prefixes["base_mixture"], "base_mixture", keys["base_mixture"])
    if new:
        mixture(
            name = base_mixture[1:],
            visibility = visibility,
            shards = r["shards"],
            tokenizer = r["tokenizer"],
            domains = r["base_domains"],
            stage = "base",
        )
    base_model, new = _claim(declared, prefixes["base_model"], "base_model", keys["base_model"])
    if new:
        train_stage(
            name = base_model[1:],
            visibility = visibility,
            mixture = base_mixture,
            tokenizer = r["tokenizer"],
            stage = "base",
            rope_theta_scale = r["base_rope_theta_scale"],
            document_masking = r["base_document_masking"],
            seed = r["base_seed"],
        )
    stage1_mixture, new = _claim(declared, prefixes["stage1_mixture"], "stage1_mixture", keys["stage1_mixture"])
    if new:
        mixture(
            name = stage1_mixture[1:],
            visibility = visibility,
            shards = r["shards"],
            tokenizer = r["tokenizer"],
            domains = r["stage1_domains"],
            stage = "stage1",
        )
    stage1_model, new = _claim(declared, prefixes["stage1_model"], "stage1_model", keys["stage1_model"])
    if new:
        train_stage(
            name = stage1_model[1:],
            visibility = visibility,
            mixture = stage1_mixture,
            tokenizer = r["tokenizer"],
            init = base_model,
            stage = "stage1",
            rope_theta_scale = r["stage1_rope_theta_scale"],
            lr_scale = r["stage1_lr_scale"],
            document_masking = r["stage1_document_masking"],
        )
    if not r["sft"]:
        return stage1_model
    sft_mixture, new = _claim(declared, prefixes["sft_mixture"], "sft_mixture", keys["sft_mixture"])
    if new:
        mixture(
            name = sft_mixture[1:],
            visibility = visibility,
            shards = r["sft_shards"],
            tokenizer = r["tokenizer"],
            domains = r["sft_domains"],
            stage = "sft",
        )
    sft_model, new = _claim(declared, prefixes["sft_model"], "sft_model", keys["sft_model"])
    if new:
        train_stage(
            name = sft_model[1:],
            visibility = visibility,
            mixture = sft_mixture,
            tokenizer = r["tokenizer"],
            init = stage1_model,
            stage = "sft",
            rope_theta_scale = r["stage1_rope_theta_scale"],
            document_masking = True,
        )
    return sft_model

def shared_stages():
    """Declares the stages of the unmodified RECIPE (in //ablations/common),
    which every ablation reuses instead of training its own copy."""
    keys = _stage_keys(RECIPE)
    _declare_stages({}, keys, "", "", dict(RECIPE), ["//visibility:public"])

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
    base = dict(RECIPE)
    for key in recipe:
        if key not in RECIPE:
            fail("ablation %s: unknown recipe setting %r (see RECIPE in //experiments:ablation.bzl)" % (name, key))
    base.update(recipe)

    # Stages equal to the unmodified RECIPE's come from the shared package.
    declared = {}
    for stage, key in _stage_keys(RECIPE).items():
        declared[key] = "%s:%s" % (_SHARED_PACKAGE, stage)
    default_keys = _stage_keys(base)

    results = []
    for variant, overrides in variants.items():
        for key in overrides:
            if key not in RECIPE:
                fail("ablation %s, variant %s: unknown recipe setting %r" % (name, variant, key))
        r = dict(base)
        r.update(overrides)
        evaluated = _declare_stages(declared, default_keys, name, variant, r, visibility)
        eval_target = "%s_%s_eval" % (name, variant)
        evaluation(
            name = eval_target,
            checkpoint = evaluated,
            tokenizer = r["tokenizer"],
            tasks = r["eval_tasks"],
            materials = r["eval_materials"],
            variant = variant,
            visibility = visibility,
        )
        results.append(":" + eval_target)

    results_table(
        name = name,
        results = results,
        title = title or name,
        note = note,
        paper = paper,
        visibility = visibility,
    )

def _stage_keys(r):
    """Identity of each stage: its settings plus its upstream's identity."""
    base_mixture = _settings(r, ["shards", "tokenizer", "base_domains"], "")
    base_model = _settings(r, ["base_rope_theta_scale", "base_document_masking", "base_seed"], base_mixture)
    stage1_mixture = _settings(r, ["shards", "tokenizer", "stage1_domains"], "")
    stage1_model = _settings(
        r,
        ["stage1_rope_theta_scale", "stage1_document_masking", "stage1_lr_scale"],
        base_model + stage1_mixture,
    )
    sft_mixture = _settings(r, ["sft_shards", "tokenizer", "sft_domains"], "")
    sft_model = _settings(r, [], stage1_model + sft_mixture)
    return {
        "sft_mixture": sft_mixture,
        "sft_model": sft_model,
        "base_mixture": base_mixture,
        "base_model": base_model,
        "stage1_mixture": stage1_mixture,
        "stage1_model": stage1_model,
    }

"""Text corpora from installed Debian packages, as Bazel repositories.

Each corpus repository mounts one or more packages' directories read-only
(symlinks) and records every package's name, version, root and license file,
so that every corpus built from it carries its provenance. A repository of one
package mounts its directory at the repository root; a repository of several
mounts each under a directory named after its package. tools/setup.sh
installs the packages. Bazel tracks the content of every file, so an upgraded
package re-runs what depends on it and nothing else.
"""

def _part(package, root, patterns, license, exclude = [], owned_only = False):
    """One package's contribution to a corpus repository.

    owned_only: mount only the regular files the package itself installs
    under root (not symlinks, nor other packages' files in a shared
    directory); otherwise mount root's entries as they are.
    """
    return json.encode(struct(
        package = package,
        root = root,
        patterns = patterns,
        exclude = exclude,
        license = license,
        owned_only = owned_only,
    ))

def _copyright(package):
    return "/usr/share/doc/%s/copyright" % package

_PERL_POD = "/usr/share/perl/5.36.0/pod"

# name -> parts (see _part); each corpus target in data/sources reads one.
DEBIAN_CORPORA = {
    # code_repos: Python's standard library and Go's standard library and
    # toolchain (vendored code, tests and test data left out).
    "corpus_code_repos": [
        _part(
            "libpython3.11-stdlib",
            "/usr/lib/python3.11",
            ["**/*.py"],
            _copyright("libpython3.11-stdlib"),
            exclude = ["**/idle_test/**", "**/site-packages/**"],
        ),
        _part(
            "golang-1.19-src",
            "/usr/share/go-1.19/src",
            ["**/*.go"],
            _copyright("golang-1.19-src"),
            exclude = ["**/testdata/**", "**/vendor/**", "**/*_test.go"],
        ),
    ],
    # books: Perl's manual, one POD book (chapter-sized manual) per file.
    "corpus_perl_manual": [
        _part(
            "perl-doc",
            _PERL_POD,
            ["*.pod"],
            _copyright("perl-doc"),
            # The FAQ is short_qa's; release notes, the table of contents
            # and Unicode property tables are not book text.
            exclude = ["perlfaq*.pod", "perl5*delta.pod", "perltoc.pod", "perluniprops.pod"],
        ),
    ],
    # short_qa: Perl's FAQ, split into question-and-answer entries.
    "corpus_perl_faq": [
        _part(
            "perl-doc",
            _PERL_POD,
            ["perlfaq*.pod"],
            _copyright("perl-doc"),
            exclude = ["perlfaq.pod"],  # the table of contents
        ),
    ],
    # web: HTML pages of the Debian Administrator's Handbook (English) and the
    # Debian Reference (English).
    "corpus_debian_html": [
        _part(
            "debian-handbook",
            "/usr/share/doc/debian-handbook/html/en-US",
            ["*.html"],
            _copyright("debian-handbook"),
        ),
        _part(
            "debian-reference-en",
            "/usr/share/debian-reference",
            ["*.en.html"],
            _copyright("debian-reference-en"),
        ),
    ],
    # arxiv: LaTeX sources of TeX Live's science package documentation.
    "corpus_texlive_science": [
        _part(
            "texlive-science-doc",
            "/usr/share/doc/texlive-doc",
            ["**/*.tex", "**/*.tex.gz"],
            _copyright("texlive-science-doc"),
            owned_only = True,  # other texlive-*-doc packages share the root
        ),
    ],
    # short_math: the Maxima computer algebra manual's HTML pages.
    "corpus_maxima_html": [
        _part(
            "maxima-doc",
            "/usr/share/doc/maxima-doc/html",
            ["*.html"],
            _copyright("maxima-doc"),
            exclude = ["maxima_singlepage.html"],  # every page again, in one
        ),
    ],
    # short_encyclopedic: the Free On-line Dictionary of Computing (dictd).
    "corpus_foldoc": [
        _part(
            "dict-foldoc",
            "/usr/share/dictd",
            ["foldoc.index", "foldoc.dict.dz"],
            _copyright("dict-foldoc"),
        ),
    ],
    # short_web: fortune cookies (one file per collection, '%' separated).
    "corpus_fortunes": [
        _part(
            "fortunes",
            "/usr/share/games/fortunes",
            ["*"],
            _copyright("fortunes"),
            exclude = ["*.dat", "*.u8"],
        ),
    ],
    # short_manuals: Linux man-pages, sections 2 (system calls) and 3 (C
    # library), gzip-compressed groff; aliases (symlinks) left out.
    "corpus_linux_man_pages": [
        _part(
            "manpages-dev",
            "/usr/share/man",
            ["man2/*.2.gz", "man3/*.3.gz"],
            _copyright("manpages-dev"),
            owned_only = True,
        ),
    ],
}

_BUILD = """
package(default_visibility = ["//visibility:public"])

filegroup(
    name = "files",
    srcs = glob({patterns}, exclude = {exclude}),
)

exports_files(["package.txt", "copyright"])
"""

# Never read: test suites, names Bazel labels cannot hold, and the files
# this rule itself writes at the repository's top (a "*" pattern would
# otherwise read BUILD and WORKSPACE as fortune cookies).
_ALWAYS_EXCLUDED = [
    "**/test/**",
    "**/tests/**",
    "**/* *",
    "BUILD",
    "BUILD.bazel",
    "WORKSPACE",
    "copyright",
    "package.txt",
]

def _owned_files(repository_ctx, package, root):
    """The regular files (no symlinks) that `package` installs under root."""
    listing = repository_ctx.execute([
        "sh",
        "-c",
        'files=$(dpkg -L "$1") || exit 1; printf "%s\\n" "$files" | ' +
        'while read -r f; do case "$f" in "$2"/*) ' +
        '[ -f "$f" ] && [ ! -L "$f" ] && echo "$f";; esac; done; exit 0',
        "owned_files",
        package,
        root,
    ])
    if listing.return_code != 0:
        fail("corpus %s: dpkg -L %s failed: %s" % (repository_ctx.name, package, listing.stderr))
    return [line for line in listing.stdout.splitlines() if line]

def _debian_corpus_impl(repository_ctx):
    parts = [json.decode(part) for part in repository_ctx.attr.parts]
    patterns, exclude = [], []
    info, copyright = [], []
    for part in parts:
        if not repository_ctx.path(part["root"]).exists:
            fail("corpus %s: %s is missing; install Debian package %s (tools/setup.sh does)" % (
                repository_ctx.name,
                part["root"],
                part["package"],
            ))
        mount = part["package"] if len(parts) > 1 else ""
        prefix = mount + "/" if mount else ""
        if part["owned_only"]:
            for path in _owned_files(repository_ctx, part["package"], part["root"]):
                repository_ctx.symlink(path, prefix + path[len(part["root"]) + 1:])
        else:
            for entry in repository_ctx.path(part["root"]).readdir():
                repository_ctx.symlink(entry, prefix + entry.basename)
        patterns += [prefix + p for p in part["patterns"]]
        exclude += [prefix + p for p in part["exclude"]] + [prefix + p for p in _ALWAYS_EXCLUDED]
        query = repository_ctx.execute(["dpkg-query", "-W", "-f=${Version}", part["package"]])
        version = query.stdout.strip() if query.return_code == 0 else "unknown"
        info.append("package: %s\nversion: %s\nroot: %s\nmount: %s\n" % (
            part["package"],
            version,
            part["root"],
            mount or ".",
        ))
        license = repository_ctx.path(part["license"])
        copyright.append("==> %s (%s) <==\n%s\n" % (
            part["package"],
            part["license"],
            repository_ctx.read(license) if license.exists else "license file not found",
        ))
    repository_ctx.file("package.txt", "\n".join(info))
    repository_ctx.file("copyright", "\n".join(copyright))
    repository_ctx.file("BUILD", _BUILD.format(patterns = repr(patterns), exclude = repr(exclude)))

debian_corpus = repository_rule(
    implementation = _debian_corpus_impl,
    attrs = {
        "parts": attr.string_list(
            mandatory = True,
            doc = "JSON objects: package, root, patterns, exclude, license.",
        ),
    },
    local = True,
    doc = "Installed Debian packages' text files as a filegroup `:files`.",
)

def debian_corpora():
    """Declares one repository per entry of DEBIAN_CORPORA."""
    for name, parts in DEBIAN_CORPORA.items():
        debian_corpus(name = name, parts = parts)

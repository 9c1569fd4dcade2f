"""Text corpora from installed Debian packages, as Bazel repositories.

Each corpus repository mounts the package's files read-only (symlinks) and
records the package's name, version and license file, so that every corpus
built from it carries its provenance. tools/setup.sh installs the packages.
Bazel tracks the content of every file, so an upgraded package re-runs what
depends on it and nothing else.
"""

# name -> (Debian package, directory, file patterns, license file)
DEBIAN_CORPORA = {
    "corpus_python_stdlib": (
        "libpython3.11-stdlib",
        "/usr/lib/python3.11",
        ["**/*.py"],
        "/usr/share/doc/libpython3.11-stdlib/copyright",
    ),
}

_BUILD = """
package(default_visibility = ["//visibility:public"])

filegroup(
    name = "files",
    srcs = glob({patterns}, exclude = ["**/test/**", "**/tests/**", "**/idle_test/**", "**/site-packages/**", "**/* *"]),
)

exports_files(["package.txt", "copyright"])
"""

def _debian_corpus_impl(repository_ctx):
    root = repository_ctx.attr.root
    if not repository_ctx.path(root).exists:
        fail("corpus %s: %s is missing; install Debian package %s (tools/setup.sh does)" % (
            repository_ctx.name,
            root,
            repository_ctx.attr.package,
        ))
    for entry in repository_ctx.path(root).readdir():
        repository_ctx.symlink(entry, entry.basename)
    query = repository_ctx.execute(["dpkg-query", "-W", "-f=${Version}", repository_ctx.attr.package])
    version = query.stdout.strip() if query.return_code == 0 else "unknown"
    repository_ctx.file("package.txt", "package: %s\nversion: %s\nroot: %s\n" % (
        repository_ctx.attr.package,
        version,
        root,
    ))
    if repository_ctx.path(repository_ctx.attr.license).exists:
        repository_ctx.symlink(repository_ctx.attr.license, "copyright")
    else:
        repository_ctx.file("copyright", "license file %s not found\n" % repository_ctx.attr.license)
    repository_ctx.file("BUILD", _BUILD.format(patterns = repr(repository_ctx.attr.patterns)))

debian_corpus = repository_rule(
    implementation = _debian_corpus_impl,
    attrs = {
        "package": attr.string(mandatory = True, doc = "Debian package that installs the files."),
        "root": attr.string(mandatory = True, doc = "Directory the package installs the text under."),
        "patterns": attr.string_list(mandatory = True, doc = "Globs of the files to read."),
        "license": attr.string(mandatory = True, doc = "The package's copyright file."),
    },
    local = True,
    doc = "One installed Debian package's text files as a filegroup `:files`.",
)

def debian_corpora():
    """Declares one repository per entry of DEBIAN_CORPORA."""
    for name, (package, root, patterns, license) in DEBIAN_CORPORA.items():
        debian_corpus(
            name = name,
            package = package,
            root = root,
            patterns = patterns,
            license = license,
        )

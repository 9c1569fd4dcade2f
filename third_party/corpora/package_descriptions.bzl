"""Debian's package index (every package's Section and Description) as a
Bazel repository: ICL material, read by the `debian_packages` reader.

At fetch time the rule runs `apt-cache dumpavail`, which prints one stanza
per package that apt knows (the candidate version: Package, Section,
Description, Filename, ...), and stores its output as `Packages`. It
reflects this machine's apt lists, which `tools/setup.sh`'s `apt-get
update` refreshes: Debian 12's main archive (bookworm, bookworm-updates,
bookworm-security), whose descriptions are stable between point releases.
The releases read are recorded in package.txt. Debian's Packages indices
carry each package's synopsis only (long descriptions live in
Translation-* files, which dumpavail does not merge). dumpavail also
prints dpkg's status records of installed packages that no list holds
(installed from elsewhere); they have no Filename field, and the reader
leaves them out.

The rule is local: it re-runs when Bazel's server starts, and Bazel tracks
the file's content, so an unchanged index rebuilds nothing.
"""

_BUILD = """
package(default_visibility = ["//visibility:public"])

filegroup(
    name = "files",
    srcs = ["Packages"],
)

exports_files(["package.txt", "copyright"])
"""

_COPYRIGHT = """Package descriptions from the Debian archive's package index, as
`apt-cache dumpavail` printed it. Each description is part of its package's
control data, written by the package's maintainers and distributed by the
Debian project with the package, under that package's license (installed
packages: /usr/share/doc/PACKAGE/copyright; all packages:
https://packages.debian.org/bookworm/PACKAGE).
"""

def _debian_releases(repository_ctx):
    """Debian's releases among apt's lists: "bookworm 12.15, ..." (sorted)."""
    policy = repository_ctx.execute(["apt-cache", "policy"])
    if policy.return_code != 0:
        fail("%s: apt-cache policy failed: %s" % (repository_ctx.name, policy.stderr))
    releases = {}
    for line in policy.stdout.splitlines():
        line = line.strip()
        if not line.startswith("release "):
            continue
        fields = {}
        for pair in line[len("release "):].split(","):
            key, _, value = pair.partition("=")
            fields[key] = value
        if fields.get("o") == "Debian":
            releases["%s %s %s" % (fields.get("n", "?"), fields.get("v", "?"), fields.get("c", "?"))] = True
    return " + ".join(sorted(releases.keys())) or "no Debian release in apt's lists"

def _package_descriptions_impl(repository_ctx):
    dump = repository_ctx.execute(["sh", "-c", 'apt-cache dumpavail > "$1"', "dumpavail", "Packages"])
    if dump.return_code != 0:
        fail("%s: `apt-cache dumpavail` failed (a Debian machine with apt lists is needed; tools/setup.sh runs apt-get update): %s" % (
            repository_ctx.name,
            dump.stderr,
        ))
    repository_ctx.file("package.txt", "package: apt-cache dumpavail\nversion: %s\nroot: /var/lib/apt/lists\nmount: .\n" % (
        _debian_releases(repository_ctx)
    ))
    repository_ctx.file("copyright", _COPYRIGHT)
    repository_ctx.file("BUILD", _BUILD)

package_descriptions = repository_rule(
    implementation = _package_descriptions_impl,
    local = True,
    doc = "`apt-cache dumpavail` as the filegroup `:files` (one file, Packages).",
)

"""`cuda_library`: compiles .cu files with nvcc into a library that cc_library,
cc_binary and cc_test can depend on.

Each .cu becomes one position-independent object (sm_90 SASS plus compute_90
PTX, so newer GPUs can JIT it); the objects are archived with the C++
toolchain's `ar` and returned as a CcInfo, linked with --whole-archive
(alwayslink) so nothing is dropped. Every nvcc action gets its own TMPDIR:
nvcc names its temp files by PID, and PIDs repeat across sandboxes.

With a toolkit, PROLONG_HAVE_CUDA=1 is defined for the .cu files and for every
dependent. Without one (see cuda_configure.bzl) the rule compiles nothing and
exports only its headers; PROLONG_HAVE_CUDA is then undefined and code that
calls the kernels must be guarded by it.
"""

load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain")
load("@local_cuda//:defs.bzl", "CUDA_AVAILABLE")

CUDA_ARCH_FLAGS = [
    "-gencode=arch=compute_90,code=sm_90",
    "-gencode=arch=compute_90,code=compute_90",
]

def _include_flags(compilation_context):
    flags = []
    for path in compilation_context.includes.to_list():
        flags += ["-I", path]
    for path in compilation_context.quote_includes.to_list():
        flags += ["-I", path]
    for path in compilation_context.system_includes.to_list():
        flags += ["-isystem", path]
    for define in compilation_context.defines.to_list():
        flags.append("-D" + define)
    return flags

def _cuda_library_impl(ctx):
    cc_toolchain = find_cpp_toolchain(ctx)
    feature_configuration = cc_common.configure_features(
        ctx = ctx,
        cc_toolchain = cc_toolchain,
        requested_features = ctx.features,
        unsupported_features = ctx.disabled_features,
    )
    dep_cc_infos = [dep[CcInfo] for dep in ctx.attr.deps]
    dep_compilation = cc_common.merge_cc_infos(cc_infos = dep_cc_infos).compilation_context
    defines = ["PROLONG_HAVE_CUDA=1"] if CUDA_AVAILABLE else []
    compilation_context = cc_common.create_compilation_context(
        headers = depset(ctx.files.hdrs),
        includes = depset([ctx.label.workspace_root or "."]),
        defines = depset(defines),
    )
    own_info = CcInfo(compilation_context = compilation_context)
    if not CUDA_AVAILABLE or not ctx.files.srcs:
        return [DefaultInfo(), cc_common.merge_cc_infos(cc_infos = [own_info] + dep_cc_infos)]

    nvcc = ctx.files._nvcc[0]
    objects = []
    for src in ctx.files.srcs:
        obj = ctx.actions.declare_file("_objs/%s/%s.o" % (ctx.label.name, src.basename[:-len(".cu")]))
        args = [
            "-ccbin",
            cc_toolchain.compiler_executable,
            "-std=c++17",
            "-O3",
            "-Xcompiler",
            "-fPIC",
            "-I",
            ".",
            "-I",
            ctx.bin_dir.path,
        ] + CUDA_ARCH_FLAGS + _include_flags(dep_compilation) + ["-D" + d for d in defines] + ctx.attr.copts + ["-c", src.path, "-o", obj.path]
        ctx.actions.run_shell(
            command = 'tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvcc.XXXXXXXX") && TMPDIR="$tmp" "$@"; rc=$?; rm -rf "$tmp"; exit $rc',
            arguments = [nvcc.path] + args,
            inputs = depset(
                [src] + ctx.files.hdrs,
                transitive = [dep_compilation.headers, ctx.attr._toolkit.files, cc_toolchain.all_files],
            ),
            outputs = [obj],
            mnemonic = "NvccCompile",
            progress_message = "nvcc %s" % src.short_path,
            use_default_shell_env = True,
        )
        objects.append(obj)

    archive = ctx.actions.declare_file("lib%s.a" % ctx.label.name)
    ctx.actions.run(
        executable = cc_toolchain.ar_executable,
        arguments = ["rcsD", archive.path] + [o.path for o in objects],
        inputs = depset(objects, transitive = [cc_toolchain.all_files]),
        outputs = [archive],
        mnemonic = "CudaArchive",
        progress_message = "Archiving %s" % archive.short_path,
    )
    library = cc_common.create_library_to_link(
        actions = ctx.actions,
        feature_configuration = feature_configuration,
        cc_toolchain = cc_toolchain,
        static_library = archive,
        alwayslink = True,
    )
    linker_input = cc_common.create_linker_input(
        owner = ctx.label,
        libraries = depset([library]),
    )
    linking_context = cc_common.create_linking_context(linker_inputs = depset([linker_input]))
    return [
        DefaultInfo(files = depset([archive])),
        cc_common.merge_cc_infos(cc_infos = [
            CcInfo(compilation_context = compilation_context, linking_context = linking_context),
        ] + dep_cc_infos),
    ]

cuda_library = rule(
    implementation = _cuda_library_impl,
    doc = "A static library compiled from .cu files by nvcc (sm_90 + PTX).",
    attrs = {
        "srcs": attr.label_list(allow_files = [".cu"], doc = "CUDA sources, one object each."),
        "hdrs": attr.label_list(allow_files = [".h", ".cuh"], doc = "Headers that dependents include."),
        "deps": attr.label_list(providers = [CcInfo], doc = "C++ libraries the kernels use (e.g. @local_cuda//:cudart)."),
        "copts": attr.string_list(doc = "Extra nvcc flags."),
        "_nvcc": attr.label(default = "@local_cuda//:nvcc", allow_files = True),
        "_toolkit": attr.label(default = "@local_cuda//:toolkit"),
        "_cc_toolchain": attr.label(default = "@bazel_tools//tools/cpp:current_cc_toolchain"),
    },
    toolchains = ["@bazel_tools//tools/cpp:toolchain_type"],
    fragments = ["cpp"],
    incompatible_use_toolchain_transition = True,
)

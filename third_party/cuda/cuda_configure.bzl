"""Repository rule that exposes the local CUDA toolkit as Bazel targets.

With a toolkit (nvcc found), @local_cuda provides `:nvcc`, `:cudart`, `:cublas`
and `:nccl`, and `defs.bzl` sets CUDA_AVAILABLE = True. Without one, the same
targets exist but are empty, so the whole tree still analyses and builds on a
CPU-only machine; `cuda_library` then compiles nothing and defines no
PROLONG_HAVE_CUDA, and CUDA tests skip.
"""

_BUILD_WITH_CUDA = """
package(default_visibility = ["//visibility:public"])

filegroup(
    name = "nvcc",
    srcs = ["bin/nvcc"],
)

# Everything nvcc reads while compiling: its own driver files and headers.
filegroup(
    name = "toolkit",
    srcs = glob(["bin/**", "include/**", "nvvm/**"]),
)

cc_library(
    name = "headers",
    hdrs = glob(["include/**/*.h", "include/**/*.hpp", "include/**/*.cuh"]),
    includes = ["include"],
)

cc_library(
    name = "cudart",
    linkopts = ["-L{root}/lib64", "-Wl,-rpath,{root}/lib64", "-lcudart"],
    deps = [":headers"],
)

cc_library(
    name = "cublas",
    linkopts = ["-L{root}/lib64", "-Wl,-rpath,{root}/lib64", "-lcublas", "-lcublasLt"],
    deps = [":cudart"],
)

cc_library(
    name = "nccl",
    linkopts = ["-L{root}/lib64", "-Wl,-rpath,{root}/lib64", "-lnccl"],
    deps = [":cudart"],
)
"""

_BUILD_WITHOUT_CUDA = """
package(default_visibility = ["//visibility:public"])

# No CUDA toolkit was found at {root}: these targets are empty.
filegroup(name = "nvcc")

filegroup(name = "toolkit")

cc_library(name = "headers")

cc_library(name = "cudart")

cc_library(name = "cublas")

cc_library(name = "nccl")
"""

def _cuda_configure_impl(repository_ctx):
    root = repository_ctx.os.environ.get("CUDA_PATH", "/usr/local/cuda")
    available = repository_ctx.path(root + "/bin/nvcc").exists
    if available:
        for entry in ["bin", "include", "lib64", "nvvm"]:
            if repository_ctx.path(root + "/" + entry).exists:
                repository_ctx.symlink(root + "/" + entry, entry)
        repository_ctx.file("BUILD", _BUILD_WITH_CUDA.format(root = root))
    else:
        repository_ctx.file("BUILD", _BUILD_WITHOUT_CUDA.format(root = root))
    repository_ctx.file(
        "defs.bzl",
        "CUDA_AVAILABLE = %s\nCUDA_ROOT = %r\n" % (available, root),
    )

cuda_configure = repository_rule(
    implementation = _cuda_configure_impl,
    environ = ["CUDA_PATH"],
    local = True,
    doc = "Finds the CUDA toolkit (CUDA_PATH, default /usr/local/cuda).",
)

#!/usr/bin/env python3
"""Reduces the output of `ncu --metrics gpu__time_duration.sum
--print-summary per-kernel` to a Markdown table of where GPU time went:
one row per kernel name and launch grid, by total time, with its share,
launches and mean duration, and the shares of cuBLAS GEMMs (nvjet kernels)
and of attention.

Usage: tools/ncu_summary.py NCU_OUTPUT [ROWS]   (NCU_OUTPUT may be .gz)
"""
import gzip
import re
import sys

UNITS = {"ns": 1e-3, "us": 1.0, "usecond": 1.0, "ms": 1e3, "msecond": 1e3}
ATTENTION = ("KeyValueGradKernel", "QueryGradKernel", "DeltaKernel",
             "AddPartialsKernel", "ops::<unnamed>::ForwardKernel<16>",
             "ops::<unnamed>::ForwardKernel<32>",
             "ops::<unnamed>::ForwardKernel<64>",
             "ops::<unnamed>::ForwardKernel<128>")


def kernels(text):
    """(total us, launches, mean us, name, grid) per kernel of the summary."""
    rows = []
    for block in re.split(r"\n  (?=\S)", text):
        launches = re.search(r"Invocations (\d+)", block)
        duration = re.search(
            r"gpu__time_duration.sum\s+(\w+)\s+[\d.,]+\s+[\d.,]+\s+([\d.,]+)",
            block)
        if not launches or not duration:
            continue
        mean = float(duration.group(2).replace(",", "")) * UNITS[duration.group(1)]
        grid = re.search(r"\((\d+, \d+, \d+)\)x", block)
        first_line = block.strip().splitlines()[0]
        name = re.sub(r"\(.*", "", first_line).strip()
        count = int(launches.group(1))
        rows.append((count * mean, count, mean, name, grid.group(1) if grid else ""))
    return sorted(rows, reverse=True)


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    opener = gzip.open if argv[1].endswith(".gz") else open
    with opener(argv[1], "rt") as f:
        rows = kernels(f.read())
    if not rows:
        sys.exit(f"{argv[1]}: no per-kernel summary with gpu__time_duration.sum")
    total = sum(r[0] for r in rows)
    gemm = sum(r[0] for r in rows if "nvjet" in r[3] or "gemm" in r[3])
    attention = sum(r[0] for r in rows if any(a in r[3] for a in ATTENTION))
    print(f"{sum(r[1] for r in rows)} launches, {total / 1e3:.1f} ms of GPU time; "
          f"cuBLAS GEMMs {100 * gemm / total:.1f}%, attention "
          f"{100 * attention / total:.1f}%.\n")
    print("| share | total ms | launches | mean us | grid | kernel |")
    print("| ---: | ---: | ---: | ---: | --- | --- |")
    for total_us, count, mean, name, grid in rows[: int(argv[2]) if len(argv) == 3 else 12]:
        short = name.replace("void ", "").replace("ops::<unnamed>::", "")
        short = short.replace("model::<unnamed>::", "").replace("__nv_bfloat16", "bf16")
        print(f"| {100 * total_us / total:.1f}% | {total_us / 1e3:.2f} | {count} | "
              f"{mean:.1f} | ({grid}) | `{short}` |")


if __name__ == "__main__":
    main(sys.argv)

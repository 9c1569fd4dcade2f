#!/usr/bin/env python3
"""Checks the C++ NdcgAtK against pytrec_eval's ndcg_cut.10 (what HELMET
calls), including its tie rule (equal scores: docid descending).

Usage (from the repository root, with `pip install pytrec-eval-terrier`):
  bazel build //tests/eval:ndcg_cases
  python3 tests/eval/ndcg_check.py bazel-bin/tests/eval/ndcg_cases [cases]
Exits non-zero on any mismatch.
"""
import json
import subprocess
import sys

import pytrec_eval


def main():
    binary = sys.argv[1]
    cases = sys.argv[2] if len(sys.argv) > 2 else "2000"
    lines = subprocess.run([binary, cases], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    mismatches = 0
    empty_runs = 0
    for line in lines:
        case = json.loads(line)
        qrels = {"q": case["qrels"]}
        run = {"q": case["run"]}
        if not case["run"]:
            # pytrec_eval omits queries without results; trec_eval scores 0.
            empty_runs += 1
            expected = 0.0
        else:
            evaluator = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10"})
            expected = evaluator.evaluate(run)["q"]["ndcg_cut_10"]
        if abs(expected - case["ndcg"]) > 1e-9:
            mismatches += 1
            if mismatches <= 5:
                print("MISMATCH", case, "pytrec_eval:", expected)
    print(f"{len(lines)} cases ({empty_runs} with empty runs), "
          f"{mismatches} mismatches")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()

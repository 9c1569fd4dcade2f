// Forward+backward throughput of the CPU training engine on the `nano`
// model (d_model 128, 4 layers, 4 heads, 2 KV heads, FFN 352, vocab 2048,
// tied embeddings) with one packed sequence of L tokens of random documents,
// with document masking on and off, 2 threads.
//
//   bazel run -c opt //model/benchmarks:train_benchmark -- [--long]
//       [--lengths=1024,4096] [--masking=both|on|off] [--min_seconds=3]
//       [--python=python3] [--no_peer] [--recompute] [--rounds=3]
//
// Lengths default to 1K, 4K and 16K; --long adds 64K (minutes per step
// without masking). Every (L, masking) case and the GEMM peak run in their
// own forked child (the parent never starts OpenMP), so the peak RSS that
// wait4 reports is that case's alone.
//
// FLOPs per step (fwd + bwd = 3x forward, the usual MFU convention; our
// attention backward also recomputes the scores, which is not counted):
//   dense      6 * N_mm * T, N_mm = the parameters used in matmuls: every
//              layer's q, k, v, o, gate, up, down plus the LM head (the
//              embedding lookup and norms are not matmuls);
//   attention  3 * layers * 4 * (Hq * head_dim) * P, P = the (query, key)
//              pairs attended: T (T + 1) / 2 without document masking, the
//              sum of l (l + 1) / 2 over documents of length l with it
//              (= 4 T^2 d layers * 1/2 * 3 for one causal document).
// MFU divides the achieved rate by the 2-thread peak of a 1024^3 float Eigen
// GEMM measured in the same run (Eigen single-threaded per thread, as the
// ops use it, the rows split between the threads).
//
// When `<python> -c 'import torch'` works, model/benchmarks/torch_peer.py
// trains the same shape on the same documents with PyTorch (2 threads) and
// the table gains its tokens/s and our speed-up over it.
//
// The machine's speed drifts (a VM's GEMM peak moved 179-211 GFLOP/s from
// one run to the next), so each case is measured in `rounds` rounds, ours
// and the peer back to back in every round: the table gives the medians,
// the ratio of the medians and the range of the per-round ratios.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "data/rng.h"
#include "experiments/config/config.pb.h"
#include "model/llama.h"

namespace prolong::model {
namespace {

constexpr int kThreads = 2;

config::ModelConfig NanoConfig() {
  config::ModelConfig config;
  config.set_vocab_size(2048);
  config.set_d_model(128);
  config.set_n_layers(4);
  config.set_n_heads(4);
  config.set_n_kv_heads(2);
  config.set_ffn_hidden(352);
  config.set_tie_embeddings(true);
  return config;
}

struct Options {
  std::vector<int> lengths = {1024, 4096, 16384};
  std::vector<bool> masking = {true, false};  // document masking settings
  double min_seconds = 3.0;
  std::string python = "python3";
  std::string peer_script = "model/benchmarks/torch_peer.py";
  bool peer = true;
  bool recompute = false;  // activation recomputation (Llama)
  int rounds = 3;          // measurements of each case, ours and the peer's
};

Options ParseOptions(int argc, char** argv) {
  Options options;
  bool long_lengths = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const std::string& flag) -> const char* {
      return arg.rfind(flag + "=", 0) == 0 ? arg.c_str() + flag.size() + 1
                                           : nullptr;
    };
    if (arg == "--long") {
      long_lengths = true;
    } else if (arg == "--no_peer") {
      options.peer = false;
    } else if (arg == "--recompute") {
      options.recompute = true;
    } else if (const char* v = value("--lengths")) {
      options.lengths.clear();
      std::stringstream list(v);
      for (std::string item; std::getline(list, item, ',');) {
        options.lengths.push_back(std::stoi(item));
      }
    } else if (const char* v = value("--masking")) {
      const std::string setting = v;
      if (setting == "both") {
        options.masking = {true, false};
      } else if (setting == "on" || setting == "off") {
        options.masking = {setting == "on"};
      } else {
        throw std::invalid_argument("--masking must be both, on or off");
      }
    } else if (const char* v = value("--min_seconds")) {
      options.min_seconds = std::stod(v);
    } else if (const char* v = value("--rounds")) {
      options.rounds = std::stoi(v);
    } else if (const char* v = value("--python")) {
      options.python = v;
    } else if (const char* v = value("--peer_script")) {
      options.peer_script = v;
    } else {
      throw std::invalid_argument("unknown flag " + arg);
    }
  }
  if (long_lengths) options.lengths.push_back(65536);
  for (int length : options.lengths) {
    if (length < 2) throw std::invalid_argument("lengths must be >= 2");
  }
  if (options.rounds < 1) throw std::invalid_argument("--rounds must be >= 1");
  return options;
}

// Document lengths for L tokens: log-uniform in [64, 8192], the last one
// cut to fit. Fixed per L, so both masking settings and the peer see the
// same documents.
std::vector<int32_t> DocumentLengths(int L) {
  data::Rng rng(2024, L);
  std::vector<int32_t> lengths;
  for (int used = 0; used < L;) {
    const int length = static_cast<int>(
        std::exp(std::log(64.0) + rng.Uniform() * std::log(8192.0 / 64.0)));
    lengths.push_back(std::min(length, L - used));
    used += lengths.back();
  }
  return lengths;
}

PackedSequence MakeSequence(int L) {
  PackedSequence seq;
  data::Rng rng(7, L);
  for (int t = 0; t < L; ++t) seq.tokens.push_back(rng.Below(2048));
  seq.doc_starts = {0};
  for (int32_t length : DocumentLengths(L)) {
    seq.doc_starts.push_back(seq.doc_starts.back() + length);
  }
  return seq;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

// Runs `body` in a forked child that sends back doubles; returns them and
// the child's peak RSS in MiB.
std::vector<double> InChild(const std::function<std::vector<double>()>& body,
                            double* peak_rss_mib) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    int status = 0;
    try {
      const std::vector<double> values = body();
      const size_t bytes = values.size() * sizeof(double);
      if (write(fds[1], values.data(), bytes) != static_cast<ssize_t>(bytes)) {
        status = 1;
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "benchmark child: %s\n", e.what());
      status = 1;
    }
    close(fds[1]);
    _exit(status);
  }
  close(fds[1]);
  std::vector<double> values;
  double value;
  while (read(fds[0], &value, sizeof(value)) == sizeof(value)) {
    values.push_back(value);
  }
  close(fds[0]);
  int status;
  rusage usage;
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    throw std::runtime_error("benchmark child failed");
  }
  *peak_rss_mib = usage.ru_maxrss / 1024.0;  // KiB on Linux
  return values;
}

// GFLOP/s of C (1024, 1024) = A (1024, 1024) * B (1024, 1024) with the rows
// split over `threads` (each single-threaded Eigen); best of repeats.
double GemmGflops(int threads) {
  using Matrix =
      Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  constexpr int n = 1024;
  const Matrix a = Matrix::Random(n, n);
  const Matrix b = Matrix::Random(n, n);
  Matrix c(n, n);
  const int rows = n / threads;
  double best = 0.0;
  const auto start = std::chrono::steady_clock::now();
  while (Seconds(start) < 2.0) {
    const auto begin = std::chrono::steady_clock::now();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int t = 0; t < threads; ++t) {
      c.middleRows(t * rows, rows).noalias() = a.middleRows(t * rows, rows) * b;
    }
    best = std::max(best, 2.0 * n * n * n / Seconds(begin) / 1e9);
  }
  return best;
}

// Matmul and attention FLOPs of one forward+backward over `seq`.
double StepFlops(const config::ModelConfig& config, const PackedSequence& seq,
                 bool document_masking) {
  const double D = config.d_model(), F = config.ffn_hidden();
  const double head_dim = D / config.n_heads();
  const double q_dim = D, kv_dim = config.n_kv_heads() * head_dim;
  const double per_layer = D * q_dim * 2 + D * kv_dim * 2 + 3 * D * F;
  const double matmul_params =
      config.n_layers() * per_layer + config.vocab_size() * D;
  const double T = seq.tokens.size();
  double pairs = 0.0;
  if (document_masking) {
    for (size_t d = 0; d + 1 < seq.doc_starts.size(); ++d) {
      const double length = seq.doc_starts[d + 1] - seq.doc_starts[d];
      pairs += length * (length + 1) / 2;
    }
  } else {
    pairs = T * (T + 1) / 2;
  }
  return 6 * matmul_params * T + 3.0 * config.n_layers() * 4 * q_dim * pairs;
}

// Seconds per forward+backward step: one warm-up step (none at 64K and
// beyond), then steps until `min_seconds` have passed.
double TimeStep(int L, bool document_masking, bool recompute,
                double min_seconds) {
  Llama model(NanoConfig());
  model.Initialize(1);
  model.SetThreads(kThreads);
  model.SetActivationRecomputation(recompute);
  const PackedSequence seq = MakeSequence(L);
  const float weight = 1.0f / CountTargets(seq);
  if (L < 65536) model.ForwardBackward(seq, document_masking, weight);
  int steps = 0;
  const auto start = std::chrono::steady_clock::now();
  do {
    model.ZeroGrads();
    model.ForwardBackward(seq, document_masking, weight);
    ++steps;
  } while (Seconds(start) < min_seconds);
  return Seconds(start) / steps;
}

bool TorchInstalled(const Options& options) {
  return std::system(
             (options.python + " -c 'import torch' >/dev/null 2>&1").c_str()) ==
         0;
}

// tokens/s of torch_peer.py on one (L, masking) case; 0 if it failed.
double RunPeer(const Options& options, int L, bool masking) {
  std::string docs;
  for (int32_t length : DocumentLengths(L)) {
    docs += (docs.empty() ? "" : "/") + std::to_string(length);
  }
  const std::string command =
      options.python + " " + options.peer_script + " --threads " +
      std::to_string(kThreads) + " --min_seconds " +
      std::to_string(options.min_seconds) + " --case " + std::to_string(L) +
      ":" + std::to_string(masking ? 1 : 0) + ":" + docs;
  std::fflush(stdout);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return 0.0;
  int peer_L, peer_mask;
  double rate = 0.0;
  if (std::fscanf(pipe, "%d %d %lf", &peer_L, &peer_mask, &rate) != 3) {
    rate = 0.0;
  }
  if (pclose(pipe) != 0 || rate <= 0.0) {
    std::fprintf(stderr, "warning: %s failed\n", options.peer_script.c_str());
    return 0.0;
  }
  return rate;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int Main(int argc, char** argv) {
  const Options options = ParseOptions(argc, argv);
  double rss;
  const std::vector<double> peak = InChild(
      [] {
        return std::vector<double>{GemmGflops(1), GemmGflops(2)};
      },
      &rss);
  std::printf(
      "Eigen 1024^3 float GEMM peak: %.1f GFLOP/s (1 thread), "
      "%.1f GFLOP/s (2 threads); activation recomputation %s\n\n",
      peak.at(0), peak.at(1), options.recompute ? "on" : "off");

  const bool torch_installed = options.peer && TorchInstalled(options);
  struct Row {
    int L;
    bool masking;
    size_t docs;
    double seconds, gflops, rss_mib;  // median s/step, its rate, max RSS
    double peer_tokens_per_s = 0.0;   // median; 0 without the peer
    double min_ratio = 0.0, max_ratio = 0.0;  // over the rounds
  };
  std::vector<Row> rows;
  const config::ModelConfig config = NanoConfig();
  for (int L : options.lengths) {
    const PackedSequence seq = MakeSequence(L);
    for (bool masking : options.masking) {
      std::vector<double> seconds, peer_rates, ratios;
      double max_rss = 0.0;
      for (int round = 0; round < options.rounds; ++round) {
        seconds.push_back(InChild(
                              [&] {
                                return std::vector<double>{
                                    TimeStep(L, masking, options.recompute,
                                             options.min_seconds)};
                              },
                              &rss)
                              .at(0));
        max_rss = std::max(max_rss, rss);
        char peer_text[64] = "";
        if (torch_installed) {
          const double rate = RunPeer(options, L, masking);
          if (rate > 0.0) {
            peer_rates.push_back(rate);
            ratios.push_back(L / seconds.back() / rate);
            std::snprintf(peer_text, sizeof(peer_text), ", PyTorch %.3f s/step",
                          L / rate);
          }
        }
        std::fprintf(stderr, "L=%d masking=%d round %d/%d: %.3f s/step%s\n", L,
                     masking, round + 1, options.rounds, seconds.back(),
                     peer_text);
      }
      const double median = Median(seconds);
      Row row{L,
              masking,
              seq.doc_starts.size() - 1,
              median,
              StepFlops(config, seq, masking) / median / 1e9,
              max_rss};
      if (ratios.size() == seconds.size()) {  // the peer ran every round
        row.peer_tokens_per_s = Median(peer_rates);
        row.min_ratio = *std::min_element(ratios.begin(), ratios.end());
        row.max_ratio = *std::max_element(ratios.begin(), ratios.end());
      }
      rows.push_back(row);
    }
  }

  std::printf(
      "%d round(s) per case, ours and PyTorch back to back in each; medians, "
      "and the range of the per-round ratios\n\n",
      options.rounds);
  std::printf(
      "| L | doc mask | docs | s/step | tokens/s | GFLOP/s | MFU | peak RSS "
      "(MiB) | PyTorch tokens/s | ours / PyTorch | per-round range |\n"
      "|---:|:---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|\n");
  for (const Row& row : rows) {
    const double tokens_per_s = row.L / row.seconds;
    char peer_text[64] = "n/a";
    char ratio_text[64] = "n/a";
    char range_text[64] = "n/a";
    if (row.peer_tokens_per_s > 0.0) {
      std::snprintf(peer_text, sizeof(peer_text), "%.0f",
                    row.peer_tokens_per_s);
      std::snprintf(ratio_text, sizeof(ratio_text), "%.2fx",
                    tokens_per_s / row.peer_tokens_per_s);
      std::snprintf(range_text, sizeof(range_text), "%.2fx-%.2fx",
                    row.min_ratio, row.max_ratio);
    }
    std::printf(
        "| %d | %s | %zu | %.3f | %.0f | %.1f | %.1f%% | %.0f | %s | %s | "
        "%s |\n",
        row.L, row.masking ? "on" : "off", row.docs, row.seconds, tokens_per_s,
        row.gflops, 100 * row.gflops / peak.at(1), row.rss_mib, peer_text,
        ratio_text, range_text);
  }
  if (options.peer && !torch_installed) {
    std::printf("\nPyTorch not installed\n");
  }
  return 0;
}

}  // namespace
}  // namespace prolong::model

int main(int argc, char** argv) {
  try {
    return prolong::model::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "train_benchmark: %s\n", e.what());
    return 1;
  }
}

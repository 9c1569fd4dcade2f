// Wall time of the whole evaluation suite for one checkpoint of the `nano`
// shape (d_model 128, 4 layers, 4 heads, 2 KV heads, FFN 352, tied
// embeddings, the tokenizer's vocabulary): randomly initialised unless
// --checkpoint names one (random weights never stop early, so every answer
// runs to its full token budget: the slowest case).
//
//   OMP_WAIT_POLICY=passive bazel run -c opt --config=nano \
//       //experiments/eval/benchmarks:eval_benchmark -- [--threads=2]
//       [--lengths=512,1024] [--checkpoint=/abs/stage.h5]
//       [--tokenizer=/abs/tokenizer.json --materials=foldoc=/abs/f.h5,...]
//
// By default the tokenizer (vocabulary 2048 at --config=nano) and the
// corpora are //data/sources' own, and the suite is nano_suite.textproto.
// Prints one row per task and length: samples, prompt tokens, prefill
// tokens/s (prompt tokens over the time to each first generated token),
// decode tokens/s (the tokens after the first over the rest of decoding),
// seconds spent making the prompts, seconds in all (prompts, decoding and
// scoring) and the score; then the totals. Results: RESULTS.md beside this
// file.
#include <gflags/gflags.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>

#include "data/tokenizer/bpe_tokenizer.h"
#include "experiments/config/config_io.h"
#include "experiments/eval/evaluator.h"
#include "experiments/eval/materials.h"
#include "experiments/stages/stage_main.h"
#include "model/checkpoint.h"

DEFINE_string(tokenizer, "data/sources/tokenizer.json",
              "tokenizer.json (nano: vocabulary 2048).");
DEFINE_string(materials,
              "foldoc=data/sources/foldoc.h5,perl_faq=data/sources/"
              "perl_faq.h5,man_pages=data/sources/linux_man_pages.h5,"
              "books=data/sources/perl_manual.h5",
              "name=corpus.h5,... for the suite's tasks (see --suite).");
DEFINE_string(suite, "experiments/eval/benchmarks/nano_suite.textproto",
              "EvalConfig listing the tasks and lengths.");
DEFINE_string(lengths, "",
              "Prompt lengths in tokens (default: the suite's, 512 and 1024).");
DEFINE_string(checkpoint, "", "Evaluate this checkpoint (default: random).");
DEFINE_int32(threads, 2, "Model threads.");

namespace prolong::eval {
namespace {

double Rate(double tokens, double seconds) {
  return seconds > 0.0 ? tokens / seconds : 0.0;
}

void RunBenchmark() {
  const auto tokenizer = data::BpeTokenizer::Load(FLAGS_tokenizer);
  config::EvalConfig suite =
      config::LoadConfig<config::EvalConfig>(FLAGS_suite);
  if (!FLAGS_lengths.empty()) {
    suite.clear_lengths();
    for (const std::string& length : stages::SplitList(FLAGS_lengths)) {
      suite.add_lengths(std::stoi(length));
    }
  }
  std::unique_ptr<model::Llama> model;
  if (FLAGS_checkpoint.empty()) {
    config::ModelConfig shape;
    shape.set_vocab_size(tokenizer.vocab_size());
    shape.set_d_model(128);
    shape.set_n_layers(4);
    shape.set_n_heads(4);
    shape.set_n_kv_heads(2);
    shape.set_ffn_hidden(352);
    model = std::make_unique<model::Llama>(shape);
    model->Initialize(1234);
  } else {
    model = std::move(model::ReadCheckpoint(FLAGS_checkpoint).model);
  }
  model->SetThreads(FLAGS_threads);
  const Materials materials = ReadMaterials(stages::SplitList(FLAGS_materials));

  const auto start = std::chrono::steady_clock::now();
  std::vector<TaskTiming> timings;
  const EvalResults results =
      Evaluate(suite, *model, tokenizer, materials, &timings);
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  std::printf(
      "model: %lld parameters, vocabulary %d, %d threads, %s\n\n",
      static_cast<long long>(model->num_parameters()), tokenizer.vocab_size(),
      FLAGS_threads,
      FLAGS_checkpoint.empty() ? "random init" : FLAGS_checkpoint.c_str());
  std::printf(
      "| task | length | samples | prompt tokens | prefill tokens/s | decode "
      "tokens | decode tokens/s | prompts s | seconds | score |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  std::map<int, double> seconds_per_length;
  for (size_t i = 0; i < timings.size(); ++i) {
    const TaskTiming& t = timings[i];
    seconds_per_length[t.length] += t.total_seconds;
    std::printf(
        "| %s | %d | %d | %lld | %.0f | %lld | %.0f | %.1f | %.1f | %.1f |\n",
        t.task.c_str(), t.length, t.samples,
        static_cast<long long>(t.prompt_tokens),
        Rate(t.prompt_tokens, t.prefill_seconds),
        static_cast<long long>(t.decode_tokens),
        Rate(t.decode_tokens, t.decode_seconds), t.generate_seconds,
        t.total_seconds, results.tasks[i].MeanScore());
  }
  std::printf("\n");
  for (const auto& [length, seconds] : seconds_per_length) {
    std::printf("all tasks at %d tokens: %.1f s\n", length, seconds);
  }
  std::printf("whole suite: %.1f s\n", total);
}

}  // namespace
}  // namespace prolong::eval

int main(int argc, char** argv) {
  return prolong::stages::RunStage(
      argc, argv, "Times the evaluation suite on a nano-shaped model.",
      prolong::eval::RunBenchmark);
}

// Every file format the pipeline reads, damaged on purpose. For each format a
// valid sample is written with the project's own writer, then:
//   - cut short at many points: reading must throw a std::runtime_error
//     whose message names the file;
//   - for the HDF5 formats (every array checksummed), one byte changed at
//     many points: reading must throw naming the file, or return exactly
//     what the undamaged file holds (a byte HDF5 does not use); never a
//     silently different value.
// JSON Lines have no file reader of their own (callers pass the text, and
// errors name the line); a cut there must fail naming the line, or, where it
// falls on a line boundary, give exactly the rows before it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/corpus/document.h"
#include "data/io/atomic_file.h"
#include "data/json/value.h"
#include "data/json/writer.h"
#include "data/packing/mixture.h"
#include "data/shards/token_shard.h"
#include "data/tasks/helmet_jsonl.h"
#include "data/tokenizer/bpe_tokenizer.h"
#include "data/tokenizer/byte_level.h"
#include "experiments/eval/results.h"
#include "model/checkpoint.h"
#include "model/llama.h"
#include "model/safetensors.h"

namespace prolong {
namespace {

using ::testing::HasSubstr;

std::string TestPath(const std::string& name) {
  return std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
}

// A file format: how to write a valid sample, and how to read a file into a
// string that changes whenever anything the reader returns changes.
struct Format {
  std::string name;
  std::function<void(const std::string& path)> write_sample;
  std::function<std::string(const std::string& path)> read;
};

// What a reader returns, as bytes: written again with the (deterministic)
// writer, so equal contents give equal bytes.
template <typename Value>
std::string Rewritten(
    const Value& value,
    const std::function<void(const Value&, const std::string&)>& write) {
  const std::string path = TestPath("rewritten");
  write(value, path);
  return io::ReadFile(path);
}

data::TokenShard SampleShard() {
  data::TokenShard shard;
  shard.domain = "books";
  for (int i = 0; i < 300; ++i) shard.tokens.push_back((i * 37) % 500);
  shard.doc_offsets = {0, 100, 180, 300};
  shard.doc_names = {"first", "second", "third"};
  shard.tokenizer_fingerprint = "0123456789abcdef";
  shard.manifest = "domain: \"books\"\ntokens: 300\n";
  return shard;
}

Format CheckpointFormat() {
  return {"checkpoint",
          [](const std::string& path) {
            config::ModelConfig config;
            config.set_vocab_size(40);
            config.set_d_model(16);
            config.set_n_layers(1);
            config.set_n_heads(2);
            config.set_n_kv_heads(1);
            config.set_ffn_hidden(24);
            model::Llama llama(config);
            llama.Initialize(5);
            model::OptimizerState optimizer;
            optimizer.m.assign(llama.num_parameters(), 0.25f);
            optimizer.v.assign(llama.num_parameters(), 0.5f);
            optimizer.adam_step = 7;
            model::WriteCheckpoint(path, llama, optimizer, {3, 12},
                                   "name: \"stage\"\nseq_len: 64\n");
          },
          [](const std::string& path) {
            const model::Checkpoint checkpoint = model::ReadCheckpoint(path);
            const std::string again = TestPath("rewritten");
            model::WriteCheckpoint(again, *checkpoint.model,
                                   checkpoint.optimizer, checkpoint.position,
                                   checkpoint.stage_config);
            return io::ReadFile(again);
          }};
}

Format ShardFormat() {
  return {"token shard",
          [](const std::string& path) {
            data::WriteTokenShard(SampleShard(), path);
          },
          [](const std::string& path) {
            return Rewritten<data::TokenShard>(data::ReadTokenShard(path),
                                               data::WriteTokenShard);
          }};
}

Format CorpusFormat() {
  return {"corpus",
          [](const std::string& path) {
            data::Corpus corpus;
            corpus.domain = "books";
            corpus.documents = {{"a", "The first document.\n"},
                                {"b", std::string(900, 'x')},
                                {"c", ""}};
            corpus.manifest.set_domain("books");
            data::WriteCorpus(corpus, path);
          },
          [](const std::string& path) {
            return Rewritten<data::Corpus>(data::ReadCorpus(path),
                                           data::WriteCorpus);
          }};
}

Format MixtureFormat() {
  return {"mixture",
          [](const std::string& path) {
            config::MixtureConfig config;
            config.set_seq_len(32);
            config.set_num_sequences(6);
            auto* share = config.add_domains();
            share->set_domain("books");
            share->set_role(config::SHORT);
            share->set_proportion(1.0);
            const std::map<std::string, data::TokenShard> shards = {
                {"books", SampleShard()}};
            data::WriteMixture(data::BuildMixture(config, shards, {500, 501}),
                               path);
          },
          [](const std::string& path) {
            return Rewritten<data::Mixture>(data::ReadMixture(path),
                                            data::WriteMixture);
          }};
}

Format ResultsFormat() {
  return {"results",
          [](const std::string& path) {
            eval::EvalResults results;
            results.variant = "rope_raised";
            results.config = "tasks { kind: JSON_KV }\n";
            for (int length : {256, 512}) {
              eval::TaskResult task;
              task.task = "json_kv";
              task.category = "Recall";
              task.length = length;
              task.prompt_tokens = {length - 10, length - 12};
              task.depth_index = {0, 1};
              task.scores = {1.0, 0.5};
              task.predictions = {"x", "y"};
              task.answers = {"x", "z"};
              results.tasks.push_back(task);
            }
            eval::WriteResults(results, path);
          },
          [](const std::string& path) {
            const eval::ResultsSummary summary = eval::ReadResultsSummary(path);
            std::ostringstream text;
            text.precision(17);
            text << summary.variant << '\n' << summary.config << '\n';
            for (const eval::SummaryRow& row : summary.rows) {
              text << row.task << ' ' << row.category << ' ' << row.length
                   << ' ' << row.score << '\n';
            }
            return text.str();
          }};
}

Format SafetensorsFormat() {
  return {"safetensors",
          [](const std::string& path) {
            const std::vector<float> w = {0.5f, -1.0f, 2.0f, 3.5f, 4.0f, 5.0f};
            const std::vector<float> b = {0.25f, 0.75f};
            io::WriteFileAtomically(path, model::SerializeSafetensors(
                                              {{"layers.0.w", {2, 3}, w.data()},
                                               {"layers.0.b", {2}, b.data()}},
                                              model::SafetensorsDtype::kF32));
          },
          [](const std::string& path) {
            std::string text;
            for (const auto& [name, tensor] : model::ReadSafetensors(path)) {
              text += name + ":";
              for (float value : tensor.values) {
                text += " " + std::to_string(value);
              }
              text += "\n";
            }
            return text;
          }};
}

// What a tokenizer does: its vocabulary size and the ids of a fixed text.
std::string TokenizerBehaviour(const std::string& path) {
  const data::BpeTokenizer tokenizer = data::BpeTokenizer::Load(path);
  std::string text = std::to_string(tokenizer.vocab_size()) + ":";
  for (int32_t id : tokenizer.Encode("the theme of these threads\n")) {
    text += " " + std::to_string(id);
  }
  return text;
}

Format TrainedTokenizerFormat() {
  return {"tokenizer.json (ours)",
          [](const std::string& path) {
            const std::string text =
                "the theme of these threads is the thread of the theme\n";
            data::BpeTokenizer::Train({text, text}, 280, 1).Save(path);
          },
          TokenizerBehaviour};
}

// A Hugging Face file as Llama-3's looks: merges as pairs, ignore_merges,
// added tokens with all of their fields, far above the vocabulary.
Format HuggingFaceTokenizerFormat() {
  return {
      "tokenizer.json (Hugging Face)",
      [](const std::string& path) {
        using data::json::Value;
        Value::Object vocab;
        for (int b = 0; b < 256; ++b) {
          vocab.emplace_back(
              data::ToByteLevel(std::string(1, static_cast<char>(b))), b);
        }
        vocab.emplace_back("th", 256);
        vocab.emplace_back("the", 257);
        const Value::Array merges = {Value::Array{"t", "h"},
                                     Value::Array{"th", "e"}};
        auto special = [](int id, const std::string& content) {
          return Value::Object{
              {"id", id},        {"content", content}, {"single_word", false},
              {"lstrip", false}, {"rstrip", false},    {"normalized", false},
              {"special", true}};
        };
        const Value root = Value::Object{
            {"version", "1.0"},
            {"truncation", nullptr},
            {"padding", nullptr},
            {"added_tokens", Value::Array{special(128000, "<|begin_of_text|>"),
                                          special(128001, "<|end_of_text|>")}},
            {"normalizer", nullptr},
            {"pre_tokenizer", Value::Object{{"type", "ByteLevel"}}},
            {"post_processor", nullptr},
            {"decoder", Value::Object{{"type", "ByteLevel"}}},
            {"model", Value::Object{{"type", "BPE"},
                                    {"dropout", nullptr},
                                    {"unk_token", nullptr},
                                    {"ignore_merges", true},
                                    {"vocab", vocab},
                                    {"merges", merges}}}};
        io::WriteFileAtomically(path, data::json::Write(root, 2) + "\n");
      },
      TokenizerBehaviour};
}

std::vector<Format> AllFormats() {
  return {CheckpointFormat(),       ShardFormat(),
          CorpusFormat(),           MixtureFormat(),
          ResultsFormat(),          SafetensorsFormat(),
          TrainedTokenizerFormat(), HuggingFaceTokenizerFormat()};
}

std::vector<Format> ChecksummedFormats() {
  return {CheckpointFormat(), ShardFormat(), CorpusFormat(), MixtureFormat(),
          ResultsFormat()};
}

// `count` positions spread evenly over [0, size).
std::vector<size_t> SpreadPositions(size_t size, size_t count) {
  std::vector<size_t> positions;
  for (size_t i = 0; i < count; ++i) positions.push_back(i * size / count);
  return positions;
}

TEST(CorruptFiles, SamplesReadBack) {
  for (const Format& format : AllFormats()) {
    SCOPED_TRACE(format.name);
    const std::string path = TestPath("sample");
    format.write_sample(path);
    EXPECT_FALSE(format.read(path).empty());
  }
}

TEST(CorruptFiles, EveryCutIsAnErrorNamingTheFile) {
  for (const Format& format : AllFormats()) {
    SCOPED_TRACE(format.name);
    const std::string path = TestPath("cut");
    format.write_sample(path);
    const std::string bytes = io::ReadFile(path);
    // Not the last two bytes: a JSON file cut after its closing brace is
    // whole.
    for (size_t keep : SpreadPositions(bytes.size() - 2, 48)) {
      io::WriteFileAtomically(path, bytes.substr(0, keep));
      EXPECT_THAT([&] { format.read(path); },
                  ::testing::ThrowsMessage<std::runtime_error>(HasSubstr(path)))
          << "kept " << keep << " of " << bytes.size() << " bytes";
    }
  }
}

TEST(CorruptFiles, EveryChangedByteIsCaughtOrUnused) {
  for (const Format& format : ChecksummedFormats()) {
    SCOPED_TRACE(format.name);
    const std::string path = TestPath("changed");
    format.write_sample(path);
    const std::string bytes = io::ReadFile(path);
    const std::string expected = format.read(path);
    int caught = 0;
    const std::vector<size_t> positions = SpreadPositions(bytes.size(), 400);
    for (size_t at : positions) {
      std::string changed = bytes;
      changed[at] = static_cast<char>(changed[at] ^ 0x5a);
      io::WriteFileAtomically(path, changed);
      try {
        EXPECT_EQ(format.read(path), expected)
            << "byte " << at << " of " << bytes.size()
            << " changed what was read";
      } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr(path)) << "byte " << at;
        ++caught;
      }
    }
    // Not a vacuous pass: many changes land in checksummed data (the rest
    // in HDF5's metadata, much of which the reader does not use).
    EXPECT_GT(caught, static_cast<int>(positions.size()) / 8);
  }
}

TEST(CorruptFiles, JsonLinesCutFailsNamingTheLineOrKeepsWholeRows) {
  const std::string line_one =
      data::json::Write(data::json::Value::Object{{"id", "a"},
                                                  {"question", "Key 1?"},
                                                  {"answers", "v1"},
                                                  {"context", "Key 1: v1"}}) +
      "\n";
  const std::string line_two =
      data::json::Write(data::json::Value::Object{{"id", "b"},
                                                  {"question", "Key 2?"},
                                                  {"answers", "v2"},
                                                  {"context", "Key 2: v2"}}) +
      "\n";
  const std::string jsonl = line_one + line_two;
  for (size_t keep = 0; keep < jsonl.size(); ++keep) {
    SCOPED_TRACE("kept " + std::to_string(keep));
    // A row is whole once its closing brace is in.
    const size_t whole_rows = (keep >= line_one.size() - 1 ? 1 : 0) +
                              (keep >= jsonl.size() - 1 ? 1 : 0);
    try {
      const auto rows = data::ReadHelmetRows(jsonl.substr(0, keep));
      ASSERT_EQ(rows.size(), whole_rows);
      if (!rows.empty()) {
        EXPECT_EQ(rows[0].id, "a");
      }
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), HasSubstr(whole_rows == 0 ? "line 1" : "line 2"));
    }
  }
}

}  // namespace
}  // namespace prolong
